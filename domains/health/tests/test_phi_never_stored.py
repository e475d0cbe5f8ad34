"""Notes full of PHI through every health route, with the LLM on and Redis as the store (jobs on
Redis too, run by the API's in-process worker): no PHI is left in any log line (root and uvicorn's),
any Redis key or value (the corpus job's queued notes are encrypted, its result de-identified), any
cache entry, or anything sent to the LLM, or the core's audit trail (its file and its Redis stream);
every call is audited."""

import asyncio
import io
import json
import logging
import re
import time

import httpx
import pytest
import redis
from codexcontinue.api.app import create_app
from codexcontinue.audit import STREAM
from codexcontinue.keys import KeyRing
from codexcontinue.store import RedisStore
from codexcontinue.testing.plugin import LiveBackend
from pydantic import SecretStr

PHI = [
    "Adaeze", "Okafor", "00482913", "03/14/1931", "Maria Lopez", "217-555-0198", "(217) 555-0142",
    "1423 Maple Grove Ave", "Springfield", "62704", "adaeze.okafor@example.com", "123-45-6789",
    "1EG4-TE5-MK73", "Ngozi", "Dr. Whitfield", "Whitfield", "2nd of May", "IMG_2034.jpg", "192.168.10.4",
]
NOTE = """PATIENT: OKAFOR, ADAEZE    MRN: 00482913    DOB: 03/14/1931
Address: 1423 Maple Grove Ave, Springfield, IL 62704. Phone 217-555-0198. Email adaeze.okafor@example.com
SSN 123-45-6789. Medicare ID 1EG4-TE5-MK73. Telehealth from IP 192.168.10.4. Wound photo: IMG_2034.jpg
Mrs. Okafor was seen by Dr. Whitfield on the 2nd of May with her daughter Ngozi, no chest pain, mild cough.
Her neighbour Maria Lopez ((217) 555-0142) drives her. Okafor agrees with the plan.
CC: cough
HPI: Adaeze reports a dry cough for a week. Denies fever.
Assessment: acute bronchitis
Plan: honey, fluids; Dr. Whitfield to call 217-555-0198 if worse.
"""
LLM_REPLY = {"subjective": ["[NAME] was seen with a mild cough", "chest pain"], "objective": [], "assessment": ["bronchitis"], "plan": []}
ROUTES = [
    ("GET", "/api/v1/health/about", {}),
    ("GET", "/api/v1/health/phi-categories", {}),
    *[("POST", "/api/v1/health/deidentify", {"json": {"text": NOTE, "mode": m}}) for m in ("redact", "mask", "pseudonym", "dateshift")],
    ("POST", "/api/v1/health/deidentify/upload", {"files": {"file": ("note.txt", NOTE.encode(), "text/plain")}}),
    ("POST", "/api/v1/health/deidentify/upload", {"files": {"file": ("face.png", b"\x89PNG", "image/png")}}),
    ("POST", "/api/v1/health/soap", {"json": {"text": NOTE}}),
    ("POST", "/api/v1/health/soap/fhir", {"json": {"text": NOTE}}),
    ("GET", "/api/v1/health/icd10/codes/J20.9", {}),
    ("GET", "/api/v1/health/icd10/search", {"params": {"q": "acute bronchitis"}}),
    ("GET", "/api/v1/health/icd10/validate", {"params": {"codes": "J20.9,R05.1"}}),
    ("POST", "/api/v1/health/deidentify/batch", {"json": {"notes": [{"id": "a", "text": NOTE}, {"id": "b", "text": NOTE}]}}),
    ("GET", "/api/v1/health/icd10/search", {"params": {"q": "diabetes+742+Maple+Grove+Ave Ngozi"}}),
]
CORPUS = "\n".join(json.dumps({"id": f"n{i}", "text": NOTE}) for i in range(3)).encode()


def everything_in_redis(url: str) -> str:
    """Every key and every value of every type in the Redis database, as one text."""
    client = redis.Redis.from_url(url)
    read = {
        "string": client.get,
        "hash": client.hgetall,
        "list": lambda key: client.lrange(key, 0, -1),
        "set": client.smembers,
        "zset": lambda key: client.zrange(key, 0, -1, withscores=True),
        "stream": client.xrange,
    }
    return "\n".join(f"{key!r} {read[client.type(key).decode()](key)!r}" for key in client.scan_iter(count=1000))


