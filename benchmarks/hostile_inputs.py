"""Every hostile input of issue 21 against a real API: time, peak memory and `/healthz` latency for each.

Run on demand (not a test):

    hatch run python benchmarks/hostile_inputs.py [--only 1,4,5] [--timeout 30] [--client-timeout 120] [--no-write]

It starts `codexcontinue api` (uvicorn, all four packs, embedded store, no Ollama: the LLM routes
would answer 503, so the inputs go to routes and options that need none) on 127.0.0.1 with a fresh
data folder and `CODEXCONTINUE_REQUEST_TIMEOUT_S=--timeout`, makes its keys with `codexcontinue
keys create`, then sends each input of the issue's list, one case at a time. A request without an
answer within `--client-timeout` (the event loop blocked, so the API's own time limit cannot fire)
is reported as such and the API is restarted for the next case. During each case a
thread asks `/healthz` every 50 ms (until a second after the last answer: the access-log line is
written after it) and another reads the resident memory (RSS) of the API process and of its child
processes (the developer pack's analysis processes, ruff) every 20 ms. A case
reports the answers' statuses, its wall time, the API's RSS before and at its peak, the children's
peak, the slowest and the 95th-percentile `/healthz` answer, and what else it checks (audit bytes
written, access-log lines, processes left). It measures whatever the code does now, fixed or not.

The table replaces the "Hostile inputs: measured" section of docs/security.md unless `--no-write`;
`--json PATH` also writes the rows as JSON. Timings on a shared machine are noisy: the report
gives the machine's load average before and after the run.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).parent))

from harness import REPO, free_port, replace_section  # noqa: E402

REPORT = REPO / "docs" / "security.md"
SECTION = "## Hostile inputs: measured"
PHI = "Margaret Thompsonwood 555-867-5309"
MiB = 1024 * 1024
SETTLE_S = 1.0  # probes go on this long after the last answer
IDLE_S = 5.0  # the baseline: /healthz with nothing sent
MIN_PROBES = 10


@dataclass
class Row:
    """One hostile input and what the API did with it."""

    item: int
    threat: str
    sent: str
    answers: str
    seconds: float
    api_mib_before: float
    api_mib_peak: float
    children_mib_peak: float
    healthz_max_ms: float
    healthz_p95_ms: float
    note: str = ""
    healthz_gave_up: bool = False


class Stack:
    """`codexcontinue api` with every pack, its keys, its log."""

    def __init__(self, folder: Path, timeout_s: float) -> None:
        self.folder, self.port = folder, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = folder / "api.log"
        self.env = {
            **{name: value for name, value in os.environ.items() if not name.startswith("CODEXCONTINUE_")},
            "CODEXCONTINUE_DATA_DIR": str(folder / "data"),
            "CODEXCONTINUE_API_PORT": str(self.port),
            "CODEXCONTINUE_OLLAMA_HOSTS": f"http://127.0.0.1:{free_port()}",
            "CODEXCONTINUE_REQUEST_TIMEOUT_S": str(timeout_s),
        }
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Stack:
        log = self.log_path.open("ab")
        command = [sys.executable, "-m", "codexcontinue.cli", "api"]
        self.process = subprocess.Popen(command, env=self.env, cwd=self.folder, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=5).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the API did not start:\n{self.log_path.read_text()[-3000:]}")
            time.sleep(0.3)

    def __exit__(self, *exc: object) -> None:
        assert self.process is not None
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a blocked event loop never gets to its shutdown
            self.process.kill()
            self.process.wait(timeout=30)

    def restart(self) -> None:
        """A fresh API process on the same port and data folder (keys included), after a case that
        left the old one blocked."""
        self.__exit__()
        self.__enter__()

    def key(self, *scopes: str) -> dict[str, str]:
        """Auth headers of a new key with `scopes`, made with `codexcontinue keys create`."""
        words = [sys.executable, "-m", "codexcontinue.cli", "keys", "create", "--name", "hostile"]
        for scope in scopes:
            words += ["--scope", scope]
        done = subprocess.run(words, env=self.env, cwd=self.folder, capture_output=True, text=True, check=True)
        return {"Authorization": f"Bearer {done.stdout.strip()}"}

    @property
    def api(self) -> psutil.Process:
        assert self.process is not None
        return psutil.Process(self.process.pid)

    def busy_children(self) -> list[psutil.Process]:
        """Descendants doing a request's work: ruff, and the analysis processes under the forkserver."""
        descendants = self.api.children(recursive=True)
        servers = [p for p in descendants if "forkserver" in " ".join(p.cmdline())]
        return [p for p in descendants if p.name().startswith("ruff")] + [c for s in servers for c in s.children()]

    def audit_bytes(self) -> int:
        path = self.folder / "data" / "audit.jsonl"
        return path.stat().st_size if path.exists() else 0

    def audit_since(self, offset: int) -> str:
        """The audit file's text written after `offset` bytes."""
        path = self.folder / "data" / "audit.jsonl"
        return path.read_bytes()[offset:].decode() if path.exists() else ""

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def watched(stack: Stack, probe_timeout: float) -> Iterator[dict[str, object]]:
    """While the block runs: `/healthz` latencies, the API's peak RSS and its children's summed peak;
    `gave_up` when a probe had no answer within `probe_timeout`."""
    seen: dict[str, object] = {"latencies": [], "api_peak": 0.0, "children_peak": 0.0, "gave_up": False}
    done = threading.Event()

    def probe() -> None:
        with httpx.Client(base_url=stack.url, timeout=probe_timeout) as client:
            while not done.is_set():
                started = time.perf_counter()
                try:
                    client.get("/healthz")
                except httpx.HTTPError:  # no answer at all: counted as the time waited
                    seen["gave_up"] = True
                seen["latencies"].append(time.perf_counter() - started)  # type: ignore[union-attr]
                done.wait(0.05)

    def sample() -> None:
        while not done.is_set():
            try:
                api = stack.api.memory_info().rss / MiB
                children = sum(child.memory_info().rss for child in stack.api.children(recursive=True)) / MiB
            except psutil.Error:
                continue
            seen["api_peak"] = max(seen["api_peak"], api)  # type: ignore[type-var]
            seen["children_peak"] = max(seen["children_peak"], children)  # type: ignore[type-var]
            done.wait(0.02)

    threads = [threading.Thread(target=probe), threading.Thread(target=sample)]
    for thread in threads:
        thread.start()
    try:
        yield seen
    finally:
        done.set()
        for thread in threads:
            thread.join()


