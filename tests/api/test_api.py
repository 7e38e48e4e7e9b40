"""Every endpoint, success and failure, through FastAPI's test client (real assistant, fake embedder)."""

from __future__ import annotations

import json
import logging
import tomllib
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import ADMIN_KEY, with_settings
from tests.conftest import CORPUS
from web.api import create_app

API = "/api/v1"


# -- /ask -----------------------------------------------------------------------------------
def test_ask_answers_with_citations(client: TestClient) -> None:
    response = client.post(f"{API}/ask", json={"question": "Hva er Ungdomstorget?"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "answer",
        "refused",
        "citations",
        "safety_notice",
        "mode",
        "backend_error",
        "standalone_question",
        "spelling_corrected",
        "latency_ms",
        "intent",
        "language",
        "audience",
        "services",
        "degraded",
        "degraded_notice",
    }
    assert body["degraded"] is False and body["degraded_notice"] is None
    assert body["spelling_corrected"] is False
    assert body["intent"] == "definition" and body["language"] == "nb" and body["audience"] == "citizen"
    assert not body["refused"] and body["citations"]
    assert {"n", "node_id", "document", "title", "date", "section", "text"} <= set(body["citations"][0])
    # each citation carries its document's date from the manifest, so a reader sees how old a figure is
    manifest = tomllib.loads((CORPUS / "manifest.toml").read_text("utf-8"))["documents"]
    dates = {d["file"]: d["date"] for d in manifest}
    assert all(c["date"] == dates[c["document"]] for c in body["citations"])
    assert "[1]" in body["answer"]
    assert body["mode"] == "extractive" and body["latency_ms"] > 0 and body["backend_error"] is None


def test_ask_refuses_what_the_documents_do_not_say(client: TestClient) -> None:
    body = client.post(f"{API}/ask", json={"question": "Hva er telefonnummeret til Ungdomstorget?"}).json()
    assert body["refused"] and body["citations"] == []


def test_ask_history_and_filters(client: TestClient) -> None:
    history = [{"role": "user", "content": "Hva er Ungdomstorget?"}, {"role": "assistant", "content": "En arena [1]."}]
    body = client.post(f"{API}/ask", json={"question": "Hvem er det for?", "history": history}).json()
    assert "Ungdomstorget" in body["standalone_question"]
    filtered = client.post(
        f"{API}/ask",
        json={
            "question": "Hvordan kan frivillige lag og organisasjoner bidra?",
            "filters": {"kinds": ["workshop_report"]},
        },
    ).json()
    assert filtered["citations"]
    assert all(c["document"].startswith("arbeidsverksted") for c in filtered["citations"])


def test_safety_notice_comes_with_the_answer(client: TestClient) -> None:
    body = client.post(f"{API}/ask", json={"question": "Pappa slår meg, hvor kan jeg få hjelp?"}).json()
    assert body["safety_notice"] and "116 111" in body["safety_notice"]


def test_unreachable_llm_falls_back_to_extractive(api_assistant: Any) -> None:
    from assistant.facade import Assistant

    settings = api_assistant.settings.model_copy(
        update={
            "llm": api_assistant.settings.llm.model_copy(
                update={"backend": "openai", "base_url": "http://127.0.0.1:9/v1", "timeout_s": 2.0}
            )
        }
    )
    from assistant.llm import build_llm

    assistant = Assistant(api_assistant.index, settings, api_assistant.prompts, build_llm(settings.llm))
    with TestClient(create_app(assistant=assistant, mount_ui=False)) as client:
        body = client.post(f"{API}/ask", json={"question": "Hva er Ungdomstorget?"}).json()
        assert body["mode"] == "extractive" and body["backend_error"] and body["citations"]
        ready = client.get(f"{API}/readyz")
        # Extractive answers are still possible: ready (200), and the body says what is missing.
        assert ready.status_code == 200 and ready.json()["ready"] and "svarer ikke" in ready.json()["llm"]
        assert any("svarer ikke" in r for r in ready.json()["reasons"])


@pytest.mark.parametrize(
    ("payload", "fragment"),
    [
        ({"question": ""}, "er tom"),
        ({"question": "   \n "}, "er tom"),
        ({"question": "x" * 1001}, "Maks 1000 tegn"),
        ({"question": "x" * 20001}, "for langt"),
        ({"question": "Hei\x00der"}, "kontrolltegn"),
        ({"question": "Hei\x1bder"}, "kontrolltegn"),
        ({"question": 42}, "question: må være tekst"),
        ({"question": ["Hei"]}, "question: må være tekst"),
        ({"question": "Hei", "filters": {"services": ["Finnes ikke"]}}, "Ukjent verdi 'Finnes ikke'"),
        ({"question": "Hei", "filters": {"documents": ["nei.txt"]}}, "Ukjent verdi 'nei.txt'"),
        ({"question": "Hei", "filters": {"levels": ["middels"]}}, "filters.levels.0: må være en av"),
        ({"question": "Hei", "filters": {"farge": ["blå"]}}, "filters.farge: ukjent felt"),
        ({"question": "Hei", "filters": "alt"}, "filters: må være et objekt"),
        ({"question": "Hei", "ukjent": 1}, "ukjent: ukjent felt"),
        ({}, "question: mangler"),
        ({"question": "Hei", "history": [{"role": "system", "content": "x"}]}, "history.0.role"),
        ({"question": "Hei", "history": [{"role": "user", "content": "x"}] * 21}, "Maks 20"),
        ({"question": "Hei", "history": [{"role": "user", "content": "x"}] * 201}, "for mange elementer"),
        ({"question": "Hei", "history": "ingen"}, "history: må være en liste"),
    ],
)
def test_ask_bad_input_is_422_with_a_reason(client: TestClient, payload: dict[str, object], fragment: str) -> None:
    response = client.post(f"{API}/ask", json=payload)
    assert response.status_code == 422, response.text
    assert fragment in response.json()["detail"]


def test_bad_json_and_wrong_content_are_4xx_json(client: TestClient) -> None:
    response = client.post(f"{API}/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422 and "ugyldig JSON" in response.json()["detail"]
    response = client.post(f"{API}/ask", content=b"[1, 2]", headers={"content-type": "application/json"})
    assert response.status_code == 422 and "detail" in response.json()
    response = client.post(f"{API}/ask", content=b"\xff\xfe{", headers={"content-type": "application/json"})
    assert response.status_code == 400 and "UTF-8" in response.json()["detail"]
    assert client.get(f"{API}/ask").status_code == 405
    missing = client.get(f"{API}/finnes-ikke")
    assert missing.status_code == 404 and "/api/v1" in missing.json()["detail"]


# -- /chat/stream ---------------------------------------------------------------------------
def parse_sse(text: str) -> list[tuple[str, dict[str, Any]]]:
    events = []
    for block in text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((fields["event"], json.loads(fields["data"])))
    return events


def test_chat_stream_ends_with_citations(client: TestClient) -> None:
    response = client.post(f"{API}/chat/stream", json={"question": "Hva er Ungdomstorget?"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
    events = parse_sse(response.text)
    kinds = [e for e, _ in events]
    assert kinds[0] == "meta" and kinds[-1] == "done" and kinds.count("delta") >= 1
    deltas = "".join(str(d["text"]) for e, d in events if e == "delta")
    done = events[-1][1]
    assert deltas.strip() == str(done["answer"]).strip()
    assert done["citations"] and done["citations"][0]["n"] == 1 and not done["refused"]


def test_chat_stream_safety_notice_in_meta(client: TestClient) -> None:
    events = parse_sse(client.post(f"{API}/chat/stream", json={"question": "Pappa slår meg, hva gjør jeg?"}).text)
    assert events[0][0] == "meta" and "116 111" in str(events[0][1]["safety_notice"])


def test_chat_stream_rejects_bad_input_before_streaming(client: TestClient) -> None:
    assert client.post(f"{API}/chat/stream", json={"question": " "}).status_code == 422
    bad_filter = client.post(f"{API}/chat/stream", json={"question": "Hei", "filters": {"services": ["X"]}})
    assert bad_filter.status_code == 422 and "Ukjent verdi" in bad_filter.json()["detail"]
    bad_history = client.post(
        f"{API}/chat/stream", json={"question": "Hei", "history": [{"role": "user", "content": "a\x07b"}]}
    )
    assert bad_history.status_code == 422 and "kontrolltegn" in bad_history.json()["detail"]


def test_chat_stream_failure_mid_stream_ends_with_an_error_event(api_assistant: Any) -> None:
    class Broken:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

        def ask_stream(self, *args: Any, **kwargs: Any) -> Any:
            yield from []
            raise RuntimeError("secret internal detail 12345678901")

    with TestClient(create_app(assistant=Broken(api_assistant), mount_ui=False)) as client:  # type: ignore[arg-type]
        response = client.post(f"{API}/chat/stream", json={"question": "Hei"})
    events = parse_sse(response.text)
    assert events == [("error", {"detail": "Intern feil"})]
    assert "secret" not in response.text and "Traceback" not in response.text


# -- /search and /passages -----------------------------------------------------------------
def test_search_and_passage(client: TestClient) -> None:
    body = client.post(f"{API}/search", json={"query": "uteteam cannabis", "top_k": 5}).json()
    assert len(body["passages"]) == 5
    node_id = body["passages"][0]["node_id"]
    passage = client.get(f"{API}/passages/{node_id}").json()
    assert passage["node_id"] == node_id and passage["text"] and passage["title"]
    lexical = client.post(f"{API}/search", json={"query": "uteteam", "top_k": 3, "mode": "lexical"}).json()
    assert len(lexical["passages"]) == 3


def test_search_bad_input(client: TestClient) -> None:
    assert "top_k: må være minst 1" in client.post(f"{API}/search", json={"query": "x", "top_k": 0}).json()["detail"]
    assert client.post(f"{API}/search", json={"query": "x", "top_k": 51}).status_code == 422
    assert client.post(f"{API}/search", json={"query": "x", "top_k": "mange"}).status_code == 422
    assert client.post(f"{API}/search", json={"query": "x", "mode": "magic"}).status_code == 422
    empty = client.post(f"{API}/search", json={"query": "  "})
    assert empty.status_code == 422 and "'query' er tom" in empty.json()["detail"]


def test_unknown_passage_is_404_json(client: TestClient) -> None:
    missing = client.get(f"{API}/passages/finnes-ikke")
    assert missing.status_code == 404 and "finnes-ikke" in missing.json()["detail"]


# -- /services -----------------------------------------------------------------------------
def test_services(client: TestClient) -> None:
    body = client.post(f"{API}/services", json={"situation": "ungdom som ruser seg", "limit": 3}).json()
    assert 0 < len(body["groups"]) <= 3, "limit counts services"
    assert body["total"] == sum(len(g["measures"]) for g in body["groups"])
    assert body["groups"][0]["measures"][0]["citation"]["node_id"] and body["groups"][0]["why"]
    listing = client.post(f"{API}/services", json={"services": ["Uteteam"], "levels": ["indikert"]}).json()
    assert listing["total"] >= 3 and {g["service"] for g in listing["groups"]} == {"Uteteam"}
    assert all(m["level"] == "indikert" for g in listing["groups"] for m in g["measures"])


def test_services_bad_input(client: TestClient) -> None:
    bad = client.post(f"{API}/services", json={"roles": ["redde"]})
    assert bad.status_code == 422 and "roles.0" in bad.json()["detail"]
    unknown = client.post(f"{API}/services", json={"services": ["Tannlegen"]})
    assert unknown.status_code == 422 and "Tannlegen" in unknown.json()["detail"]
    assert client.post(f"{API}/services", json={"limit": 0}).status_code == 422
    assert client.post(f"{API}/services", json={"situation": "a\x00b"}).status_code == 422


# -- /summaries ----------------------------------------------------------------------------
def test_summaries_json_and_markdown(client: TestClient) -> None:
    body = client.post(f"{API}/summaries", json={"theme": "frivillighet"}).json()
    assert len(body["workshops"]) == 3 and body["citations"] and body["markdown"]
    md = client.post(f"{API}/summaries", json={"theme": "frivillighet", "format": "markdown"})
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert md.text.startswith("# Oppsummering") and "[1]" in md.text
    one = client.post(
        f"{API}/summaries", json={"theme": "frivillighet", "workshops": [body["workshops"][0]["document"]]}
    )
    assert len(one.json()["workshops"]) == 1


def test_summaries_bad_input(client: TestClient) -> None:
    unknown = client.post(f"{API}/summaries", json={"theme": "x", "workshops": ["nei.txt"]})
    assert unknown.status_code == 422 and "nei.txt" in unknown.json()["detail"]
    assert client.post(f"{API}/summaries", json={"theme": ""}).status_code == 422
    assert client.post(f"{API}/summaries", json={"theme": "x", "format": "pdf"}).status_code == 422


# -- /feedback and admin -------------------------------------------------------------------
def test_feedback_round_trip_and_export(client: TestClient) -> None:
    payload = {
        "question": "Ring meg på 912 34 567 om Ungdomstorget",
        "answer": "Svar [1] (skriv til ola@example.no)",
        "rating": "up",
        "comment": "fnr 123456 78901",
        "citations": ["abc123"],
    }
    stored = client.post(f"{API}/feedback", json=payload)
    assert stored.status_code == 201 and stored.json()["stored"] and stored.json()["id"]
    exported = client.get(f"{API}/admin/feedback/export", headers={"X-API-Key": ADMIN_KEY})
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("application/x-ndjson")
    records = {r["id"]: r for r in (json.loads(line) for line in exported.text.splitlines())}
    record = records[stored.json()["id"]]
    assert record["rating"] == "up" and record["citations"] == ["abc123"]
    assert record["answer"] == "Svar [1] (skriv til [e-post])"
    assert record["question"] == "Ring meg på [tlf] om Ungdomstorget" and record["comment"] == "fnr [fnr]"
    csv_response = client.get(f"{API}/admin/feedback/export?format=csv", headers={"X-API-Key": ADMIN_KEY})
    assert csv_response.headers["content-type"].startswith("text/csv")
    assert (
        csv_response.text.startswith("id,created,source,rating,question") and stored.json()["id"] in csv_response.text
    )


def test_a_missing_search_query_is_named(client: TestClient) -> None:
    response = client.post(f"{API}/search", json={})
    assert response.status_code == 422 and "query: mangler" in response.json()["detail"]


def test_feedback_bad_input(client: TestClient) -> None:
    base = {"question": "Hei", "answer": "Svar", "rating": "up"}
    assert client.post(f"{API}/feedback", json={**base, "rating": "kanskje"}).status_code == 422
    blank = client.post(f"{API}/feedback", json={**base, "question": "  "})
    assert blank.status_code == 422 and "question: kan ikke være tom" in blank.json()["detail"]
    assert client.post(f"{API}/feedback", json={**base, "citations": "abc"}).status_code == 422
    assert client.post(f"{API}/feedback", json={**base, "comment": "x" * 2001}).status_code == 422
    for field in ("question", "answer", "comment"):
        nul = client.post(f"{API}/feedback", json={**base, field: "Hei\x00\x1b[2Jder"})
        assert nul.status_code == 422 and "kontrolltegn" in nul.json()["detail"] and field in nul.json()["detail"]
    assert client.post(f"{API}/feedback", json={**base, "citations": ["a\x00"]}).status_code == 422
    assert client.get(f"{API}/admin/feedback/export?format=xml", headers={"X-API-Key": ADMIN_KEY}).status_code == 422


def test_admin_needs_the_right_key(client: TestClient) -> None:
    for headers in ({}, {"X-API-Key": "feil"}, {"X-API-Key": ADMIN_KEY + "x"}):
        response = client.get(f"{API}/admin/feedback/export", headers=headers)
        assert response.status_code == 401 and "X-API-Key" in response.json()["detail"]
        assert client.post(f"{API}/admin/ingest", headers=headers).status_code == 401


def test_admin_ingest_with_the_default_ingest(client: TestClient) -> None:
    before = client.get(f"{API}/readyz").json()["index"]
    response = client.post(f"{API}/admin/ingest", headers={"X-API-Key": ADMIN_KEY})
    assert response.status_code == 200
    assert response.json()["collection"] == before["collection"] and response.json()["nodes"] == before["nodes"]
    assert client.post(f"{API}/ask", json={"question": "Hva er Ungdomstorget?"}).json()["citations"]


def test_admin_ingest_uses_the_injected_function(api_assistant: Any) -> None:
    calls: list[Any] = []

    def ingest(assistant: Any) -> Any:
        calls.append(assistant)
        return assistant

    app = create_app(assistant=api_assistant, ingest_fn=ingest, mount_ui=False)
    with TestClient(app) as client:
        assert client.post(f"{API}/admin/ingest", headers={"X-API-Key": ADMIN_KEY}).status_code == 200
    assert calls == [api_assistant]


def test_unexpected_errors_are_a_bare_500(api_assistant: Any, caplog: pytest.LogCaptureFixture) -> None:
    def ingest(assistant: Any) -> Any:
        raise RuntimeError("disk full at 12345678901")

    app = create_app(assistant=api_assistant, ingest_fn=ingest, mount_ui=False)
    with caplog.at_level(logging.ERROR, logger="veiviser.api"), TestClient(app) as client:
        response = client.post(f"{API}/admin/ingest", headers={"X-API-Key": ADMIN_KEY})
    assert response.status_code == 500 and response.json() == {"detail": "Intern feil"}
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "RuntimeError: disk full at [fnr]" in logged and "12345678901" not in logged


def test_admin_disabled_without_key(api_assistant: Any) -> None:
    assistant = with_settings(api_assistant, admin_api_key=None)
    with TestClient(create_app(assistant=assistant, mount_ui=False)) as client:
        for response in (
            client.post(f"{API}/admin/ingest", headers={"X-API-Key": "whatever"}),
            client.get(f"{API}/admin/feedback/export"),
        ):
            assert response.status_code == 403 and "deaktivert" in response.json()["detail"]


# -- health, readiness, docs ---------------------------------------------------------------
def test_health_ready_and_docs(client: TestClient) -> None:
    assert client.get(f"{API}/healthz").json() == {"status": "ok"}
    ready = client.get(f"{API}/readyz")
    assert ready.status_code == 200
    body = ready.json()
    assert body["ready"] and body["index"]["nodes"] > 700 and body["index"]["collection"].startswith("veiviser")
    schema = client.get("/openapi.json").json()
    assert schema["info"]["title"] == "Veiviser API" and "maks **1000 tegn**" in schema["info"]["description"]
    assert {"/api/v1/ask", "/api/v1/chat/stream", "/api/v1/admin/ingest"} <= set(schema["paths"])
    assert client.get("/docs").status_code == 200


def test_not_ready_until_the_lifespan_has_built_the_services(api_assistant: Any) -> None:
    app = create_app(settings=api_assistant.settings, build=lambda s: api_assistant, mount_ui=False)
    client = TestClient(app)  # no `with`: the lifespan has not run
    assert client.get(f"{API}/healthz").status_code == 200
    assert client.get(f"{API}/readyz").status_code == 503
    not_ready = client.post(f"{API}/ask", json={"question": "Hei"})
    assert not_ready.status_code == 503 and "starter" in not_ready.json()["detail"]
    with TestClient(app) as started:  # the lifespan builds once, through the injected builder
        assert started.get(f"{API}/readyz").status_code == 200
        assert started.post(f"{API}/ask", json={"question": "Hva er Ungdomstorget?"}).status_code == 200


# -- privacy in the logs -------------------------------------------------------------------
def test_logs_hold_no_question_text_by_default(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    question = "Jeg har fnr 12345678901 og min datter Sara blir slått hjemme, hva gjør HFU?"
    with caplog.at_level(logging.INFO, logger="veiviser.api"):
        client.post(f"{API}/ask", json={"question": question})
        client.post(f"{API}/chat/stream", json={"question": question})
        client.post(f"{API}/services", json={"situation": "mor 123456 78901 ringer fra 22 33 44 55"})
        client.get(f"{API}/passages/12345678901")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "ask intent=" in logged and "language=nb" in logged and "safety=True" in logged
    assert "POST /api/v1/ask 200" in logged
    for private in ("Sara", "slått", "12345678901", "123456 78901", "22 33 44 55", "HFU?"):
        assert private not in logged
    assert "GET /api/v1/passages/[fnr] 404" in logged


def test_question_logging_when_turned_on_is_masked(api_assistant: Any, caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(assistant=with_settings(api_assistant, log_questions=True), mount_ui=False)
    question = "Jeg har fnr 12345678901 og tlf +47 912 34 567, hva gjør HFU?"
    with caplog.at_level(logging.INFO, logger="veiviser.api"), TestClient(app) as client:
        client.post(f"{API}/ask", json={"question": question})
        client.post(f"{API}/services", json={"situation": "mor 123456 78901 ringer fra 22 33 44 55"})
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "hva gjør HFU?" in logged
    for secret in ("12345678901", "123456 78901", "912 34 567", "22 33 44 55"):
        assert secret not in logged
    assert logged.count("[fnr]") >= 2 and logged.count("[tlf]") >= 2


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("12345678901", "[fnr]"),
        ("fnr: 123456 78901.", "fnr: [fnr]."),
        ("+47 912 34 567", "[tlf]"),
        ("0047 91234567", "[tlf]"),
        ("ring 12 34 56 78 eller 123 45 678", "ring [tlf] eller [tlf]"),
        ("91234567", "[tlf]"),
        ("I 2021 økte dette til 1260 saker (2018-2019)", "I 2021 økte dette til 1260 saker (2018-2019)"),
        ("dato 12.04.2018", "dato 12.04.2018"),
        ("fnr 010101-12345", "fnr [fnr]"),
        ("født 01.01.01 12345", "født [fnr]"),
        ("ring 91-23-45-67 eller 91.23.45.67", "ring [tlf] eller [tlf]"),
        ("skriv til ola.nordmann+hjelp@drammen.kommune.no", "skriv til [e-post]"),
        ("i 2019-2020 og 2019 2020", "i 2019-2020 og 2019 2020"),
    ],
)
def test_mask(text: str, masked: str) -> None:
    from web.privacy import mask

    assert mask(text) == masked


def test_log_text_is_one_line_without_terminal_controls() -> None:
    from web.privacy import for_log

    assert for_log("a\r\nb\x1b[31mc\x00") == "a\\x0d\\x0ab\\x1b[31mc\\x00"


def test_history_over_the_limit_is_rejected_not_cut(api_assistant) -> None:  # type: ignore[no-untyped-def]
    from assistant.types import ChatTurn
    from ingest.errors import InvalidQuestion

    turns = [ChatTurn(role="user", content="x")] * 21
    with pytest.raises(InvalidQuestion, match="Maks 20"):
        api_assistant.check_history(turns)
    assert len(api_assistant.check_history(turns[:20])) == 20


def test_numbers_are_strict(client: TestClient) -> None:
    for path, body in (("search", {"query": "rus", "top_k": True}), ("services", {"situation": "rus", "limit": "3"})):
        response = client.post(f"{API}/{path}", json=body)
        assert response.status_code == 422, path
        assert "må være et heltall" in response.json()["detail"]


def test_csv_export_neutralises_formulas(tmp_path: Any) -> None:
    from web.feedback import FeedbackStore, csv_safe

    assert csv_safe("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0" and csv_safe("Hei") == "Hei"
    store = FeedbackStore(tmp_path / "feedback.jsonl")
    store.add('=HYPERLINK("http://x")', "+1", "down", comment="@SUM(A1)", citations=[], source="api")
    exported = "".join(store.export_csv())
    assert "'=HYPERLINK" in exported and "'+1" in exported and "'@SUM" in exported


def test_feedback_is_bounded_by_size_and_retention(tmp_path: Any) -> None:
    from datetime import UTC, datetime, timedelta

    from ingest.errors import FeedbackFull
    from web.feedback import FeedbackStore

    store = FeedbackStore(tmp_path / "feedback.jsonl", max_bytes=2048, retention_days=90)
    kept = store.add("Hei", "Svar", "up")
    with pytest.raises(FeedbackFull, match="fullt"):
        for _ in range(50):
            store.add("Hei " * 20, "Svar " * 20, "down")
    size = store.path.stat().st_size
    assert size <= 2048 and kept["id"] in store.path.read_text()  # nothing stored is lost
    # 100 days later the old records are gone, and there is room again.
    stored = len(store.all())
    assert stored >= 2 and store.prune(now=datetime.now(UTC) + timedelta(days=100)) == stored
    assert store.all() == [] and store.add("Hei", "Svar", "up")


def test_feedback_full_is_507_with_a_message(api_assistant: Any, tmp_path: Any) -> None:
    from web.feedback import FeedbackStore

    app = create_app(assistant=api_assistant, mount_ui=False)
    with TestClient(app) as client:
        app.state.services.feedback = FeedbackStore(tmp_path / "f.jsonl", max_bytes=1024)
        body = {"question": "Hei " * 100, "answer": "Svar " * 100, "rating": "up"}
        response = client.post(f"{API}/feedback", json=body)
        assert response.status_code == 507 and "fullt" in response.json()["detail"]


def test_a_settings_error_names_the_variable_never_the_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.settings import load_settings
    from ingest.errors import ConfigError

    monkeypatch.setenv("VEIVISER_ENVIRONMENT", "production")
    monkeypatch.setenv("VEIVISER_API__ADMIN_API_KEY", "hemmelig-kort")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert "VEIVISER_API__ADMIN_API_KEY" in str(caught.value) and "hemmelig-kort" not in str(caught.value)


def test_ui_uploads_have_their_own_limit(fake_assistant: Any) -> None:
    with TestClient(create_app(assistant=fake_assistant)) as ui_client:
        upload = "/ui/gradio_api/upload"
        small = ui_client.post(upload, files={"files": ("sett.jsonl", b"{}\n" * 200_000, "application/octet-stream")})
        assert small.status_code == 200  # 600 kB: over the API's 256 kB, under the UI's 2 MB
        big = ui_client.post(upload, files={"files": ("sett.jsonl", b"a" * (3 * 1024 * 1024), "text/plain")})
        assert big.status_code == 413 and "Filen er for stor (maks 2048 kB)" in big.json()["detail"]


def test_a_body_over_the_limit_is_413_before_it_is_read(client: TestClient) -> None:
    big = '{"question": "' + "a" * (300 * 1024) + '"}'
    response = client.post(f"{API}/ask", content=big, headers={"content-type": "application/json"})
    assert response.status_code == 413 and "maks 256 kB" in response.json()["detail"]

    def chunks():  # type: ignore[no-untyped-def]
        yield b'{"question": "'
        for _ in range(40):
            yield b"a" * 8192
        yield b'"}'

    streamed = client.post(f"{API}/ask", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413


def test_security_headers_on_every_response(client: TestClient) -> None:
    for response in (client.get(f"{API}/healthz"), client.get("/nowhere"), client.get("/docs")):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"


def test_theme_map_in_json_markdown_and_word(client: TestClient) -> None:
    body = client.post(f"{API}/themes", json={}).json()
    assert body["themes"] and body["degraded"] is False and len(body["workshops"]) == 3
    points = sum(len(t["points"]) for t in body["themes"])
    assert points > 300  # every workshop point is in a theme (participant lists are not points)
    assert all(1 <= c["n"] <= len(body["citations"]) for t in body["themes"] for c in t["points"])
    markdown = client.post(f"{API}/themes", json={"format": "markdown"})
    assert markdown.headers["content-type"].startswith("text/markdown") and "## Kilder" in markdown.text
    word = client.post(f"{API}/themes", json={"format": "docx"})
    assert word.status_code == 200 and word.content[:2] == b"PK"
    assert client.post(f"{API}/themes", json={"format": "pdf"}).status_code == 422
