"""The parser on small snippets of every structure the corpus has."""

from __future__ import annotations

from ingest.chunking import chunk_units, split_long
from ingest.config import ChunkingConfig
from ingest.ids import node_id
from ingest.pipeline import parse_document
from ingest.records import DocumentKind, DocumentMeta, NodeKind, PreventionLevel, Role
from ingest.structure import find_toc, parse_structure
from ingest.tables import is_numeric_table, parse_law_rows, parse_measure_rows, render_table
from ingest.text import (
    clean_html,
    clean_inline,
    is_footnote_line,
    is_page_footer,
    split_sentences,
    superscript_markers,
)

META = DocumentMeta(doc_id="t.txt", title="Test", kind=DocumentKind.KNOWLEDGE_BASE)

TOC_DOC = """DRAMMEN
KOMMUNE

Innholdsfortegnelse

1. Innledning\t4
2. Tiltak.....\t5
Del 2
Samarbeid med frivilligheten\t6

1. Innledning

Dette er innledningen om oppvekst¹ i Drammen.

¹ Fotnote om oppvekst

8 | Kunnskapsgrunnlag

Samarbeid med frivilligheten

Frivillige lag er viktige.

2. Tiltak

2.1 Første tiltak

- punkt en
- punkt to
"""


def test_toc_is_dropped_and_its_titles_make_bare_headings() -> None:
    start, end, entries = find_toc(TOC_DOC.splitlines())
    assert 0 < start < end
    assert [e.title for e in entries] == ["1. Innledning", "2. Tiltak", "Del 2", "Samarbeid med frivilligheten"]
    assert [e.level for e in entries] == [1, 1, 1, 2]
    blocks = parse_structure(TOC_DOC)
    texts = [line for b in blocks for line in b.lines]
    assert not any("\t" in t or t.endswith("4") for t in texts)
    frivillig = next(b for b in blocks if b.lines == ["Frivillige lag er viktige."])
    assert frivillig.section_path == ("1. Innledning", "Samarbeid med frivilligheten")
    bullets = [b for b in blocks if b.kind == "bullet"]
    assert [b.lines[0] for b in bullets] == ["punkt en", "punkt to"]
    assert bullets[0].section_path == ("2. Tiltak", "2.1 Første tiltak")


def test_footnotes_footers_and_cover_are_removed() -> None:
    blocks = parse_structure(TOC_DOC)
    texts = " ".join(line for b in blocks for line in b.lines)
    assert "Dette er innledningen om oppvekst i Drammen." in texts
    assert "Fotnote" not in texts and "Kunnskapsgrunnlag" not in texts and "KOMMUNE" not in texts


def test_a_line_that_opens_with_an_abbreviation_does_not_end_there() -> None:
    text = "Pr. 31.12.21 var det 691 barn med tiltak. Dette er som i 2020."
    assert split_sentences(text) == ["Pr. 31.12.21 var det 691 barn med tiltak.", "Dette er som i 2020."]
    assert split_sentences("Vi har fem. 5 barn kom.") == ["Vi har fem.", "5 barn kom."]


def test_a_reference_list_gives_no_nodes() -> None:
    text = (
        "1. Innledning\n\nDette er innledningen om oppvekst i Drammen.\n\n8. Referanser\n\n"
        "WHO (22. Juli 1946) Constitution of the world health organization\n\n"
        "[couv arabe.indd \\(who.int\\)](#)\n\nStatens helsetilsyn. (august 1998) Helsefremmende arbeid\n\n"
        "9. Vedlegg\n\nVedlegget begynner her.\n"
    )
    texts = " ".join(n.text for n in parse_document(META, text).nodes)
    assert "innledningen om oppvekst" in texts and "Vedlegget begynner her" in texts
    assert "who.int" not in texts and "Statens helsetilsyn" not in texts


def test_hash_headings_and_numbered_list_is_not_a_chapter() -> None:
    text = "# Del 1\n\n## Hva bør vi gjøre?\n\n### Forebygging\n\n- Mer forebygging\n"
    blocks = parse_structure(text)
    assert blocks[0].section_path == ("Del 1", "Hva bør vi gjøre?", "Forebygging")
    numbered = "1. Innledning\n\nTekst.\n\n2. Mål\n\n1. Første mål i en liste\n\nTekst om målet.\n"
    paths = {b.section_path for b in parse_structure(numbered)}
    assert ("2. Mål",) in paths and not any("1. Første mål i en liste" in p for path in paths for p in path)


