"""A planner's question in the chat («Hva sa verkstedene om frivillighet?») answered from the workshop summary:
what each workshop said (the best points, cited), which themes all workshops raised, and what the 2022 sources
report against them (cited, with similarity), then a pointer to the full summary in the Verkstedoppsummering tab.

Pure composition over a `WorkshopSummary` (assistant/summaries.py): nothing is stated that its cited points do
not say.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.citations import cited_passage, source_date
from assistant.prompts import PromptSet
from assistant.theme_export import link_line, short
from assistant.types import Passage, SummaryPoint, WorkshopSummary
from index.lexical import families

Analyze = Callable[[str], list[str]]

# Points per workshop in a chat answer (the Verkstedoppsummering tab lists them all): six in all, so a question
# about one workshop gets six of its points.
POINTS_SHOWN = 6
POINTS_PER_WORKSHOP = 2
LINKS_SHOWN = 2
THEMES_SHOWN = 2  # 3 workshops × 2 points + 2 themes + 2 links (or strategy lines): at most 10 passages, all hits
# «… om frivillighet», «… om tidlig innsats og forebygging?», «… about early intervention», «… on housing».
# «… om bolig i 2018», «… about housing at the workshops»: when and where it was said is not the theme.
_WHEN_OR_WHERE = re.compile(
    r"(?:\s+(?:i|in|fra|from|på|at|during|under|back\s+in)\s+(?:(?:år(?:et)?\s+)?(?:19|20)\d\d|"
    r"(?:the\s+)?(?:(?:three|tre|2018)[\s-]+)?(?:political\s+|politiske\s+)?(?:verksted\w*|workshops?)))+$",
    re.I,
)
_THEME = re.compile(r"\b(?:om|angående|about|on)\s+(?P<theme>[^?.!]{3,80}?)\s*[?.!]*\s*$", re.I)


_SENTENCE = re.compile(r"(?<=[.!?])\s+")
SHORT_QUESTION_WORDS = 4  # «Hva sa de?», «What did they say?»: it asks about what the sentence before names


def planner_theme(question: str) -> str | None:
    """The theme a planner's question asks about, or None when it names none; a short question after the
    sentence that names it asks about it too («Begge verkstedene snakket om barnehage. Hva sa de?»)."""
    sentences = _SENTENCE.split(question.strip())
    earlier = sentences[:-1] if len(sentences[-1].split()) <= SHORT_QUESTION_WORDS else []
    for sentence in [question.strip(), *reversed(earlier)]:
        match = _THEME.search(sentence)
        if match is not None:
            return _WHEN_OR_WHERE.sub("", match.group("theme").strip(" «»\"'")).strip() or None
    return None


def best_points(
    points: Sequence[SummaryPoint],
    theme: str,
    analyze: Analyze,
    limit: int,
    closeness: Callable[[str], float | None] | None = None,
) -> list[SummaryPoint]:
    """The points that say the theme's own words, most of them first (ties: the point nearer the theme in meaning,
    when `closeness` is given, then the workshop's order: «… mottar tiltak frivillig?» shares a word with
    «frivillighet», not its meaning); the summary's other points (related words, the heading's topic) only when
    none does."""
    wanted = families(analyze(theme))  # a word in any inflection («saksbehandlere», «saksbehandler»)

    def near(text: str) -> float:
        value = closeness(text) if closeness is not None else None
        return value if value is not None else 0.0

    scored = [(len(wanted & families(analyze(p.text))), -near(p.text), i, p) for i, p in enumerate(points)]
    direct = [x for x in scored if x[0] > 0] or scored
    return [x[3] for x in sorted(direct, key=lambda x: (-x[0], x[1], x[2]))[:limit]]


def compose_planner_answer(
    summary: WorkshopSummary,
    prompts: PromptSet,
    analyze: Analyze = str.split,
    asked: str | None = None,
    beside: Sequence[tuple[str, Passage]] = (),
    closeness: Callable[[str], float | None] | None = None,
    min_link: float = 0.0,
) -> tuple[str, list[Passage]]:
    """(answer text, the passages its numbers point to); empty text when no workshop said anything on it.
    `asked`: the theme as an English question named it (the summary's theme is then its Norwegian words, and the
    fixed lines are in English). `beside`: lines of another document the question names too (the strategy), each
    with its passage, shown after the workshops under that document's title. `closeness`: how near a point is to
    the theme in meaning (0..1; None for a point without a stored vector). `min_link`: the least similarity of a
    2022 link shown."""
    if not any(section.points for section in summary.workshops):
        return "", []
    passages = [cited_passage(c) for c in sorted(summary.citations, key=lambda c: c.n)]
    en = "_en" if asked is not None else ""
    if asked is not None:
        lines = [prompts.lead("summary_en", theme=asked, words=summary.theme)]
    else:
        lines = [prompts.lead("summary", theme=summary.theme)]
    per_workshop = max(POINTS_PER_WORKSHOP, POINTS_SHOWN // max(len(summary.workshops), 1))
    for section in summary.workshops:
        title = f"{short(section.title)} ({section.date})" if section.date else short(section.title)
        if not section.points:
            lines.append(f"- **{title}**: {prompts.lead('summary_none' + en)}")
            continue
        chosen = best_points(section.points, summary.theme, analyze, per_workshop, closeness)
        points = "; ".join(f"{p.text.rstrip(' .')} [{p.n}]" for p in chosen)
        lines.append(f"- **{title}**: {points}")
    if beside:
        said = []
        for text, passage in beside:
            numbers = [i for i, p in enumerate(passages, 1) if p.node_id == passage.node_id]
            if not numbers:
                passages.append(passage)
                numbers = [len(passages)]
            said.append(f"{text.rstrip(' .')} [{numbers[0]}]")
        source = beside[0][1]
        lines.append(f"- **{source.title or source.document} ({source_date(source.date)})**: {'; '.join(said)}")
    # «Raised in every workshop» only when every workshop said something on the asked theme: beside «said nothing
    # on this theme» it would contradict the answer (a point's theme in the map can be wider than the one asked).
    all_spoke = all(section.points for section in summary.workshops)
    everywhere = [t for t in summary.recurring if all_spoke and len(t.documents) == len(summary.workshops) > 1]
    if everywhere:  # each theme cited by its first point, so the answer cites at most 10 passages
        labels = ", ".join(f"{t.label} [{min(p.n for p in t.points)}]" for t in everywhere[:THEMES_SHOWN])
        lines.append(prompts.lead("summary_everywhere" + en, themes=labels))
    # the strategy's lines take their place; a weak link, which the theme map lists, is no answer in the chat
    strong = [link for link in summary.in_2022 if link.similarity >= min_link]
    links = strong[: max(0, LINKS_SHOWN - len(beside))]
    if links:
        lines.append(prompts.lead("summary_2022" + en))
        lines += [f"- {link_line(link)}" for link in links]
    lines += ["", prompts.lead("summary_pointer" + en)]
    return "\n".join(lines), passages
