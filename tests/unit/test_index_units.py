"""Unit tests of the index layer's pure parts: analyzer, BM25, manifest naming, cache, fake embedder."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.config import EmbeddingConfig
from index.embedding import (
    EmbeddingCache,
    FakeEmbedding,
    cosine,
    cpu_has_native_bf16,
    embed_with_cache,
    resolve_precision,
)
from index.lexical import LexicalIndex, NorwegianAnalyzer, build_vocabulary, join_digit_groups, split_compound
from index.manifest import IndexManifest, collection_name, read_manifest, write_manifest
from ingest.config import ChunkingConfig

TEXTS = [
    "Barnevernet har ansvar for hjelpetiltak i familien.",
    "Helsestasjon for ungdom er et gratis tilbud for unge mellom 13 og 25 år.",
    "I 2018 var det 1 260 barn som fikk tiltak.",
    "Tjenesten gir oppfølging av barn med behov for tilrettelegging.",
]
IDS = ["a", "b", "c", "d"]


def test_digit_groups_are_joined_in_every_spacing() -> None:
    assert join_digit_groups("1 260 barn") == "1260 barn"
    assert join_digit_groups("1\u00a0260 og 12\u202f345 678") == "1260 og 12345678"
    assert join_digit_groups("i 2018 og 2019") == "i 2018 og 2019"


def test_analyzer_drops_stopwords_and_stems() -> None:
    terms = NorwegianAnalyzer().terms("Hva er tilbudene for barna i kommunen?")
    assert "hva" not in terms and "er" not in terms and "for" not in terms
    assert "tilbud" in terms and "barn" in terms and "kommun" in terms


def test_compound_split_uses_corpus_stems_and_linking_s() -> None:
    stems = frozenset(build_vocabulary(TEXTS))
    assert split_compound("barnevernstjenesten", stems) == ("barnevern", "tjenest")
    assert split_compound("kort", stems) is None


def test_bm25_finds_compound_number_and_respects_filter() -> None:
    index = LexicalIndex.build(IDS, TEXTS)
    assert index.search("barnevernstjenesten", 2)[0][0] in {"a", "d"}
    assert index.search("1260 barn", 1)[0][0] == "c"
    assert index.search("ungdom", 3, allowed=["a", "c"]) == []
    assert index.search("ungdom", 3, allowed=["b"])[0][0] == "b"
    assert index.search("hva er det", 3) == []


def test_bm25_roundtrip(tmp_path: Path) -> None:
    index = LexicalIndex.build(IDS, TEXTS)
    index.save(tmp_path / "lex")
    loaded = LexicalIndex.load(tmp_path / "lex")
    assert loaded.search("helsestasjon", 2) == index.search("helsestasjon", 2)


def test_collection_name_changes_with_embedder_and_chunking() -> None:
    emb = {"model": "e5-small", "dimension": 384}
    base = collection_name(emb, ChunkingConfig())
    assert base == collection_name(dict(emb), ChunkingConfig())
    assert base != collection_name({**emb, "model": "e5-base"}, ChunkingConfig())
    assert base != collection_name(emb, ChunkingConfig(max_chars=600))


def test_manifest_write_is_atomic_and_readable(tmp_path: Path) -> None:
    assert read_manifest(tmp_path) is None
    manifest = IndexManifest(collection="veiviser-x", generation=3, embedder={}, chunking={})
    write_manifest(tmp_path, manifest)
    assert read_manifest(tmp_path) == manifest
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]


def test_fake_embedder_is_deterministic_and_ranks() -> None:
    emb = FakeEmbedding()
    q = emb.get_query_embedding("tilbud for ungdom")
    assert q == emb.get_query_embedding("tilbud for ungdom")
    sims = [cosine(q, emb.get_text_embedding(t)) for t in TEXTS]
    assert max(range(len(TEXTS)), key=lambda i: sims[i]) == 1


class CountingEmbedding(FakeEmbedding):
    calls: int = 0

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        self.calls += len(texts)
        return super()._get_text_embeddings(texts)


def test_cache_embeds_each_text_once(tmp_path: Path) -> None:
    emb = CountingEmbedding()
    cache = EmbeddingCache(tmp_path / "c.sqlite", "fake")
    first, computed = embed_with_cache(emb, TEXTS, cache, batch_size=2)
    assert computed == 4 and emb.calls == 4
    second, computed = embed_with_cache(emb, [*TEXTS, "ny tekst"], cache, batch_size=2)
    assert computed == 1 and emb.calls == 5
    assert all(s == pytest.approx(f, abs=1e-6) for s, f in zip(second[:4], first, strict=True))
    other_model = EmbeddingCache(tmp_path / "c.sqlite", "another-model")
    assert other_model.get_many(TEXTS) == [None] * 4


def test_embedding_config_defaults_are_e5_prefixes() -> None:
    cfg = EmbeddingConfig()
    assert cfg.query_prefix == "query: " and cfg.passage_prefix == "passage: "


@pytest.mark.parametrize(
    ("flags", "native"),
    [
        ("fpu sse avx2 avx512f avx512_bf16 avx512_vnni", True),
        ("fpu sse avx2 amx_bf16 amx_tile", True),
        ("fpu sse avx2 avx512f avx512bw avx512_vnni", False),  # bfloat16 only emulated: slower, not taken
    ],
)
def test_native_bfloat16_is_read_from_the_cpu_flags(tmp_path: Path, flags: str, native: bool) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(f"processor\t: 0\nmodel name\t: Test CPU\nflags\t\t: {flags}\n", encoding="utf-8")
    assert cpu_has_native_bf16(cpuinfo) is native
    assert cpu_has_native_bf16(tmp_path / "missing") is False


def test_an_explicit_precision_is_kept_and_recorded() -> None:
    for precision in ("float32", "bfloat16"):
        config = EmbeddingConfig(precision=precision)
        assert resolve_precision(config) == precision
    assert resolve_precision(EmbeddingConfig()) in {"float32", "bfloat16"}
    with pytest.raises(ValueError, match="precision"):
        EmbeddingConfig(precision="float16")


def test_precompiled_charsmap_maps_each_codepoint_once() -> None:
    from tokenizers import normalizers

    from index.e5_conversion import precompiled_charsmap

    # one- to four-byte keys, keys that share lead bytes, a deletion, an output that another key maps again
    mapping = {0x01: "", 0x09: " ", 0xA0: " ", 0xC5: "A", 0xFB01: "fi", 0xFF21: "A", 0xFF22: "B", 0x1D400: "A"}
    mapping |= {0x2460 + i: str(i + 1) for i in range(9)}  # ① … ⑨
    mapping[0x41] = "a"  # «A» itself is mapped, yet «Å» → «A» is not mapped again
    normalizer = normalizers.Precompiled(precompiled_charsmap(mapping))
    for cp in [*mapping, 0x42, 0xE5, 0xFB02, 0x1D401, 0x2469]:
        text = f"x{chr(cp)}y"
        assert normalizer.normalize_str(text) == f"x{mapping.get(cp, chr(cp))}y", hex(cp)
    assert normalizer.normalize_str("ﬁne ＡＢ ①②") == "fine AB 12"
