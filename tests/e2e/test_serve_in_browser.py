"""End to end: `codexcontinue serve` as a person runs it, driven in headless Chromium.

It starts the real command, reads the admin key from its box, signs in through the UI (the form is
in view without scrolling), reloads and is still signed in, then visits every page of every pack and
does each page's main action with realistic input. On every page it checks that no error box shows,
that no raw status code or pydantic text reaches the screen, and that the LLM's state is visible.
Every request the browser makes (the UI's and the API docs') goes to the local API or UI only. It
runs with Ollama absent and with the Ollama test server in its place, and saves a screenshot per
page under test-output/e2e/<run>/ (or $CODEXCONTINUE_TEST_OUTPUT/e2e/<run>/).

The page steps are data (`PAGE_STEPS`): when a pack page changes its labels, adjust its entry.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import pytest
from serve_process import ServeProcess, wait_for_http

from codexcontinue.packs.registry import PackRegistry
from codexcontinue.settings import load_core_settings
from codexcontinue.testing.ollama_server import OllamaTestServer
from codexcontinue.testing.plugin import free_port

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
OUTPUT = Path(os.environ.get("CODEXCONTINUE_TEST_OUTPUT", Path(__file__).resolve().parents[2] / "test-output"))
VIEWPORT = {"width": 1400, "height": 900}
# What must never reach a person: a status code put in front of a message, pydantic's words and locations.
RAW_ERROR_TEXT = re.compile(r"\b[45]\d\d: |Input should|Field required|Invalid request|\b\d+\.[a-z_]+: |Traceback")

NOTE = (
    "CC: cough and fever for three days.\n"
    "HPI: Maria Lopez, 67, seen by Dr. Alan Smith on 03/04/2021 at Springfield General. "
    "Reports productive cough. Denies chest pain. Phone 217-555-0198.\n"
    "Exam: T 38.4, crackles at the right base.\n"
    "Assessment: community-acquired pneumonia.\n"
    "Plan: amoxicillin 1 g three times a day for 5 days; follow up in one week."
)
CONTRACT = (
    "SERVICES AGREEMENT\n\n"
    "This Services Agreement is entered into as of January 5, 2024 by Acme Corp. (\"Client\") and "
    "Widget Labs, Inc. (\"Provider\").\n\n"
    "1. Term. This Agreement begins on the Effective Date and continues for two (2) years, and renews "
    "automatically for successive one-year terms unless either party gives notice of non-renewal at least "
    "ninety (90) days before the end of the then-current term.\n\n"
    "2. Governing Law. This Agreement is governed by the laws of the State of New York.\n\n"
    "3. Limitation of Liability. Neither party's liability shall exceed the fees paid in the twelve months "
    "before the claim.\n\n"
    "4. Termination. Either party may terminate this Agreement for convenience on thirty (30) days' written notice."
)
CITATIONS = (
    "The Court relied on Brown v. Board of Education, 347 U.S. 483, 495 (1954), and later on "
    "Miranda v. Arizona, 384 U.S. 436 (1966). Id. at 444. See also 42 U.S.C. § 1983."
)
CODE = '''"""Shapes."""

import math


def circle_area(radius):
    if radius < 0:
        raise ValueError("negative radius")
    return math.pi * radius ** 2


class Square:
    """A square."""

    def __init__(self, side: float) -> None:
        self.side = side

    def area(self) -> float:
        return self.side * self.side
'''
BANK_CSV = (
    "Date,Description,Amount\n"
    "2024-03-01,SALARY ACME CORP,2500.00\n"
    "2024-03-02,TESCO STORES 2041,-54.20\n"
    "2024-03-04,SHELL FUEL 112,-61.00\n"
    "2024-03-09,NETFLIX.COM,-15.99\n"
    "2024-03-15,RENT MARCH,-950.00\n"
)
TRADES_CSV = (
    "Date,Action,Symbol,Quantity,Price,Fees,Amount\n"
    "2023-01-03,Deposit,,,,,10000\n"
    "2023-01-04,Buy,VTI,20,190.00,1.00,\n"
    "2023-02-01,Buy,BND,30,73.50,1.00,\n"
    "2023-09-15,Sell,VTI,5,215.00,1.00,\n"
)
PRICES_CSV = "Date,VTI,BND\n2023-06-30,215.10,72.40\n2023-12-29,237.20,73.60\n"
STATEMENT_CSV = (
    "line item,amount\nRevenue,383285\nCost of sales,214137\nOperating expenses,54847\n"
    "Operating income,114301\nNet income,96995\nTotal current assets,143566\nTotal current liabilities,145308\n"
    "Inventory,6331\nCash and cash equivalents,29965\nTotal assets,352583\nTotal liabilities,290437\n"
    "Total shareholders' equity,62146\n"
)


@dataclass
class Step:
    """One thing a person does on a page: fill a field, upload a file, pick a tab, press a button."""

    kind: str  # "fill", "upload", "tab", "click", "expand"
    target: str  # the field's label, the button's or tab's name, or the uploader's label
    value: str = ""
    file: tuple[str, str] | None = None  # (file name, content) for "upload"


@dataclass
class PageCheck:
    """A page's main action and what shows that it worked."""

    steps: list[Step] = field(default_factory=list)
    expect: str = ""  # text visible once the page (and its action) is done, or "testid:<Streamlit test id>"
    red_content: str = ""  # a pattern of results the page shows in red boxes on purpose (high risks)


