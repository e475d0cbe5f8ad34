"""A pack raising in a route or in a hook, for real: three single-file local plugins beside the
legal pack in one `codexcontinue api` process.

- `brittle`: one route raises. That call answers a JSON 500 naming the pack with a reference id
  that is also in the server log next to the traceback; the exception text stays in the log.
  The pack stays active and its other routes, and every other pack, keep answering.
- `meddler`: its `before_llm_call` hook raises during the legal pack's LLM call. The legal call
  still succeeds; meddler is quarantined (failed, with the error) and its hook is not called again.
- `stumbler`: its `startup` hook raises. The API starts anyway and stumbler is quarantined.
"""

from __future__ import annotations

import re
import socket

import httpx
import pytest
from distributions import routed_pack_source
from security.processes import Api

from codexcontinue.testing.ollama_server import OllamaTestServer

pytestmark = pytest.mark.slow

SECRET = "db password is hunter2"


FINE = '''
@router.get("/fine")
async def fine():
    return {"pack": "%s"}
'''
PLUGINS = {
    "brittle.py": routed_pack_source("brittle", FINE % "brittle" + f'''
@router.get("/boom")
async def boom():
    raise RuntimeError("{SECRET}")
''', doc="A pack whose /boom route raises."),
    "meddler.py": routed_pack_source("meddler", FINE % "meddler", doc="A pack whose before_llm_call hook raises.", hooks='''
@hookimpl
def before_llm_call(call):
    raise ValueError("meddler cannot parse this call")
'''),
    "stumbler.py": routed_pack_source("stumbler", FINE % "stumbler", doc="A pack whose startup hook raises.", hooks='''
@hookimpl
def startup(context):
    raise ConnectionError("stumbler's database is not there")
'''),
}


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pack-faults")
    plugins = folder / "plugins"
    plugins.mkdir()
    for name, source in PLUGINS.items():
        (plugins / name).write_text(source)
    with OllamaTestServer(models=["legal-analyst"]) as ollama:
        api = Api(folder, packs="legal,brittle,meddler,stumbler", plugins_dir=str(plugins), ollama_hosts=ollama.url)
        try:
            api.start()
            headers = api.create_key("admin")
            # a new connection per request: see the keep-alive test below for why
            fresh = httpx.Limits(max_keepalive_connections=0)
            yield api, httpx.Client(base_url=api.url, headers=headers, timeout=30, limits=fresh)
        finally:
            api.stop()


def pack_table(client: httpx.Client) -> dict[str, dict]:
    return {row["name"]: row for row in client.get("/api/v1/packs").json()}


def test_a_route_that_raises_fails_alone_with_a_json_500_and_a_logged_reference(api):
    api, client = api
    answers = []
    for _ in range(5):
        answers.append(client.get("/api/v1/brittle/boom"))
        answers.append(client.get("/api/v1/brittle/fine"))
        answers.append(client.get("/api/v1/legal/about"))
        answers.append(client.post("/api/v1/legal/citations", json={"text": "See 42 U.S.C. § 1983."}))

    failures = [a for a in answers if a.url.path.endswith("/boom")]
    assert {a.status_code for a in failures} == {500}
    assert {a.status_code for a in answers if a not in failures} == {200}
    for failure in failures:
        assert failure.headers["content-type"] == "application/json"
        detail = failure.json()["detail"]
        assert detail.startswith("Internal error in pack 'brittle' (reference ")
        assert SECRET not in failure.text and "RuntimeError" not in failure.text and "Traceback" not in failure.text
        reference = re.search(r"reference ([a-z]+)", detail).group(1)
        assert re.search(rf"pack 'brittle' on GET /api/v1/brittle/boom \(reference {reference}\)", api.log())
    assert "RuntimeError" in api.log() and SECRET in api.log()  # the details are in the server log
    assert pack_table(client)["brittle"]["state"] == "active"  # a failing call does not quarantine the pack


def test_a_hook_that_raises_quarantines_its_pack_and_the_other_packs_keep_answering(api):
    api, client = api
    first = client.post("/api/v1/legal/documents/summary", json={"text": "The tenant pays rent monthly."})
    second = client.post("/api/v1/legal/documents/summary", json={"text": "The landlord repairs the roof."})
    table = pack_table(client)
    ready = client.get("/readyz").json()

    assert first.status_code == 200 and second.status_code == 200, (first.text, second.text)
    assert table["legal"]["state"] == "active"
    assert table["meddler"]["state"] == "failed"
    assert "raised in before_llm_call(): ValueError('meddler cannot parse this call')" in table["meddler"]["error"]
    assert api.log().count("raised in before_llm_call()") == 1  # quarantined once, not called again
    assert table["stumbler"]["state"] == "failed"
    assert "raised in startup(): ConnectionError" in table["stumbler"]["error"]
    assert ready["status"] == "degraded"
    assert ready["checks"]["packs"]["meddler"]["ok"] is False
    assert ready["checks"]["packs"]["stumbler"]["ok"] is False
    assert ready["checks"]["packs"]["legal"]["ok"] is True


def test_a_quarantined_packs_routes_answer_a_json_503_naming_the_quarantine(api):
    api, client = api
    client.post("/api/v1/legal/documents/summary", json={"text": "Any text makes meddler's hook raise."})
    assert pack_table(client)["meddler"]["state"] == "failed"

    for pack in ("meddler", "stumbler"):
        answer = client.get(f"/api/v1/{pack}/fine")
        assert answer.status_code == 503, f"{pack}: {answer.status_code} {answer.text}"
        assert answer.headers["content-type"] == "application/json"
        assert "quarantined" in answer.json()["detail"] or "failed" in answer.json()["detail"]


def exchange_on_one_connection(port: int, token: str, paths: list[str]) -> list[str]:
    """Send GET requests for `paths` one after the other on one kept-alive HTTP/1.1 connection and
    return each answer's status line ('' when the connection was gone)."""
    lines = []
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        stream = sock.makefile("rb")
        for path in paths:
            try:
                sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {token}\r\n\r\n".encode())
                status = stream.readline().decode().strip()
                length = 0
                while (header := stream.readline().decode().strip()) != "":
                    if header.lower().startswith("content-length:"):
                        length = int(header.split(":")[1])
                stream.read(length)
            except OSError:
                status = ""
            lines.append(status)
    return lines


def test_after_a_500_the_kept_alive_connection_still_serves_the_next_request(api):
    api, client = api
    token = client.headers["authorization"]

    lines = exchange_on_one_connection(api.port, token, ["/api/v1/brittle/boom", "/api/v1/legal/about"])

    assert lines[0].startswith("HTTP/1.1 500")
    assert lines[1].startswith("HTTP/1.1 200"), f"the next request on the connection got {lines[1]!r}"
