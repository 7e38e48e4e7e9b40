"""The finder's batch contract: each situation line plus the ordered groups and latency; bad lines say why."""

from __future__ import annotations

import json
from collections.abc import Sequence

from assistant.types import Citation, ServiceFinderResult, ServiceGroup, ServiceMatch
from eval.batch import parse_line, run_services_batch


class FakeFinder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, Sequence[str], Sequence[str], Sequence[str], int]] = []

    def find_services(
        self,
        situation: str = "",
        levels: Sequence[str] = (),
        roles: Sequence[str] = (),
        services: Sequence[str] = (),
        limit: int = 10,
    ) -> ServiceFinderResult:
        self.calls.append((situation, levels, roles, services, limit))
        cite = Citation(n=1, node_id="n1", document="kb.txt", text="Tiltak: HAP")
        match = ServiceMatch(
            service="Uteteam",
            level="selektert",
            measure="HAP",
            roles=[],
            partners="",
            appendix="Vedlegg 2",
            citation=cite,
        )
        return ServiceFinderResult(situation=situation, groups=[ServiceGroup(service="Uteteam", measures=[match])])


def test_each_line_gets_its_groups_in_order() -> None:
    finder = FakeFinder()
    lines = [
        json.dumps({"id": "a", "situation": "hasj", "levels": ["selektert"]}),
        "",
        "not json",
        json.dumps({"id": "c", "situation": 3}),
        json.dumps({"id": "d", "situation": "skulk", "roles": "x"}),
    ]
    out = list(run_services_batch(lines, finder, limit=4))
    assert [r.get("id") for r in out] == ["a", None, "c", "d"]
    first = out[0]
    assert first["groups"][0]["service"] == "Uteteam" and first["groups"][0]["measures"][0]["measure"] == "HAP"
    assert first["latency_ms"] >= 0 and "error" not in first
    assert finder.calls == [("hasj", ["selektert"], [], [], 4)]
    assert "invalid JSON" in out[1]["error"] and "'situation' must be a string" in out[2]["error"]
    assert "'roles' must be a list" in out[3]["error"]


def test_question_lines_may_carry_an_audience() -> None:
    record, error = parse_line(json.dumps({"id": "q", "question": "Hva er HFU?", "audience": "staff"}), 1)
    assert error is None and record["audience"] == "staff"
    record, error = parse_line(json.dumps({"id": "q", "question": "Hva er HFU?"}), 2)
    assert error is None and record["audience"] == "citizen"
    _, error = parse_line(json.dumps({"id": "q", "question": "x", "audience": "admin"}), 3)
    assert error is not None and "audience" in error