PAGE_STEPS: dict[str, PageCheck] = {
    "home": PageCheck(expect="Packs"),
    "developer-overview": PageCheck(expect="Developer 0.1.0"),
    "developer-analysis": PageCheck(
        [Step("tab", "Paste code"), Step("fill", "Python code", CODE), Step("click", "Analyse code")],
        expect="Worst offenders",
    ),
    "developer-docs": PageCheck(
        [Step("tab", "Paste code"), Step("fill", "Python code", CODE), Step("click", "Document code")],
        expect="Docstring coverage",
    ),
    "developer-scaffold": PageCheck(
        [Step("fill", "name", "shape-tools"), Step("click", "Create project")], expect="Created codexcontinue-shape-tools"
    ),
    "finance-overview": PageCheck(expect="Finance 0.1.0"),
    "finance-transactions": PageCheck(
        [Step("upload", "Bank export", file=("march.csv", BANK_CSV)), Step("click", "Import")],
        expect="Imported 5 of 5 transactions",
    ),
    "finance-portfolio": PageCheck(
        [Step("expand", "Upload a trade history, a broker's statement, or prices"),
         Step("upload", "Trade history CSV", file=("trades.csv", TRADES_CSV)),
         Step("upload", "Prices CSV", file=("prices.csv", PRICES_CSV)), Step("click", "Upload")],
        expect="Positions",
    ),  # fmt: skip
    "finance-statements": PageCheck(
        [Step("expand", "Upload a statement"), Step("fill", "Name", "ACME FY2023"),
         Step("upload", "Statement CSV", file=("acme.csv", STATEMENT_CSV)), Step("click", "Upload")],
        expect="Profitability",
    ),  # fmt: skip
    "finance-market": PageCheck(expect="Prices and moving averages"),
    "health-overview": PageCheck(expect="Health 0.1.0"),
    "health-deidentify": PageCheck([Step("fill", "Note", NOTE), Step("click", "De-identify")], expect="PHI found"),
    "health-icd10": PageCheck([Step("fill", "Diagnosis or code", "type 2 diabetes")], expect="testid:stDataFrame"),
    "health-soap": PageCheck([Step("fill", "Note", NOTE), Step("click", "Structure")], expect="Assessment"),
    "legal-overview": PageCheck(expect="Legal 0.1.0"),
    "legal-citations": PageCheck(
        [Step("fill", "Legal text", CITATIONS), Step("click", "Find citations")], expect="Annotated text"
    ),
    "legal-contracts": PageCheck(
        [Step("tab", "Paste text"), Step("fill", "Contract text", CONTRACT), Step("click", "Review text")],
        expect="Categories found",
        red_content=r"^HIGH: ",
    ),
    "legal-matters": PageCheck(
        [Step("fill", "Title", "Acme v. Widget Labs"), Step("fill", "Client", "Acme Corp."),
         Step("fill", "Opposing parties (one per line)", "Widget Labs, Inc."),
         Step("fill", "Court", "S.D.N.Y."), Step("click", "Create matter")],
        expect="Deadlines",
    ),  # fmt: skip
}