def test_inline_cleaning() -> None:
    assert (
        clean_inline("Se [Oppvekstprofil Drammen](#) og **viktig** *tekst*¹²")
        == "Se Oppvekstprofil Drammen og viktig tekst"
    )
    assert clean_inline(r"[Nye analysebrett \(udir.no\)](#)") == "Nye analysebrett (udir.no)"
    assert clean_html("<p>Plikt A</p> <p>Plikt B</p>") == "Plikt A; Plikt B"
    assert clean_html("<ul><li>en</li><li>to</li></ul>") == "en; to"


def test_footer_and_footnote_line_detection() -> None:
    assert is_page_footer("8 | Kunnskapsgrunnlag") and is_page_footer("Kunnskapsgrunnlag | 12")
    assert not is_page_footer("Tekst med | strek i en lang setning som fortsetter videre og videre uten slutt her")
    markers = superscript_markers("omsorgssvikt¹ og atferd² og ⁴¹")
    assert markers == {1, 2, 41}
    assert is_footnote_line("1 Barn eller ungdom som lever under forhold", markers)
    assert is_footnote_line("⁴¹ [Aktive lokalsamfunn](#)", markers)
    assert not is_footnote_line("3 Barn eller ungdom", markers)
    assert not is_footnote_line("1. Innledning", markers)


HEADER = "Universelle tiltak\tForebyggende\tFange opp\tFølge opp\tI samarbeid med?"


def test_measure_rows_roles_partners_and_levels() -> None:
    rows, level = parse_measure_rows(
        [
            HEADER,
            "Leksehjelp\tx\t\t\tFrivilligheten",
            "Selekterte tiltak\tForebyggende\tFange opp\tFølge opp\t",
            "Sommerskolen\tx\tx\t\t",
        ]
    )
    assert level == PreventionLevel.SELEKTERT
    assert (
        rows[0].measure == "Leksehjelp" and rows[0].roles == [Role.FOREBYGGE] and rows[0].partners == "Frivilligheten"
    )
    assert rows[1].level == PreventionLevel.SELEKTERT and rows[1].roles == [Role.FOREBYGGE, Role.FANGE_OPP]


def test_header_split_over_two_lines_and_repeated_after_page_break() -> None:
    rows, _ = parse_measure_rows(
        [
            "Universelle tiltak\tForebyggende\t\t\tI samarbeid med?",
            "\tFange opp\tFølge opp\tFølge opp\t",
            "Leksehjelp\tx\t\t\t",
            HEADER,
            "Leirskole\tx\t\t\t",
        ]
    )
    assert [r.measure for r in rows] == ["Leksehjelp", "Leirskole"]
    assert all(r.level == PreventionLevel.UNIVERSELL for r in rows)


def test_broken_rows_are_repaired() -> None:
    rows, _ = parse_measure_rows(
        [
            HEADER,
            "PYC-parenting\t\t\t\t",
            "young children\t\tx\tx\tHelsestasjon",
            "Oppfølging med f.eks selvsykdom/\t\t\t\t",
            "selvmordstanker/ spiseforstyrrelser\t\tx\tx\t",
            "TIBIR\t\t\t\t",
            "Tidlig innsats for\t\t\t\t",
            "barn i risiko\t\tx\tx\tHelsestasjon",
            "PMTO\t\t\t\t",
            "Parent Management Training Oregon\t\t\t\tHelsestasjon",
            "Innlegg på møter\tx\tx\t\tHelsefremmende tjenester 0-100,",
            "Barneverntjenesten, NAV m.fl.\t\t\t\t",
            "Tilrettelegging av seksuell helse\tx\tx\tx\tFastlege",
            "Delvis implementert.\t\t\t\t",
            "Idrettsforeninger\t\t\t\t",
        ]
    )
    measures = [r.measure for r in rows]
    assert measures == [
        "PYC-parenting young children",
        "Oppfølging med f.eks selvsykdom/selvmordstanker/ spiseforstyrrelser",
        "TIBIR (Tidlig innsats for barn i risiko)",
        "PMTO (Parent Management Training Oregon)",
        "Innlegg på møter",
        "Tilrettelegging av seksuell helse Delvis implementert.",
        "Idrettsforeninger",
    ]
    assert rows[4].partners == "Helsefremmende tjenester 0-100, Barneverntjenesten, NAV m.fl."
    assert rows[0].roles == [Role.FANGE_OPP, Role.FOLGE_OPP]


