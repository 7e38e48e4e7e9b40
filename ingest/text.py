"""Line-level cleaning: footnote markers and lines, page footers, link/HTML residue, emphasis."""

from __future__ import annotations

import html
import re

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPER_TO_DIGIT = str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")
_SUPER_RUN = re.compile(f"[{SUPERSCRIPT_DIGITS}]+")
_MD_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()]|\([^)]*\))*\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")
_LIST_TAG = re.compile(r"</?(?:ul|ol)>|<li>", re.I)
_BLOCK_TAG = re.compile(r"</p>\s*<p>|<br\s*/?>|</li>", re.I)
_ANY_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_PAGE_FOOTER = re.compile(r"^\s*(?:\d{1,3}\s*\|\s*\S.{0,60}|\S.{0,60}\|\s*\d{1,3})\s*$")
_FOOTNOTE_LINE = re.compile(rf"^\s*(?P<num>\d{{1,3}}|[{SUPERSCRIPT_DIGITS}]{{1,3}})\s+(?P<body>\S.*)$")
_SPACES = re.compile(r"[ \u00a0]{2,}")
# The one sentence boundary: end punctuation, space, then what starts a sentence. With colons, a
# «Tiltak: Tekst» or a dash-led list item also starts a new unit (the composer's answer lines).
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ0-9«\"(])")
_BULLET = re.compile(r"^\s*(?:[-•*]|\d+[.)])\s+")
MIN_UNIT_CHARS = 25
MAX_UNIT_CHARS = 600
_SENTENCE_OR_COLON = re.compile(r"(?<=[.!?:])\s+(?=[A-ZÆØÅ0-9«\"(–-])")


# «Pr. 31.12.21 var det …»: a line that opens with an abbreviation does not end there. (Inside a sentence, «dvs.
# ca. 70%» splits, and the short pieces join the sentence before them in `answer_units`, as always: changing that
# cut «… 978 undersøkelser i 2020. 686 av disse, dvs. ca. 70%, ble henlagt.» in two and lost the lead.)
_ABBREVIATION = re.compile(
    r"^\s*(?:pr|ca|nr|kl|jf|jfr|dvs|bl\.a|f\.eks|evt|inkl|ekskl|mht|iht|ift|vs|tlf|kap|ref)\.$", re.I
)


def split_sentences(text: str, at_colons: bool = False) -> list[str]:
    """The sentences of a line of text (empty pieces dropped; an opening abbreviation goes on in the next)."""
    pattern = _SENTENCE_OR_COLON if at_colons else _SENTENCE
    pieces: list[str] = []
    for piece in pattern.split(text):
        if not piece.strip():
            continue
        if len(pieces) == 1 and _ABBREVIATION.match(pieces[0]):
            pieces[0] = f"{pieces[0]} {piece}"
        else:
            pieces.append(piece)
    return pieces


def superscript_markers(text: str) -> set[int]:
    """The footnote numbers a document uses as superscript markers."""
    return {int(m.translate(_SUPER_TO_DIGIT)) for m in _SUPER_RUN.findall(text) if len(m) <= 3}


def is_page_footer(line: str) -> bool:
    """`8 | Kunnskapsgrunnlag` and `Kunnskapsgrunnlag | 8`."""
    return bool(_PAGE_FOOTER.match(line)) and "](" not in line and "\t" not in line


def is_footnote_line(line: str, markers: set[int]) -> bool:
    """A line giving a footnote: its number is one of the document's markers (`6 [plan.pdf](#)`, `⁴¹ …`)."""
    match = _FOOTNOTE_LINE.match(line)
    if not match or "\t" in line:
        return False
    num = int(match.group("num").translate(_SUPER_TO_DIGIT))
    body = match.group("body")
    if num not in markers:
        return False
    # A numbered heading like "5. Utfordringsbilde" has a dot after the number; a footnote does not.
    return not body.startswith(".")


def strip_markers(text: str) -> str:
    """Remove superscript footnote markers (`omsorgssvikt¹` → `omsorgssvikt`)."""
    return _SUPER_RUN.sub("", text)


def clean_html(text: str) -> str:
    """HTML residue inside cells → plain text with `; ` between paragraphs and list items."""
    if "<" not in text and "&" not in text:
        return text
    text = _BLOCK_TAG.sub("; ", text)
    text = _LIST_TAG.sub("; ", text)
    text = _ANY_TAG.sub("", text)
    text = html.unescape(text)
    text = re.sub(r"(?:\s*;\s*)+", "; ", text)
    return text.strip(" ;")


def clean_inline(text: str) -> str:
    """Links → their text, emphasis → plain, markers and HTML removed, spaces tidied."""
    text = _MD_LINK.sub(lambda m: m.group(1), text)
    text = text.replace("\\(", "(").replace("\\)", ")").replace("\\_", "_")
    text = strip_markers(text)
    text = _BOLD.sub(r"\1", text)
    text = _ITALIC.sub(r"\1", text)
    text = text.replace("**", "")
    text = clean_html(text)
    return _SPACES.sub(" ", text).strip()


def jaccard(a: set[str], b: set[str]) -> float:
    """Overlap of two term sets (0 when either is empty)."""
    return len(a & b) / len(a | b) if a and b else 0.0


def answer_units(text: str, kind: str) -> list[str]:
    """The units an answer is made of: sentences and bullets of prose; a table row or small table stays one.
    The composer selects among them and the index stores a vector for each (the same split in both)."""
    if kind in ("table_row", "table"):
        return [text.strip()]
    units: list[tuple[str, bool]] = []  # (text, is a bullet)
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if _BULLET.match(line):
            units.append((_BULLET.sub("", line), True))
            continue
        units.extend((s.strip(), False) for s in split_sentences(line, at_colons=True))
    merged: list[str] = []
    previous_bullet = True
    for unit, bullet in units:
        # A sentence too short to stand alone joins the previous sentence (e.g. "Se tabell 3.").
        if (
            merged
            and not bullet
            and not previous_bullet
            and len(unit) < MIN_UNIT_CHARS
            and not merged[-1].endswith(":")
        ):
            merged[-1] = f"{merged[-1]} {unit}"
        else:
            merged.append(unit)
        previous_bullet = bullet
    return [u if len(u) <= MAX_UNIT_CHARS else u[: MAX_UNIT_CHARS - 1].rstrip() + "…" for u in merged]


def one_line(text: str, limit: int) -> str:
    """A text as a single line (its bullets and line breaks as spaces), cut after the last whole sentence within
    `limit` characters (else at a word) with «…»: the citation carries the whole passage."""
    flat = " ".join(text.replace("\n- ", " ").split())
    if len(flat) <= limit:
        return flat
    head = flat[:limit]
    end = max(head.rfind(". "), head.rfind("? "), head.rfind("! "))
    return (head[: end + 1] if end > limit // 3 else head.rsplit(" ", 1)[0]) + " …"
