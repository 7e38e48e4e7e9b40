"""Fuzzing: no request, valid or invalid, may produce a 5xx or a stack trace.

Two bounded passes (about 150 examples in all):
- schemathesis over the app's own OpenAPI schema: every operation, positive and negative cases
  (bodies, path parameters, query strings, headers), 5 examples per operation;
- hypothesis over raw request bodies of the POST endpoints: wrong types, NaN/Infinity literals,
  control characters, huge strings, unknown fields, malformed history and filters (90 examples).
"""

from __future__ import annotations

import json
from typing import Any

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode

from tests.api.conftest import ADMIN_KEY
from web.api import create_app

API = "/api/v1"


# -- schemathesis over the OpenAPI schema ----------------------------------------------------
def operation_strategies(app: Any) -> dict[str, Any]:
    """One strategy per operation of the app's OpenAPI schema: schema-valid and schema-violating cases."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    strategies = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        strategies[operation.label] = st.one_of(
            # schema-valid cases carry the admin key, so the admin operations are exercised past the check
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE, headers={"X-API-Key": ADMIN_KEY}),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        )
    return strategies


def never_5xx(label: str, strategy: Any, seen: list[str]) -> Any:
    """A bounded hypothesis test for one operation (5 examples)."""

    @settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(case=strategy)
    def check(case: Any) -> None:
        response = case.call()
        body = bytes(response.content)  # bytes: a Word document (POST /themes, format=docx) is not text
        assert response.status_code < 500, (label, case.path_parameters, case.body, body[:300])
        assert b"Traceback" not in body
        seen.append(label)

    return check


def test_openapi_operations_never_5xx(api_assistant: Any) -> None:
    app = create_app(assistant=api_assistant, mount_ui=False, ingest_fn=lambda a: a)
    strategies = operation_strategies(app)
    assert {"POST /api/v1/ask", "POST /api/v1/chat/stream", "GET /api/v1/passages/{node_id}"} <= set(strategies)
    seen: list[str] = []
    for label, strategy in sorted(strategies.items()):
        never_5xx(label, strategy, seen)()
    assert len(set(seen)) == len(strategies)


# -- hypothesis over raw bodies --------------------------------------------------------------
text = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["", " ", "\x00", "\x1b[31m", "Hva er HFU?", "x" * 2000, "🙂" * 5, "12345678901", "\ud7ff"]),
)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True), text)
values = st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(text, scalars, max_size=2))
filters = st.one_of(
    values,
    st.fixed_dictionaries(
        {},
        optional={
            "documents": st.lists(text, max_size=2),
            "levels": st.lists(st.sampled_from(["universell", "middels", ""]), max_size=2),
            "kinds": values,
            "services": st.lists(st.sampled_from(["Uteteam", "Tannlegen", ""]), max_size=2),
            "extra": values,
        },
    ),
)
turn = st.fixed_dictionaries({"role": st.one_of(text, st.sampled_from(["user", "assistant"])), "content": values})
bodies: dict[str, Any] = {
    "ask": st.fixed_dictionaries(
        {},
        optional={
            "question": values,
            "history": st.one_of(values, st.lists(turn, max_size=3)),
            "filters": filters,
            "extra": values,
        },
    ),
    "chat/stream": st.fixed_dictionaries(
        {"question": st.one_of(text, values)}, optional={"history": st.lists(turn, max_size=2), "filters": filters}
    ),
    "search": st.fixed_dictionaries(
        {}, optional={"query": values, "top_k": values, "mode": values, "filters": filters}
    ),
    "services": st.fixed_dictionaries(
        {}, optional={"situation": values, "levels": values, "roles": values, "services": values, "limit": values}
    ),
    "summaries": st.fixed_dictionaries({}, optional={"theme": values, "workshops": values, "format": values}),
    "feedback": st.fixed_dictionaries(
        {}, optional={"question": values, "answer": values, "rating": values, "comment": values, "citations": values}
    ),
}
raw = st.one_of(
    st.sampled_from([b"", b"null", b"[]", b"{", b'"text"', b"\xff\xfe", b'{"question": NaN}', b'{"question": "a"'])
)


@settings(max_examples=90, deadline=None, suppress_health_check=list(HealthCheck))
@given(endpoint=st.sampled_from(sorted(bodies)), data=st.data())
def test_no_request_body_gives_a_5xx(client: TestClient, endpoint: str, data: st.DataObject) -> None:
    if data.draw(st.integers(0, 9)) == 0:
        content = data.draw(raw)
    else:  # json.dumps writes NaN/Infinity literals, which the server must reject cleanly
        content = json.dumps(data.draw(bodies[endpoint]), allow_nan=True).encode()
    response = client.post(f"{API}/{endpoint}", content=content, headers={"content-type": "application/json"})
    assert response.status_code < 500, (endpoint, content[:300], response.text[:300])
    assert "Traceback" not in response.text
    if response.status_code >= 400:
        assert isinstance(response.json()["detail"], str)
