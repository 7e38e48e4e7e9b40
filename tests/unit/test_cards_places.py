"""Document cards, places other than Drammen, best-first answer lines and the line-precision metric."""

from __future__ import annotations

from assistant.extractive import select_units
from assistant.lexicon import other_places
from eval.dataset import EvalItem
from eval.metrics import line_precision
from ingest.cards import document_card, spoken_date
from ingest.records import DocumentKind, DocumentMeta


def test_a_workshop_card_says_when_it_was_held() -> None:
    meta = DocumentMeta(
        doc_id="w.txt", title="Rapport – Helse", kind=DocumentKind.WORKSHOP_REPORT, date="2018-06-07", theme="helse"
    )
    card = document_card(meta)
    assert "arbeidsverkstedet om helse" in card and "ble holdt 7. juni 2018" in card and "«Rapport – Helse»" in card
    undated = document_card(meta.model_copy(update={"date": "", "kind": DocumentKind.STRATEGY}))
    assert "ikke datert" in undated
    assert spoken_date("2022") == "2022" and spoken_date("2018-12-01") == "1. desember 2018"


def test_a_card_lists_what_the_document_holds_on_its_own_line() -> None:
    """Its main sections, without their numbers and as one sentence (no «?» or «:» to cut the line), long workshop
    questions by their first words unless two open alike; the headline alone is what a card is matched by."""
    from ingest.cards import card_headline, section_title
    from ingest.text import answer_units

    meta = DocumentMeta(doc_id="k.txt", title="Kunnskap", kind=DocumentKind.KNOWLEDGE_BASE, date="2022", theme="x")
    card = document_card(meta, ["1. Innledning", "1. Innledning", "2. Sammendrag", "Om dokumentet", "9. Vedlegg"])
    assert card_headline(card) == document_card(meta)
    assert card.endswith("\nKapitlene er «Innledning», «Sammendrag» og «Vedlegg».")
    assert section_title("Til kunnskapsgrunnet: Er det noe du savner?") == "Til kunnskapsgrunnet – Er det noe du savner"
    long = "Hvilke suksesskriterier mener dere må legges til grunn for at flest mulig skal få {}?"
    workshop = meta.model_copy(update={"kind": DocumentKind.WORKSHOP_REPORT})
    listed = document_card(workshop, [long.format("beholde god helse"), long.format("gjenvinne god helse")])
    assert "beholde god helse" in listed and "gjenvinne god helse" in listed
    assert len(answer_units(listed, "prose")) == 2  # the headline and the contents, each whole
    assert document_card(meta, []) == card_headline(card)


def test_places_are_names_not_words() -> None:
    places = other_places()
    assert places.named("Hvor mange barn fikk plass i Oslo og Bærum?") == ["Oslo", "Bærum"]
    assert places.named("Hva gjør Drammen kommune for barn i Norge?") == []
    assert places.named("Skal vi gå på ski i moss og gran?") == []  # lower case: ordinary words
    assert places.named("Samarbeid med OsloMet") == []


def test_a_place_counts_as_covered_only_beside_the_service_asked_about() -> None:
    from assistant.answering import unnamed_places
    from assistant.types import Passage

    oslo = Passage(
        node_id="o", document="d", text="Helsestasjonstjeneste i Oslo kommune: Barnehjernevernet", kind="table_row"
    )
    question = "Hvordan organiserer Oslo kommune sine familieteam?"
    assert unnamed_places(question, [oslo], ["Familieteam"]) == ["Oslo"]  # Oslo is there, its familieteam is not
    assert unnamed_places(question, [oslo]) == []  # no service asked about: the place itself is the evidence
    asked = "Hva gjør helsestasjonstjenesten i Oslo for førstegangsforeldre?"
    assert unnamed_places(asked, [oslo], ["Helsestasjonstjenesten"]) == []


def test_an_answer_leads_with_its_best_line() -> None:
    from assistant.types import Passage

    def analyze(text: str) -> list[str]:
        return [w.strip(".,?").casefold() for w in text.split() if len(w) > 2]

    passages = [
        Passage(node_id="a", document="d", title="t", section="s", text="Noe om barn. Mer om skolen og leksene."),
        Passage(node_id="b", document="d", title="t", section="s", text="Uteteamet jobber med ungdom i sentrum."),
    ]
    units = select_units("Hva gjør Uteteamet med ungdom?", passages, analyze, lambda t: 1.0, min_score=0.1)
    assert units[0].text.startswith("Uteteamet")


def test_line_precision_counts_lines_on_the_question() -> None:
    item = EvalItem.model_validate(
        {
            "id": "x",
            "question": "Hvor mange ble henlagt?",
            "split": "dev",
            "persona": "citizen",
            "answerable": True,
            "evidence": [{"document": "d.txt", "text": "686 av disse ble henlagt"}],
            "must": [["70 %"]],
            "documents": ["d.txt"],
        }
    )
    citations = [
        {"n": 1, "document": "d.txt", "text": "978 undersøkelser. 686 av disse ble henlagt."},
        {"n": 2, "document": "d.txt", "text": "Noe helt annet."},
    ]
    answer = "Lead:\n- 686 av disse ble henlagt [1]\n- Noe helt annet [2]\n- Omtrent 70 % [2]"
    assert line_precision(answer, citations, item) == 2 / 3
    assert line_precision("Ingen kilder her.", citations, item) is None


def test_who_took_part_is_listed_by_group_and_place() -> None:
    """A report's lists of who took part become one line each: the group and place (from the headings under the
    list's heading, or a place written as a line of its own), then the names; other passages give no line."""
    from assistant.answering import PARTICIPANTS_ASKED, participant_units
    from assistant.types import Passage

    heading = "Folkevalgte som deltok på arbeidsverkstedet"
    by_heading = Passage(node_id="a", document="w.txt", text="Kari\nOla", section=f"{heading} › Utvalg › Drammen:")
    by_line = Passage(node_id="b", document="w.txt", text="Drammen:\nKari\nSvelvik:\nOla", section=f"Del 2 › {heading}")
    other = Passage(node_id="c", document="w.txt", text="Frivillige lag", section="Hvem bør kommunen samarbeide med?")
    lines = [u.text for u in participant_units([other, by_heading, by_line])]
    assert lines == ["Utvalg – Drammen: Kari, Ola", f"{heading}: Drammen: Kari; Svelvik: Ola"]
    assert PARTICIPANTS_ASKED.search("Hvem deltok på verkstedet om oppvekstpolitikk?")
    assert PARTICIPANTS_ASKED.search("Who took part in the child welfare workshop?")
    assert not PARTICIPANTS_ASKED.search("Hva sa verkstedet om frivillighet?")
