"""Every endpoint, success and failure, through FastAPI's test client."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import ADMIN_KEY

API = "/api/v1"


def test_ask_answers_with_citations(client: TestClient) -> None:
    response = client.post(f"{API}/ask", json={"question": "Hva er Ungdomstorget?"})
    assert response.status_code == 200
    body = response.json()
    assert not body["refused"] and body["citations"]
    assert {"n", "node_id", "document", "section", "text"} <= set(body["citations"][0])
    assert body["mode"] == "extractive" and body["latency_ms"] > 0


def test_ask_refuses_contact_details(client: TestClient) -> None:
    body = client.post(f"{API}/ask", json={"question": "Hva er telefonnummeret til Ungdomstorget?"}).json()
    assert body["refused"] and body["citations"] == []


def test_ask_history_and_filters(client: TestClient) -> None:
    history = [{"role": "user", "content": "Hva er Ungdomstorget?"}, {"role": "assistant", "content": "En arena [1]."}]
    body = client.post(f"{API}/ask", json={"question": "Hvem er det for?", "history": history}).json()
    assert "Ungdomstorget" in body["standalone_question"]
    filtered = client.post(
        f"{API}/ask", json={"question": "Hva sa verkstedet om frivillighet?", "filters": {"kinds": ["workshop_report"]}}
    ).json()
    assert all(c["document"].startswith("arbeidsverksted") for c in filtered["citations"])


def test_safety_notice_comes_first(client: TestClient) -> None:
    body = client.post(f"{API}/ask", json={"question": "Pappa slår meg, hvor kan jeg få hjelp?"}).json()
    assert body["safety_notice"] and "116 111" in body["safety_notice"]


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        ({"question": ""}, "tom"),
        ({"question": "   \n "}, "tom"),
        ({"question": "x" * 1001}, "for langt"),
        ({"question": "Hei\x00der"}, "kontrolltegn"),
        ({"question": 42}, "question"),
        ({"question": "Hei", "filters": {"services": ["Finnes ikke"]}}, "Ukjent verdi"),
        ({"question": "Hei", "filters": {"levels": ["middels"]}}, "levels"),
        ({"question": "Hei", "ukjent": 1}, "ukjent"),
        ({}, "question"),
        ({"question": "Hei", "history": [{"role": "system", "content": "x"}]}, "role"),
    ],
)
def test_ask_bad_input_is_422_with_a_reason(client: TestClient, payload: dict[str, object], fragment: str) -> None:
    response = client.post(f"{API}/ask", json=payload)
    assert response.status_code == 422
    assert fragment in response.json()["detail"]


def test_bad_json_is_422(client: TestClient) -> None:
    response = client.post(f"{API}/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422 and "detail" in response.json()


def parse_sse(text: str) -> list[tuple[str, dict[str, object]]]:
    events = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def test_chat_stream_ends_with_citations(client: TestClient) -> None:
    response = client.post(f"{API}/chat/stream", json={"question": "Hva er Ungdomstorget?"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
    events = parse_sse(response.text)
    assert events[0][0] == "meta" and events[-1][0] == "done"
    deltas = "".join(str(d["text"]) for e, d in events if e == "delta")
    assert deltas.strip() == str(events[-1][1]["answer"]).strip()
    assert events[-1][1]["citations"]
    assert client.post(f"{API}/chat/stream", json={"question": " "}).status_code == 422


def test_search_and_passage(client: TestClient) -> None:
    body = client.post(f"{API}/search", json={"query": "uteteam cannabis", "top_k": 5}).json()
    assert len(body["passages"]) == 5
    node_id = body["passages"][0]["node_id"]
    passage = client.get(f"{API}/passages/{node_id}").json()
    assert passage["node_id"] == node_id and passage["text"]
    missing = client.get(f"{API}/passages/finnes-ikke")
    assert missing.status_code == 404 and "finnes-ikke" in missing.json()["detail"]
    assert client.post(f"{API}/search", json={"query": "x", "top_k": 0}).status_code == 422
    assert client.post(f"{API}/search", json={"query": "x", "mode": "magic"}).status_code == 422


def test_services(client: TestClient) -> None:
    body = client.post(f"{API}/services", json={"situation": "ungdom som ruser seg", "limit": 10}).json()
    assert body["total"] > 0 and body["groups"][0]["measures"][0]["citation"]["node_id"]
    listing = client.post(f"{API}/services", json={"services": ["Uteteam"], "levels": ["indikert"]}).json()
    assert listing["total"] >= 3 and {g["service"] for g in listing["groups"]} == {"Uteteam"}
    bad = client.post(f"{API}/services", json={"roles": ["redde"]})
    assert bad.status_code == 422
    unknown = client.post(f"{API}/services", json={"services": ["Tannlegen"]})
    assert unknown.status_code == 422 and "Tannlegen" in unknown.json()["detail"]


def test_summaries_json_and_markdown(client: TestClient) -> None:
    body = client.post(f"{API}/summaries", json={"theme": "frivillighet"}).json()
    assert len(body["workshops"]) == 3 and body["citations"]
    md = client.post(f"{API}/summaries", json={"theme": "frivillighet", "format": "markdown"})
    assert md.headers["content-type"].startswith("text/markdown") and md.text.startswith("# Oppsummering")
    assert client.post(f"{API}/summaries", json={"theme": "x", "workshops": ["nei.txt"]}).status_code == 422


def test_feedback_and_admin_export(client: TestClient) -> None:
    payload = {"question": "Ring meg på 912 34 567", "answer": "Svar [1]", "rating": "up", "citations": ["abc"]}
    assert client.post(f"{API}/feedback", json=payload).status_code == 201
    assert client.post(f"{API}/feedback", json={**payload, "rating": "kanskje"}).status_code == 422
    assert client.get(f"{API}/admin/feedback/export").status_code == 401
    assert client.get(f"{API}/admin/feedback/export", headers={"X-API-Key": "feil"}).status_code == 401
    exported = client.get(f"{API}/admin/feedback/export", headers={"X-API-Key": ADMIN_KEY})
    lines = [json.loads(line) for line in exported.text.splitlines()]
    assert lines[-1]["rating"] == "up" and "912 34 567" not in lines[-1]["question"]
    csv_text = client.get(f"{API}/admin/feedback/export?format=csv", headers={"X-API-Key": ADMIN_KEY}).text
    assert csv_text.startswith("created,rating,question")


def test_admin_ingest(client: TestClient) -> None:
    assert client.post(f"{API}/admin/ingest").status_code == 401
    response = client.post(f"{API}/admin/ingest", headers={"X-API-Key": ADMIN_KEY})
    assert response.status_code == 200 and response.json()["nodes"] > 700


def test_admin_disabled_without_key(fake_assistant) -> None:  # type: ignore[no-untyped-def]
    from web.api import create_app

    settings = fake_assistant.settings.model_copy(
        update={"api": fake_assistant.settings.api.model_copy(update={"admin_api_key": None})}
    )
    from assistant.service import Assistant

    assistant = Assistant(fake_assistant.index, settings, fake_assistant.prompts, None)
    with TestClient(create_app(assistant=assistant, mount_ui=False)) as client:
        response = client.post(f"{API}/admin/ingest", headers={"X-API-Key": "whatever"})
        assert response.status_code == 403 and "deaktivert" in response.json()["detail"]


def test_health_ready_and_docs(client: TestClient) -> None:
    assert client.get(f"{API}/healthz").json() == {"status": "ok"}
    ready = client.get(f"{API}/readyz").json()
    assert ready["ready"] and ready["index"]["nodes"] > 700
    assert client.get("/openapi.json").json()["info"]["title"] == "Veiviser API"
    assert client.get("/docs").status_code == 200


def test_logs_mask_identity_and_phone_numbers(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="veiviser.api"):
        client.post(f"{API}/ask", json={"question": "Jeg har fnr 12345678901 og tlf +47 912 34 567, hva gjør HFU?"})
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "ask:" in logged
    assert "12345678901" not in logged and "912 34 567" not in logged
    assert "[fnr]" in logged and "[tlf]" in logged
