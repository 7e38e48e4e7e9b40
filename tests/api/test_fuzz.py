"""Fuzzing the request bodies: no input may produce a 5xx."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

API = "/api/v1"
text = st.one_of(st.text(max_size=60), st.sampled_from(["", " ", "\x00", "Hva er HFU?", "x" * 2000, "🙂" * 5]))
values = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), text, st.lists(text, max_size=3))
filters = st.one_of(
    values,
    st.fixed_dictionaries(
        {}, optional={"documents": st.lists(text, max_size=2), "levels": st.lists(text, max_size=2), "kinds": values}
    ),
)
bodies: dict[str, Any] = {
    "ask": st.fixed_dictionaries(
        {},
        optional={
            "question": values,
            "history": st.one_of(
                values, st.lists(st.fixed_dictionaries({"role": text, "content": values}), max_size=2)
            ),
            "filters": filters,
            "extra": values,
        },
    ),
    "search": st.fixed_dictionaries(
        {}, optional={"query": values, "top_k": values, "mode": values, "filters": filters}
    ),
    "services": st.fixed_dictionaries(
        {}, optional={"situation": values, "levels": values, "roles": values, "services": values, "limit": values}
    ),
    "summaries": st.fixed_dictionaries({}, optional={"theme": values, "workshops": values, "format": values}),
    "feedback": st.fixed_dictionaries(
        {}, optional={"question": values, "answer": values, "rating": values, "comment": values}
    ),
}


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(endpoint=st.sampled_from(sorted(bodies)), data=st.data())
def test_no_request_body_gives_a_5xx(client: TestClient, endpoint: str, data: st.DataObject) -> None:
    body = data.draw(bodies[endpoint])
    response = client.post(f"{API}/{endpoint}", json=body)
    assert response.status_code < 500, (endpoint, body, response.text)
    assert "Traceback" not in response.text