def measure(
    stack: Stack, item: int, threat: str, sent: str, send: Callable[[], tuple[str, str]], client_timeout: float
) -> Row:
    """Run one case: `send()` returns (the answers, a note); the rest is measured around it. A case
    with no answer within `client_timeout` gets a fresh API process afterwards."""
    before = stack.api.memory_info().rss / MiB
    with watched(stack, client_timeout) as seen:
        started = time.monotonic()
        blocked = False
        try:
            answers, note = send()
        except httpx.TimeoutException:
            answers, note, blocked = f"none within {client_timeout:g} s", "the API was restarted after it.", True
        seconds = time.monotonic() - started
        # Work may go on after the answer (the access-log line is written, and filtered, after it).
        settled = time.monotonic() + SETTLE_S
        while not blocked and (time.monotonic() < settled or len(seen["latencies"]) < MIN_PROBES):  # type: ignore[arg-type]
            time.sleep(0.05)
    if blocked:
        stack.restart()
    left = stack.busy_children()
    if left:
        time.sleep(2)
        left = stack.busy_children()
        note += f" {len(left)} process(es) still running 2 s after the answer." if left else ""
    latencies = sorted(seen["latencies"]) or [0.0]  # type: ignore[arg-type]
    row = Row(
        item, threat, sent, answers, round(seconds, 2), round(before), round(seen["api_peak"]),  # type: ignore[arg-type]
        round(seen["children_peak"]), round(latencies[-1] * 1000),  # type: ignore[arg-type]
        round(latencies[int(len(latencies) * 0.95)] * 1000), note.strip(), bool(seen["gave_up"]),
    )  # fmt: skip
    print(f"  {row.item:>2} {row.sent[:60]:60} {row.answers:>14} {row.seconds:7.2f} s  healthz "
          f"{healthz(row)}  API {row.api_mib_before}->{row.api_mib_peak} MiB", flush=True)  # fmt: skip
    return row


def statuses(*answers: httpx.Response) -> str:
    """'200', or '422 x6' when all alike, or '200, 422'."""
    codes = [str(answer.status_code) for answer in answers]
    return f"{codes[0]} x{len(codes)}" if len(codes) > 1 and len(set(codes)) == 1 else ", ".join(codes)


