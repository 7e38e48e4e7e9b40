"""The parser on the real corpus (pure and fast): counts, the service catalog, rows checked by hand, no residue."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from eval.dataset import SERVICES as DATASET_SERVICES
from ingest.corpus import load_corpus
from ingest.errors import CorpusError
from ingest.pipeline import parse_corpus
from ingest.records import NodeKind, ParsedDocument, PreventionLevel, Role

ROOT = Path(__file__).resolve().parents[2]
KB = "kunnskapsgrunnlag-oppvekstreformen-2022.txt"
SERVICES = set(DATASET_SERVICES)


@pytest.fixture(scope="module")
def parsed() -> dict[str, ParsedDocument]:
    return {p.meta.doc_id: p for p in parse_corpus(load_corpus(ROOT / "corpus"))}


def test_node_counts_by_kind(parsed: dict[str, ParsedDocument]) -> None:
    kinds = {doc: Counter(n.kind for n in p.nodes) for doc, p in parsed.items()}
    assert 150 <= kinds[KB][NodeKind.PROSE] <= 400
    assert 400 <= kinds[KB][NodeKind.TABLE_ROW] <= 520
    assert 4 <= kinds[KB][NodeKind.TABLE] <= 12
    for doc, counts in kinds.items():
        if doc.startswith("arbeidsverksted"):
            assert 15 <= counts[NodeKind.PROSE] <= 80 and counts[NodeKind.TABLE_ROW] == 0


def test_catalog_has_every_vedlegg2_service(parsed: dict[str, ParsedDocument]) -> None:
    catalog = parsed[KB].catalog
    assert {m.service for m in catalog if m.appendix == "Vedlegg 2"} == SERVICES
    assert len([m for m in catalog if m.appendix == "Vedlegg 2"]) >= 340
    municipalities = {m.municipality for m in catalog if m.appendix == "Vedlegg 3"}
    assert {"Kristiansand kommune", "Asker kommune", "Trondheim kommune"} <= municipalities
    levels = {s: {m.level for m in catalog if m.service == s} for s in ("SFO", "NoK", "Uteteam")}
    assert levels["SFO"] == {PreventionLevel.UNIVERSELL, PreventionLevel.SELEKTERT}
    assert levels["Uteteam"] == {PreventionLevel.UNIVERSELL, PreventionLevel.SELEKTERT, PreventionLevel.INDIKERT}


def find(parsed: dict[str, ParsedDocument], service: str, start: str):  # type: ignore[no-untyped-def]
    matches = [m for m in parsed[KB].catalog if m.service == service and m.measure.startswith(start)]
    assert matches, f"{service}: {start}"
    return matches[0]


def test_rows_checked_against_the_text(parsed: dict[str, ParsedDocument]) -> None:
    hap = find(parsed, "Uteteam", "HAP/Bevisstgjøringssamtaler")
    assert hap.level == PreventionLevel.SELEKTERT and hap.roles == (Role.FOLGE_OPP,) and hap.partners == ""
    leksehjelp = find(parsed, "Skole", "Leksehjelp")
    assert leksehjelp.roles == (Role.FOREBYGGE,) and leksehjelp.partners.startswith(
        "Noen skoler har samarbeid med frivilligheten"
    )
    ung11 = find(parsed, "Skole", "Ung 11")
    assert ung11.level == PreventionLevel.INDIKERT and ung11.roles == (Role.FOREBYGGE, Role.FOLGE_OPP)
    assert ung11.partners == "Viken fylkeskommune - UngInvest"
    sfo = find(parsed, "SFO", "SFO-plasser for elever 5-7")
    assert sfo.level == PreventionLevel.SELEKTERT and sfo.roles == (Role.FOLGE_OPP,) and sfo.partners == "PPT"
    pyc = find(parsed, "Barnevernet", "PYC-parenting young children")
    assert pyc.roles == (Role.FANGE_OPP, Role.FOLGE_OPP)
    tibir = find(parsed, "Barnevernet", "TIBIR (Tidlig innsats for barn i risiko)")
    assert tibir.level == PreventionLevel.INDIKERT
    levekar = find(parsed, "Levekårsteam", "Innlegg på møter og workshops")
    assert levekar.partners.startswith("Helsefremmende tjenester 0-100, Barneverntjenesten, NAV")
    selvmord = find(parsed, "Skolehelsetjenesten", "Oppfølging av barn og unge med psykiske utfordringer")
    assert "selvmordstanker" in selvmord.measure and selvmord.roles == (Role.FANGE_OPP, Role.FOLGE_OPP)
    prevensjon = find(parsed, "Fastlegene", "Tilbud om prevensjonsveiledning")
    assert prevensjon.partners == "Helsestasjon, jordmortjeneste"


def test_no_residue_and_no_toc_in_nodes(parsed: dict[str, ParsedDocument]) -> None:
    residue = re.compile(r"\t|<p>|</?li>|\]\(#\)|\*\*|[⁰¹²³⁴⁵⁶⁷⁸⁹]|\d+ \| Kunnskapsgrunnlag|Innholdsfortegnelse")
    toc_line = re.compile(r"(\.{3,}|\t)\s*\d{1,3}$", re.M)
    for doc, p in parsed.items():
        for node in p.nodes:
            assert not residue.search(node.text), (doc, node.text[:120])
            assert not toc_line.search(node.text), (doc, node.text[:120])


def test_section_paths_and_numeric_tables(parsed: dict[str, ParsedDocument]) -> None:
    kb = parsed[KB]
    intro = next(n for n in kb.nodes if n.text.startswith("Oppvekstreformen er et avgjørende virkemiddel"))
    assert intro.section_path == ("1. Innledning",)
    bup = next(n for n in kb.nodes if n.kind == NodeKind.TABLE and "2017: 8" in n.text)
    assert "2018: 20 · 2019: 29 · 2020: 35 · 2021: 25" in bup.text
    ppt = next(n for n in kb.nodes if n.kind == NodeKind.TABLE and "Antall henvisninger skole" in n.text)
    assert "2020: 379 · 2021: 439 · Juni 2022: 325" in ppt.text
    workshop = parsed["arbeidsverksted-barnevernspolitikk-2018-04-12.txt"]
    names = [n for n in workshop.nodes if "Folkevalgte som deltok på arbeidsverkstedet" in n.section_path]
    assert names and all(n.kind == NodeKind.PROSE for n in names)


def test_ids_are_stable_across_parses(parsed: dict[str, ParsedDocument]) -> None:
    again = {p.meta.doc_id: p for p in parse_corpus(load_corpus(ROOT / "corpus"))}
    for doc, p in parsed.items():
        assert [n.node_id for n in p.nodes] == [n.node_id for n in again[doc].nodes]
        assert len({n.node_id for n in p.nodes}) == len(p.nodes)


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "corpus", tmp_path / "corpus")
    return tmp_path / "corpus"


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"   \n", "empty"), (b"tekst\x00bin", "binary"), (b"\xc3\x28 ugyldig", "not valid UTF-8")],
)
def test_bad_files_are_named(corpus_copy: Path, content: bytes, message: str) -> None:
    (corpus_copy / KB).write_bytes(content)
    with pytest.raises(CorpusError, match=message) as err:
        load_corpus(corpus_copy)
    assert KB in str(err.value)


def test_manifest_problems_are_named(corpus_copy: Path) -> None:
    (corpus_copy / KB).unlink()
    with pytest.raises(CorpusError, match=f"{re.escape(KB)}: listed in manifest.toml but the file does not exist"):
        load_corpus(corpus_copy)
    shutil.copy(ROOT / "corpus" / KB, corpus_copy / KB)
    (corpus_copy / "ny-rapport.txt").write_text("Ny rapport.", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"ny-rapport\.txt: .*add an entry"):
        load_corpus(corpus_copy)
    (corpus_copy / "manifest.toml").write_text("[[documents]]\nfile = 'x.txt'\nkind = 'roman'\ntitle = 'X'\n")
    with pytest.raises(CorpusError, match="kind must be one of"):
        load_corpus(corpus_copy)


def test_adding_a_document_needs_no_code_change(corpus_copy: Path) -> None:
    (corpus_copy / "ny-rapport.txt").write_text(
        "# Ny rapport\n\nFrivillige hjelper barn med lekser.\n", encoding="utf-8"
    )
    with open(corpus_copy / "manifest.toml", "a", encoding="utf-8") as handle:
        handle.write('\n[[documents]]\nfile = "ny-rapport.txt"\ntitle = "Ny rapport"\nkind = "strategy"\n')
    docs = parse_corpus(load_corpus(corpus_copy))
    new = next(p for p in docs if p.meta.doc_id == "ny-rapport.txt")
    assert new.nodes[0].text == "Frivillige hjelper barn med lekser." and new.nodes[0].section_path == ("Ny rapport",)


def test_a_manifest_entry_outside_the_corpus_folder_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "manifest.toml").write_text(
        '[[documents]]\nfile = "../x.txt"\ntitle = "X"\nkind = "strategy"\n', encoding="utf-8"
    )
    with pytest.raises(CorpusError, match=r"'\.\./x\.txt' is not a file name in the corpus folder"):
        load_corpus(tmp_path)
