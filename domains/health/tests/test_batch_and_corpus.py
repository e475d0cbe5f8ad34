"""Many notes at once: the batch route (answers in input order) and the corpus job (a JSONL upload,
progress in the job's events, the de-identified corpus as JSONL)."""

import json

import pytest

NOTES = [
    {"id": "n1", "text": "Seen by Dr. Smith on 3/4/2021. Call 217-555-0198."},
    {"id": 2, "text": "pt transferred to GH 7/23. wife rose aware."},
    {"id": "n3", "text": "Lasix 40 mg IV given, Foley draining clear urine, BP 142/84."},
]


@pytest.fixture
def writer(make_api_key):
    return make_api_key("health:write", name="batch-test")


def test_a_batch_comes_back_in_input_order_with_ids(api_client, writer):
    response = api_client.post("/api/v1/health/deidentify/batch", json={"mode": "redact", "notes": NOTES}, headers=writer)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == ["n1", 2, "n3"]
    assert results[0]["text"] == "Seen by Dr. [NAME] on [DATE]. Call [PHONE]."
    assert results[1]["text"] == "pt transferred to [LOCATION] [DATE]. wife [NAME] aware."
    assert results[2]["text"] == NOTES[2]["text"] and results[2]["spans"] == []
    assert all(s["original"] is None for r in results for s in r["spans"])


def test_a_batch_is_audited_by_document_ids_never_by_the_callers_ids(api_client, writer, codexcontinue_settings):
    notes = [{"id": "Margaret Thompsonwood", "text": "Dr. Smith aware."}]
    assert api_client.post("/api/v1/health/deidentify/batch", json={"notes": notes}, headers=writer).status_code == 200
    record = api_client.portal.call(api_client.app.state.audit.tail, 10)[-1]
    assert record.route == "/api/v1/health/deidentify/batch" and record.resources[0].startswith("doc-")
    assert "Thompsonwood" not in codexcontinue_settings.audit_path.read_text()


def test_a_batch_over_the_count_or_with_a_bad_note_is_refused_with_what_to_do(api_client, writer, monkeypatch):
    settings = api_client.app.state.registry.packs["health"].settings
    monkeypatch.setattr(settings, "max_batch_notes", 2)
    response = api_client.post("/api/v1/health/deidentify/batch", json={"notes": NOTES}, headers=writer)
    assert response.status_code == 413 and "batches of 2" in response.json()["detail"]
    empty = api_client.post("/api/v1/health/deidentify/batch", json={"notes": []}, headers=writer)
    assert empty.status_code == 422
    no_id = api_client.post("/api/v1/health/deidentify/batch", json={"notes": [{"text": "x"}]}, headers=writer)
    assert no_id.status_code == 422 and "id" in no_id.json()["detail"].lower()


def corpus_file(notes) -> bytes:
    return "\n".join(json.dumps(note) for note in notes).encode()


def test_a_corpus_job_reports_progress_and_its_result_is_jsonl(api_client, writer):
    notes = [{"id": f"n{i}", "text": f"Dr. Smith saw the patient on 3/{i % 28 + 1}. BP 120/80."} for i in range(120)]
    started = api_client.post(
        "/api/v1/health/deidentify/corpus",
        files={"file": ("notes.jsonl", corpus_file(notes), "application/x-ndjson")},
        data={"mode": "redact"},
        headers=writer,
    )
    assert started.status_code == 202, started.text
    job = started.json()
    assert job["notes"] == 120
    with api_client.stream("GET", job["events_url"], headers=writer) as stream:
        events = [json.loads(line[5:]) for line in stream.iter_lines() if line.startswith("data:")]
    progress = [e["message"] for e in events if "message" in e and "of 120 notes" in e.get("message", "")]
    assert "50 of 120 notes" in progress and "120 of 120 notes" in progress
    assert events[-1]["state"] == "complete" and events[-1]["result"]["notes"] == 120
    result = api_client.get(job["result_url"], headers=writer)
    assert result.status_code == 200 and result.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in result.text.splitlines()]
    assert [line["id"] for line in lines] == [n["id"] for n in notes]
    assert lines[0]["text"] == "Dr. [NAME] saw the patient on [DATE]. BP 120/80."
    assert "Smith" not in result.text


def test_a_corpus_result_belongs_to_the_key_that_started_it(api_client, writer, make_api_key):
    started = api_client.post(
        "/api/v1/health/deidentify/corpus", files={"file": ("n.jsonl", corpus_file(NOTES[:1]), "application/x-ndjson")}, headers=writer
    ).json()
    other = make_api_key("health:write", name="someone-else")
    assert api_client.get(started["result_url"], headers=other).status_code == 404


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b'{"id": "a", "text": "ok"}\nnot json\n', "Line 2 is not JSON"),
        (b'{"id": "a"}\n', 'Line 1 has no "text"'),
        (b'{"id": "a", "text": "x", "mrn": "1"}\n', "mrn"),
        (b"\n\n", "holds no note"),
        (b"\xff\xfe", "UTF-8"),
    ],
)
def test_a_bad_corpus_is_refused_naming_the_line(api_client, writer, content, says):
    response = api_client.post(
        "/api/v1/health/deidentify/corpus", files={"file": ("bad.jsonl", content, "application/x-ndjson")}, headers=writer
    )
    assert response.status_code == 422 and says in response.json()["detail"] and "bad.jsonl" in response.json()["detail"]