def every_page_url() -> list[str]:
    """The URL path of every page the shell shows: the core's and each enabled pack's."""
    registry = PackRegistry(load_core_settings()).load()
    return [loaded.page_url(page) for loaded in registry.loaded() for page in loaded.pages]


def pack_models() -> list[str]:
    registry = PackRegistry(load_core_settings()).load()
    return sorted({name for loaded in registry.loaded() for spec in loaded.models for name in (spec.name, spec.base)})


def do(page, step: Step) -> None:  # noqa: ANN001 - a Playwright page
    """Carry out one step the way a person would."""
    main = page.get_by_test_id("stMain")
    if step.kind == "tab":
        main.get_by_role("tab", name=step.target).click()
    elif step.kind == "expand":
        main.get_by_text(step.target, exact=True).click()
    elif step.kind == "fill":
        field = main.get_by_label(step.target, exact=True)
        field.fill(step.value)
        if not field.evaluate("e => Boolean(e.closest('[data-testid=stForm]'))"):  # in a form, Enter submits it
            field.press("Control+Enter" if field.evaluate("e => e.tagName") == "TEXTAREA" else "Enter")
        page.wait_for_timeout(300)
    elif step.kind == "upload":
        uploader = main.get_by_test_id("stFileUploader").filter(has_text=step.target)
        name, content = step.file
        uploader.locator("input[type=file]").set_input_files(
            files=[{"name": name, "mimeType": "text/csv", "buffer": content.encode()}]
        )
        uploader.get_by_text(name).wait_for(timeout=30_000)
    elif step.kind == "click":
        main.get_by_role("button", name=step.target, exact=True).click()
    else:
        raise ValueError(f"unknown step kind {step.kind!r}")


def assert_page_is_clean(page, where: str, red_content: str = "") -> None:  # noqa: ANN001 - a Playwright page
    """No error box, no exception, no raw status code or pydantic text, and the LLM's state in view."""
    boxes = page.get_by_test_id("stAlertContentError").all_inner_texts()
    errors = [box for box in boxes if not (red_content and re.search(red_content, box))]
    assert errors == [], f"{where}: error box: {errors}"
    assert page.get_by_test_id("stException").count() == 0, f"{where}: an exception is shown"
    text = page.get_by_test_id("stApp").inner_text()
    raw = RAW_ERROR_TEXT.search(text)
    assert raw is None, f"{where}: raw error text {raw.group(0)!r} in:\n{text}"
    assert page.get_by_test_id("stSidebar").get_by_text(re.compile(r"LLM (ready|not available)")).is_visible(), where