def test_html_inside_cells_of_law_tables() -> None:
    rows = parse_law_rows(
        [
            "Lov og forskrift\t\t\t",
            "Forebygging\tUniverselt nivå\tBarnehageloven §1\t<p>Formål</p> <p>Mer</p>",
            "\tSelektert nivå\tRammeplan kapittel 7\tTilpasning",
        ]
    )
    assert rows[0].description == "Formål; Mer"
    assert rows[1].perspective == "Forebygging" and rows[1].level == "Selektert nivå"


def test_numeric_tables_keep_values_next_to_years() -> None:
    years = ["2017\t2018\t2019", "8\t20\t29"]
    assert is_numeric_table(years)
    assert render_table(years) == ["2017: 8 · 2018: 20 · 2019: 29"]
    labelled = ["\t2020\t2021\tJuni 2022", "Antall henvisninger skole\t379\t439\t325"]
    assert render_table(labelled, "Tabell:") == [
        "Tabell:",
        "Antall henvisninger skole: 2020: 379 · 2021: 439 · Juni 2022: 325",
    ]


def test_chunks_respect_size_and_keep_intro_with_bullets() -> None:
    config = ChunkingConfig(max_chars=200, min_chars=40)
    long_paragraph = " ".join(f"Setning nummer {i} handler om oppvekst." for i in range(30))
    assert all(len(p) <= 200 for p in split_long(long_paragraph, 200))
    config = ChunkingConfig(max_chars=200, min_chars=20)
    chunks = chunk_units(["A" * 100, "B" * 80, "Dette gjelder:", "- punkt en", "- punkt to"], config)
    assert chunks[0] == "A" * 100 + "\n" + "B" * 80
    assert chunks[1] == "Dette gjelder:\n- punkt en\n- punkt to"
    assert all(len(c) <= 200 * 1.3 for c in chunks)


APPENDIX_DOC = f"""9. Vedlegg

9.2 Vedlegg 2

- Tiltak og metoder i bruk i Drammen kommune i dag

Uteteam

{HEADER}
Oppsøkende arbeid\tx\tx\tx\tSkolene
Selekterte tiltak\tForebyggende\tFange opp\tFølge opp\tI samarbeid med?
HAP/Bevisstgjøringssamtaler knyttet til Cannabisbruk\t\t\tx\t

NAV

{HEADER}
Veiledning\tx\t\t\t
"""


def test_appendix_rows_become_nodes_and_catalog_records_with_stable_ids() -> None:
    parsed = parse_document(META, APPENDIX_DOC)
    rows = [n for n in parsed.nodes if n.kind == NodeKind.TABLE_ROW]
    assert [m.service for m in parsed.catalog] == ["Uteteam", "Uteteam", "NAV"]
    hap = parsed.catalog[1]
    assert hap.level == PreventionLevel.SELEKTERT and hap.roles == (Role.FOLGE_OPP,)
    node = next(n for n in rows if n.node_id == hap.node_id)
    assert node.text == (
        "Tjeneste: Uteteam · Nivå: Selekterte tiltak · Tiltak: HAP/Bevisstgjøringssamtaler knyttet til Cannabisbruk"
        " · Rolle: følge opp"
    )
    assert node.section_path[-1] == "Uteteam" and node.metadata["appendix"] == "Vedlegg 2"
    assert node.section_path[-2] == "9.2 Vedlegg 2 – Tiltak og metoder i bruk i Drammen kommune i dag"
    again = parse_document(META, APPENDIX_DOC)
    assert [n.node_id for n in again.nodes] == [n.node_id for n in parsed.nodes]
    assert node_id("t.txt", 1, "x") != node_id("t.txt", 2, "x") != node_id("u.txt", 1, "x")
