"""Staff's service finder: a situation → the catalog's measures that fit, grouped by service, cited.

With a situation, the appendix rows (Vedlegg 2) are searched with the same hybrid retrieval as
questions, restricted to table rows; without one, the catalog is listed with the filters applied.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from assistant.safety import detect_acute_danger
from assistant.types import Citation, ServiceFinderResult, ServiceGroup, ServiceMatch
from ingest.records import ServiceMeasure

if TYPE_CHECKING:
    from assistant.facade import Assistant

APPENDIX = "Vedlegg 2"
CANDIDATES = 60


def _citation(assistant: Assistant, measure: ServiceMeasure, n: int) -> Citation:
    node = assistant.index.node(measure.node_id)
    return Citation(
        n=n,
        node_id=measure.node_id,
        document=measure.doc_id,
        title=assistant.index.title(measure.doc_id),
        section=node.section if node else f"{APPENDIX} › {measure.service}",
        text=node.text if node else measure.measure,
    )


def matches_filters(
    measure: ServiceMeasure, levels: Sequence[str], roles: Sequence[str], services: Sequence[str]
) -> bool:
    """A measure passes when it has one of the levels, one of the roles and one of the services asked."""
    if levels and (measure.level is None or measure.level.value not in levels):
        return False
    if roles and not any(r.value in roles for r in measure.roles):
        return False
    return not (services and measure.service not in services)


def group_matches(matches: Sequence[ServiceMatch]) -> list[ServiceGroup]:
    """Group by service, services ordered by their best match, measures by score within a group."""
    groups: dict[str, list[ServiceMatch]] = {}
    for match in matches:
        groups.setdefault(match.service, []).append(match)
    ordered = sorted(groups.items(), key=lambda item: -max(m.score for m in item[1]))
    return [ServiceGroup(service=s, measures=sorted(ms, key=lambda m: -m.score)) for s, ms in ordered]


def find_services(
    assistant: Assistant,
    situation: str,
    levels: list[str],
    roles: list[str],
    services: list[str],
    limit: int,
) -> ServiceFinderResult:
    started = time.perf_counter()
    by_node: dict[str, list[ServiceMeasure]] = {}
    for measure in assistant.index.catalog:
        if measure.appendix == APPENDIX:
            by_node.setdefault(measure.node_id, []).append(measure)

    scored: list[tuple[ServiceMeasure, float]] = []
    if situation:
        filters: dict[str, list[str]] = {"node_kind": ["table_row"], "appendix": [APPENDIX]}
        if services:
            filters["service"] = services
        result = assistant.retriever.search(situation, top_k=CANDIDATES, filters=filters)
        for passage in result.passages:
            for measure in by_node.get(passage.node_id, []):
                scored.append((measure, passage.score))
    else:
        scored = [(m, 0.0) for ms in by_node.values() for m in ms]

    kept = [(m, s) for m, s in scored if matches_filters(m, levels, roles, services)][:limit]
    matches = [
        ServiceMatch(
            service=m.service,
            level=m.level.value if m.level else None,
            measure=m.measure,
            roles=[r.value for r in m.roles],
            partners=m.partners,
            appendix=m.appendix,
            municipality=m.municipality,
            score=round(s, 6),
            citation=_citation(assistant, m, n),
        )
        for n, (m, s) in enumerate(kept, start=1)
    ]
    return ServiceFinderResult(
        situation=situation,
        filters={k: v for k, v in {"level": levels, "role": roles, "service": services}.items() if v},
        groups=group_matches(matches),
        total=len(matches),
        safety_notice=assistant.prompts.safety_notice if situation and detect_acute_danger(situation) else None,
        latency_ms=round((time.perf_counter() - started) * 1000, 2),
    )