def wait_until_idle(page) -> None:  # noqa: ANN001 - a Playwright page
    """Until Streamlit has finished running the page's script."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.includes('Running')",
        timeout=120_000,
    )


@pytest.fixture(params=["ollama-absent", "ollama-test-server"])
def serve(request, tmp_path):
    if request.param == "ollama-absent":
        process = ServeProcess(tmp_path)
        yield request.param, process
        process.stop()
        return
    with OllamaTestServer(models=pack_models()) as ollama:
        process = ServeProcess(tmp_path, ollama_url=ollama.url)
        yield request.param, process
        process.stop()


def test_a_person_signs_in_reloads_and_uses_every_page_without_an_error(serve):
    from playwright.sync_api import expect, sync_playwright

    run, serve = serve
    key = serve.admin_key()
    ready = wait_for_http(f"{serve.api}/readyz").json()
    assert ready["checks"]["llm"]["ok"] is (run == "ollama-test-server")
    shots = OUTPUT / "e2e" / run
    shots.mkdir(parents=True, exist_ok=True)
    local = {urlsplit(serve.api).netloc, urlsplit(serve.ui).netloc}
    requested: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(viewport=VIEWPORT)
        context.on("request", lambda r: requested.append(r.url))
        page = context.new_page()
        page.goto(serve.ui)
        key_field = page.get_by_label("API key")
        expect(key_field).to_be_visible(timeout=60_000)
        box = key_field.bounding_box()
        assert box["y"] + box["height"] <= VIEWPORT["height"], "the sign-in form is below the fold"
        page.screenshot(path=shots / "0-signed-out.png")

        key_field.fill(key)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_text("Signed in with key")).to_be_visible(timeout=60_000)
        page.wait_for_function("() => true")
        for _ in range(100):  # the hidden image trades its ticket for the session cookie
            if any(c["name"] == "codexcontinue_session" for c in context.cookies()):
                break
            page.wait_for_timeout(100)
        cookie = next(c for c in context.cookies() if c["name"] == "codexcontinue_session")
        assert cookie["httpOnly"] and key not in cookie["value"]
        page.reload()
        expect(page.get_by_text("Signed in with key")).to_be_visible(timeout=60_000)
        assert key not in page.url

        navigation = page.get_by_test_id("stSidebarNav")
        for number, url_path in enumerate(every_page_url(), start=1):
            check = PAGE_STEPS.get(url_path)
            assert check is not None, f"no steps for the page '{url_path}': add it to PAGE_STEPS"
            link = navigation.locator(f'a[href$="/{url_path}"]')
            if not link.count():  # the default page's link is the UI's root
                link = navigation.locator(f'a[href="{serve.ui}/"], a[href="/"]').first
            heading = page.get_by_test_id("stMain").locator("h1").first.inner_text()
            link.click()
            page.wait_for_function(  # the new page is there, not the last one's widgets
                "old => { const h = document.querySelector('[data-testid=stMain] h1'); return h && h.innerText !== old; }",
                arg=heading, timeout=60_000,
            ) if url_path != "home" else None
            shot = shots / f"{number:02d}-{url_path}.png"
            try:
                wait_until_idle(page)
                for step in check.steps:
                    do(page, step)
                    wait_until_idle(page)
                main = page.get_by_test_id("stMain")
                done = check.expect.removeprefix("testid:")
                shown = main.get_by_test_id(done) if done != check.expect else main.get_by_text(done)
                expect(shown.first).to_be_visible(timeout=120_000)
                wait_until_idle(page)
            finally:
                page.screenshot(path=shot, full_page=True)
            assert_page_is_clean(page, url_path, check.red_content)

        for docs in ("docs", "redoc"):
            page.goto(f"{serve.api}/{docs}")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=shots / f"api-{docs}.png")
        expect(page.locator(".swagger-ui, redoc, [class*=redoc]").first).to_be_attached()

        page.goto(serve.ui)
        expect(page.get_by_text("Signed in with key")).to_be_visible(timeout=60_000)
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_label("API key")).to_be_visible(timeout=30_000)
        page.wait_for_timeout(1000)
        page.reload()
        expect(page.get_by_label("API key")).to_be_visible(timeout=60_000)  # signing out cleared it
        browser.close()

    # data: and blob: addresses are made inside the page; everything else must be the API or the UI.
    elsewhere = sorted({url for url in requested if urlsplit(url).scheme not in ("data", "blob")
                        and urlsplit(url).netloc not in local})  # fmt: skip
    assert elsewhere == [], f"the browser fetched from other hosts: {elsewhere}"


def test_stopping_serve_stops_its_ui(tmp_path):
    serve = ServeProcess(tmp_path)
    try:
        serve.wait_for_line("╰")
        children = psutil.Process(serve.process.pid).children(recursive=True)
        assert any("streamlit" in " ".join(child.cmdline()) for child in children), children

        serve.process.terminate()

        assert serve.process.wait(timeout=30) == 0
        _, alive = psutil.wait_procs(children, timeout=15)
        assert alive == [], f"still running after serve stopped: {[child.cmdline() for child in alive]}"
    finally:
        serve.stop()


def test_the_ui_command_becomes_streamlit_so_a_stop_signal_leaves_nothing_behind(tmp_path):
    port = free_port()
    ui = subprocess.Popen(
        [sys.executable, "-m", "codexcontinue.cli", "ui", "--port", str(port)],
        env={**os.environ, "CODEXCONTINUE_DATA_DIR": str(tmp_path / "data")}, cwd=tmp_path,
    )  # fmt: skip
    try:
        assert wait_for_http(f"http://127.0.0.1:{port}/_stcore/health").text == "ok"
        assert "streamlit" in psutil.Process(ui.pid).cmdline()
        assert psutil.Process(ui.pid).children(recursive=True) == []
        ui.terminate()
        # uvicorn (Streamlit's server) shuts down cleanly, then ends by the signal it caught, as servers do
        assert ui.wait(timeout=30) in (0, -signal.SIGTERM)
    finally:
        ui.kill()