@pytest.fixture
def captured_logs():
    """Every log record of the root logger and of uvicorn's loggers, at DEBUG, as text."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    saved = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream, handler
    root.removeHandler(handler)
    root.setLevel(saved)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).removeHandler(handler)


def test_no_phi_survives_anywhere(codexcontinue_settings, redis_url, ollama_server, captured_logs, capfd):
    stream, handler = captured_logs
    ollama_server.add_model("health-clinician")
    ollama_server.script_reply(LLM_REPLY, LLM_REPLY)
    settings = codexcontinue_settings.model_copy(
        update={"redis_url": SecretStr(redis_url), "ollama_hosts": [ollama_server.url], "in_process_worker": True}
    )
    app = create_app(settings)
    assert app.state.store.kind == "redis"

    async def make_key() -> str:
        store = RedisStore(redis_url)
        token, _ = await KeyRing(store).create("ward-7", ["health:write", "admin"])
        await store.close()
        return token

    token = asyncio.run(make_key())
    backend = LiveBackend(app)  # uvicorn configures its loggers here
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).addHandler(handler)
        logging.getLogger(name).setLevel(logging.DEBUG)
    statuses = {}
    with backend:
        with httpx.Client(base_url=backend.url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
            responses = [client.request(method, path, **kwargs) for method, path, kwargs in ROUTES]
            job = client.post("/api/v1/health/deidentify/corpus", files={"file": ("c.jsonl", CORPUS, "application/x-ndjson")})
            deadline = time.monotonic() + 30
            while client.get(job.json()["status_url"]).json()["state"] not in ("complete", "failed") and time.monotonic() < deadline:
                time.sleep(0.1)
            result = client.get(job.json()["result_url"])
            responses += [job, result]
            logging.getLogger("clinic.integration").warning("Careless line: %s at %s", "Adaeze Okafor", "217-555-0198")
            try:
                raise ValueError(f"could not parse {NOTE[:60]}")
            except ValueError:
                logging.getLogger("clinic.integration").exception("parse failed for Maria Lopez")
            # The core writes a call's record once the answer is sent: wait for the last one.
            deadline = time.monotonic() + 10
            while redis.Redis.from_url(redis_url).xlen(STREAM) < len(ROUTES) + 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            audit = client.get("/api/v1/health/audit").json()
        statuses = {(r.request.method, r.request.url.path, i): r.status_code for i, r in enumerate(responses)}

    assert [r.status_code for r in responses] == [200] * 7 + [415] + [200] * 7 + [202, 200], statuses
    assert len(result.text.splitlines()) == 3 and "[NAME]" in result.text
    assert ollama_server.request_count("/api/chat") == 2  # the LLM path ran, for /soap and /soap/fhir

    logs = stream.getvalue()
    assert re.search(r"Careless line: \[(?:NAME|PHI)\]( \[PHI\])? at \[PHONE\]", logs) and "parse failed for [NAME]" in logs
    assert "GET /api/v1/health/icd10/search" in logs  # uvicorn's access log was captured too
    written = capfd.readouterr()
    stored = everything_in_redis(redis_url)
    audit_file = settings.audit_path.read_text()
    audit_stream = redis.Redis.from_url(redis_url).xrange(STREAM)
    cache_keys = redis.Redis.from_url(redis_url).keys("llm:cache:*")
    sent_to_llm = json.dumps([r.body for r in ollama_server.requests])
    answers = "\n".join(r.text for r in responses)
    for phi in PHI:
        assert phi not in logs, f"{phi!r} in the captured log"
        assert phi not in written.out + written.err, f"{phi!r} written to stdout/stderr"
        assert phi not in stored, f"{phi!r} in Redis"
        assert phi not in audit_file, f"{phi!r} in the audit file"
        assert phi not in sent_to_llm, f"{phi!r} sent to the LLM"
        assert phi not in answers, f"{phi!r} echoed in a response"
    assert cache_keys == []  # health calls are never cached in HIPAA mode

    assert "codexcontinue:audit" in stored  # the audit stream was searched with the rest of Redis

    audited = [(r["action"], r["route"], r["outcome"]) for r in audit]
    for method, path, _ in ROUTES:
        template = "/api/v1/health/icd10/codes/{code}" if "/codes/" in path else path
        assert any(m == method and route == template for m, route, _ in audited), (method, template)
    assert ("GET", "/api/v1/health/deidentify/corpus/{job_id}/result", 200) in audited
    assert len(audit) == len(ROUTES) + 2  # with the corpus job's two calls; the audit read is recorded once it has answered
    assert all(r["pack"] == "health" and r["actor_name"] == "ward-7" and r["actor"] != "anonymous" for r in audit)
    assert sorted(r["outcome"] for r in audit) == sorted(r.status_code for r in responses)
    # Every call has its record, in the file and in the stream: the routes, the corpus job's and the audit read.
    assert len(audit_file.splitlines()) == len(audit_stream) == len(ROUTES) + 3