def docx_bomb(unpacked: int) -> bytes:
    """A .docx whose word/document.xml unpacks to `unpacked` bytes (spaces: deflate packs them ~1000:1)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
        ))  # fmt: skip
        archive.writestr("_rels/.rels", (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="word/document.xml"/></Relationships>'
        ))  # fmt: skip
        with archive.open("word/document.xml", "w", force_zip64=True) as document:
            document.write(b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                           b'wordprocessingml/2006/main"><w:body>')  # fmt: skip
            for _ in range(unpacked // (16 * MiB)):
                document.write(b" " * (16 * MiB))
            document.write(b"<w:p><w:r><w:t>The end.</w:t></w:r></w:p></w:body></w:document>")
    return buffer.getvalue()


def pdf_bomb(unpacked: int) -> bytes:
    """A one-page PDF whose content stream (text-drawing operators, so text extraction reads it all)
    inflates to `unpacked` bytes."""
    compressor = zlib.compressobj(9)
    block = b"BT /F1 12 Tf 72 720 Td (Id.) Tj ET\n" * (MiB // 35)
    stream = b"".join(compressor.compress(block) for _ in range(unpacked // len(block))) + compressor.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def cases(stack: Stack, timeout: float) -> list[tuple[int, str, str, Callable[[], tuple[str, str]]]]:
    """(item, threat, what is sent, how) for each hostile input of the issue, in its order."""
    admin, legal_reader = stack.key("admin"), stack.key("legal:read")
    metrics_reader, developer = stack.key("metrics:read"), stack.key("developer:read")
    http = httpx.Client(base_url=stack.url, timeout=timeout)
    api = "/api/v1"

    def post(path: str, headers: dict[str, str], **kwargs: object) -> httpx.Response:
        return http.post(f"{api}{path}", headers=headers, **kwargs)  # type: ignore[arg-type]

    def log_line_of(marker: str) -> int:
        lines = [line for line in stack.log_text().splitlines() if marker in line]
        return max((len(line) for line in lines), default=0)

    def long_url(repeats: int) -> Callable[[], tuple[str, str]]:
        def send() -> tuple[str, str]:
            answer = http.get(f"{api}/health/about", params={"x": "1-" * repeats})
            return statuses(answer), f"its access-log line: {log_line_of('/api/v1/health/about?x=1-1-1-1-1')} chars"
        return send

    def text_to(path: str, text: str, **fields: object) -> Callable[[], tuple[str, str]]:
        return lambda: (statuses(post(path, admin, json={"text": text, **fields})), "")

    def code_everywhere(code: str) -> Callable[[], tuple[str, str]]:
        pasted = [("analysis/code", {}), ("docs/code", {}), ("review/code", {"function": "f"})]
        uploaded = [("analysis", {}), ("docs", {}), ("review", {"path": "m.py", "function": "f"})]

        def send() -> tuple[str, str]:
            answers = [post(f"/developer/{route}", developer, json={"code": code, **extra}) for route, extra in pasted]
            answers += [
                post(f"/developer/{route}", developer, files={"file": ("m.py", code.encode())}, data=form)
                for route, form in uploaded
            ]
            return statuses(*answers), "the six analysis, docs and review routes"

        return send

    Send = Callable[[], tuple[str, str]]

    def upload_to(path: str, name: str, make: Callable[[], bytes], headers: dict[str, str]) -> Send:
        def send() -> tuple[str, str]:
            content = make()
            answer = post(path, headers, files={"file": (name, content)})
            return statuses(answer), f"{len(content) / MiB:.1f} MiB sent"

        return send

    def phi_requests() -> tuple[str, str]:
        before = stack.audit_bytes()
        quoted = urllib.parse.quote(PHI)
        answers = [
            http.get(f"{api}/health/icd10/codes/{quoted}", headers=admin),
            http.get(f"{api}/health/icd10/codes/ssn-123-45-6789", headers=admin),
            http.get(f"{api}/health/icd10/validate", params={"codes": f"E11.9,{PHI}"}, headers=admin),
            http.get(f"{api}/health/{quoted}", headers=admin),
            http.get(f"{api}/health/{quoted}"),
        ]
        written = stack.audit_since(before).lower()
        found = [piece for piece in ("thompsonwood", "867-5309", "123-45-6789") if piece in written]
        return statuses(*answers), f"PHI in the audit lines written: {', '.join(found) or 'none'}"

    def unauthenticated_flood() -> tuple[str, str]:
        before = stack.audit_bytes()
        answers = [http.get(f"{api}/health/about", params={"x": "1-" * 32_500}) for _ in range(50)]
        return statuses(*answers), f"{stack.audit_bytes() - before} bytes of audit written"

    def plus_encoded_search() -> tuple[str, str]:
        answer = http.get(f"{api}/health/icd10/search", params={"q": "diabetes 742 Evergreen Terrace"}, headers=admin)
        logged = [line for line in stack.log_text().splitlines() if "/icd10/search" in line]
        leaked = bool(logged) and ("Evergreen" in logged[-1] or "742" in logged[-1])
        return statuses(answer), f"the address is {'in' if leaked else 'masked in'} the access log"

    def markdown_note() -> tuple[str, str]:
        matter = post("/legal/matters", admin, json={"title": "Hostile", "client": "Acme"}).json()
        note = post(f"/legal/matters/{matter['id']}/notes", admin, json={"text": "See\n\n![x](http://127.0.0.1:9/p.png)"})
        return statuses(note), "kept as sent; the pages show it as text (browser tests)"

    def formula_descriptions() -> tuple[str, str]:
        csv = "Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #\n" + "".join(
            f'DEBIT,03/2{n}/2024,"{prefix}HYPERLINK(""http://127.0.0.1:9"")",-5.00,DEBIT_CARD,100.00,,\n'
            for n, prefix in enumerate("=+-@")
        )  # fmt: skip
        answer = post("/finance/transactions/imports", admin, files={"file": ("formula.csv", csv.encode())})
        return statuses(answer), "kept as sent in JSON; the CSV download is the page's (finance)"

    def core_generate_and_scaffold() -> tuple[str, str]:
        job = {"task": "core.generate", "arguments": {"model": "legal-analyst", "prompt": "hi"}}
        answers = [
            post("/jobs", legal_reader, json=job), post("/jobs", metrics_reader, json=job),
            post("/developer/templates/pack/project", developer,
                 json={"answers": {"name": "recipes", "description": "two\nlines"}}),
        ]  # fmt: skip
        return statuses(*answers), "legal:read and metrics:read submit core.generate; a newline in a scaffold answer"

    one_mb_of_code = "x = 1\n" * 170_000
    return [
        (1, "an unauthenticated request freezes the API", "GET /health/about?x= + '1-' x 10,000 (20 KB), no key",
         long_url(10_000)),
        (1, "the same, under the URL limit", "GET /health/about?x= + '1-' x 4,000 (8 KB), no key", long_url(4_000)),
        (2, "de-identification quadratic in its input", "POST /health/deidentify '1' x 100,000",
         text_to("/health/deidentify", "1" * 100_000)),
        (2, "", "POST /health/deidentify '1-' x 50,000", text_to("/health/deidentify", "1-" * 50_000)),
        (2, "", "POST /health/deidentify/upload '1' x 100,000 (.txt)",
         upload_to("/health/deidentify/upload", "note.txt", lambda: b"1" * 100_000, admin)),
        (2, "", "POST /health/soap '1' x 100,000", text_to("/health/soap", "1" * 100_000, use_llm=False)),
        (2, "", "POST /health/soap/fhir '1-' x 50,000", text_to("/health/soap/fhir", "1-" * 50_000, use_llm=False)),
        (3, "a decompression bomb", "POST /legal/contracts/review: .docx, document.xml unpacks to 2 GiB (legal:read)",
         upload_to("/legal/contracts/review", "bomb.docx", lambda: docx_bomb(2048 * MiB), legal_reader)),
        (3, "", "POST /legal/contracts/review: PDF, a stream inflating to 512 MiB",
         upload_to("/legal/contracts/review", "bomb.pdf", lambda: pdf_bomb(512 * MiB), legal_reader)),
        (4, "CPU work on the event loop", "POST /legal/citations, 1 MB of '1 U.S. '",
         text_to("/legal/citations", "1 U.S. " * 150_000)),
        (4, "", "POST /legal/contracts/review-text, 2 MB of 'Id. '",
         text_to("/legal/contracts/review-text", "Id. " * 500_000, llm=False)),
        (4, "", "POST /developer/analysis/code, 1 MB ('x = 1' lines)",
         lambda: (statuses(post("/developer/analysis/code", developer, json={"code": one_mb_of_code})), "")),
        (5, "a 5xx from the parser", "{'code': 'a ' x 6000} to the six code routes", code_everywhere("a " * 6000)),
        (5, "", "'x = 1+1+...' with 3,000 terms to the six code routes",
         code_everywhere("x = " + "+".join(["1"] * 3000) + "\n")),
        (6, "PHI in the audit trail", f"'{PHI}' in ICD-10 paths and codes, an unknown health path", phi_requests),
        (6, "unbounded audit writes", "50 requests without a key, 65 KB query each", unauthenticated_flood),
        (7, "PHI in the access log ('+' encoding)", "GET /health/icd10/search?q=diabetes+742+Evergreen+Terrace",
         plus_encoded_search),
        (8, "user text rendered as Markdown", "a matter note with a Markdown image", markdown_note),
        (9, "formula injection", "transactions whose descriptions start with = + - @", formula_descriptions),
        (10, "scopes and the scaffold", "core.generate with read-only keys; a newline in a scaffold answer",
         core_generate_and_scaffold),
    ]


def healthz(row: Row) -> str:
    """The slowest `/healthz` answer and the 95th percentile, or that a probe got none at all."""
    if row.healthz_gave_up:
        return f"none within {row.healthz_max_ms / 1000:g} s"
    return f"{row.healthz_max_ms} ms ({row.healthz_p95_ms} ms)"


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table."""
    lines = [
        "| # | threat | input | answer | time | API RSS before → peak | children's peak | /healthz max (p95) | also |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        lines.append(
            f"| {row.item} | {row.threat} | {row.sent} | {row.answers} | {row.seconds:.2f} s | "
            f"{row.api_mib_before} → {row.api_mib_peak} MiB | {row.children_mib_peak} MiB | "
            f"{healthz(row)} | {row.note} |"
        )
    return "\n".join(lines)


def main() -> None:
    """Start the API, run the chosen cases, print and write the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="", help="Issue items to run, e.g. '1,4,5' (default: all).")
    parser.add_argument("--timeout", type=float, default=30.0, help="CODEXCONTINUE_REQUEST_TIMEOUT_S of the API.")
    parser.add_argument(
        "--client-timeout", type=float, default=120.0,
        help="Seconds to wait for an answer; past them the case is 'none within' and the API is restarted.",
    )  # fmt: skip
    parser.add_argument("--no-write", action="store_true", help="Print only; leave docs/security.md alone.")
    parser.add_argument("--json", type=Path, help="Also write the rows here as JSON.")
    options = parser.parse_args()
    wanted = {int(item) for item in options.only.split(",") if item.strip()}
    load_before = os.getloadavg()
    rows: list[Row] = []
    with (
        tempfile.TemporaryDirectory(prefix="codexcontinue-hostile-") as folder,
        Stack(Path(folder), options.timeout) as stack,
    ):
        httpx.post(f"{stack.url}/api/v1/developer/analysis/code", json={"code": "x = 1\n"},
                   headers=stack.key("developer:read"), timeout=60)  # warm-up: a process that has served before
        with watched(stack, 10) as idle:
            time.sleep(IDLE_S)
        idle_latencies = sorted(idle["latencies"])  # type: ignore[arg-type]
        for item, threat, sent, send in cases(stack, timeout=options.client_timeout):
            if not wanted or item in wanted:
                rows.append(measure(stack, item, threat, sent, send, options.client_timeout))
    load_after = os.getloadavg()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO).stdout
    header = (
        f"{SECTION}\n\nWritten by `hatch run python benchmarks/hostile_inputs.py` on {time.strftime('%Y-%m-%d')} "
        f"(commit {commit.strip()}, CODEXCONTINUE_REQUEST_TIMEOUT_S={options.timeout:g}): "
        f"{platform.machine()} Linux, {os.cpu_count()} cores, Python {platform.python_version()}; load average "
        f"{load_before[0]:.1f} before and {load_after[0]:.1f} after. Other work shares this machine: with nothing "
        f"sent, `/healthz` answered within {idle_latencies[-1] * 1000:.0f} ms "
        f"(95 % within {idle_latencies[int(len(idle_latencies) * 0.95)] * 1000:.0f} ms) over {IDLE_S:g} s.\n\n"
    )
    text = header + table(rows) + "\n"
    print(text)
    if options.json:
        options.json.write_text(json.dumps([asdict(row) for row in rows], indent=2))
    if not options.no_write:
        replace_section(SECTION, text, REPORT)


if __name__ == "__main__":
    main()
