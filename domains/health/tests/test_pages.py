"""Every health page under AppTest, through the shell, against a live backend."""

import html
import importlib
import json
from pathlib import Path

import codexcontinue.ui
from streamlit.testing.v1 import AppTest

SHELL = str(Path(codexcontinue.ui.__file__).parent / "shell.py")
PAGES = Path(importlib.import_module("codexcontinue_health").__file__).parent / "pages"
NOTE = "CC: cough\nHPI: Maria Lopez reports cough since 3/4/2021. No chest pain.\nAssessment: acute bronchitis\nPlan: fluids"


def page(token: str, name: str) -> AppTest:
    app = AppTest.from_file(SHELL, default_timeout=60).run()
    app.sidebar.text_input[0].input(token)
    app.sidebar.button[0].click().run()
    app.switch_page(str(PAGES / name)).run()
    assert not app.exception
    return app


def test_deidentify_page_highlights_spans_by_category(ui_env, admin_token):
    app = page(admin_token, "deidentify.py")
    app.selectbox[0].select("pseudonym")
    app.text_area[0].input("Seen by Dr. Smith on 3/4/2021, call 217-555-0198.")
    app.main.button[0].click().run()
    assert not app.exception
    assert "Smith" not in app.code[0].value and "[DATE-1]" in app.code[0].value
    marked = next(m.value for m in app.markdown if "<mark" in m.value)
    assert 'title="NAME">Smith</mark>' in marked and 'title="PHONE">217&#45;555&#45;0198</mark>' in html.unescape(marked).replace("-", "&#45;")
    assert list(app.dataframe[0].value["category"]) == ["NAME", "DATE", "PHONE"]


def test_user_text_is_shown_as_text_never_as_markdown(ui_env, admin_token):
    app = page(admin_token, "deidentify.py")
    app.text_area[0].input("Seen by Dr. Smith.\n\n![x](http://tracker.example/p.png) **bold** <img src=x>")
    app.main.button[0].click().run()
    assert not app.exception
    marked = next(m.value for m in app.markdown if "<mark" in m.value)
    assert "![" not in marked and "](" not in marked and "**" not in marked and "<img" not in marked
    assert "\n" not in marked  # a blank line would end the HTML block and let Markdown in
    assert "![x](http://tracker.example/p.png)" in html.unescape(marked).replace("<br>", "\n")


def test_deidentify_page_runs_a_corpus_job_with_a_progress_bar(ui_env, admin_token):
    app = page(admin_token, "deidentify.py")
    lines = "\n".join(json.dumps({"id": f"n{i}", "text": f"Dr. Smith saw the patient on 3/{i + 1}."}) for i in range(3))
    app.text_area(key="corpus-text").input(lines)
    next(b for b in app.main.button if b.label == "De-identify the corpus").click().run()
    assert not app.exception and not app.error
    bars = app.get("progress")
    assert bars and "Done: 3 notes" in bars[-1].proto.text
    download = app.get("download_button")
    assert download and "de-identified corpus" in download[-1].proto.label


def test_soap_page_leaves_the_llm_unticked_and_says_why_when_it_is_unavailable(ui_env, admin_token):
    app = page(admin_token, "soap.py")
    assert app.checkbox[0].value is False
    assert any("LLM is not available" in w.value for w in app.warning)
    app.text_area[0].input("pt alert and oriented. bp 120/60. will wean vent in am.")
    app.main.button[0].click().run()
    assert not app.exception
    assert any("rules placed" in i.value for i in app.info)


def test_soap_page_shows_sections_findings_and_fhir(ui_env, admin_token):
    app = page(admin_token, "soap.py")
    app.text_area[0].input(NOTE)
    app.main.button[0].click().run()
    assert not app.exception
    assert [h.value for h in app.subheader][:4] == ["Subjective", "Objective", "Assessment", "Plan"]
    findings = next(d.value for d in app.dataframe if "negated" in d.value.columns)
    assert dict(zip(findings["text"], findings["negated"]))["No chest pain."]
    app.main.button[1].click().run()
    assert not app.exception
    assert any("FHIR Bundle" in h.value for h in app.subheader)


def test_icd10_page_searches_and_looks_up(ui_env, admin_token):
    app = page(admin_token, "icd10.py")
    app.text_input[0].input("type 2 diabetes").run()
    assert not app.exception and app.dataframe[0].value["code"][0] == "E11"
    app.text_input[1].input("E11.9").run()
    assert not app.exception
    assert app.subheader[0].value == "E11.9: Type 2 diabetes mellitus without complications"


def test_overview_page_still_works(ui_env, admin_token):
    app = page(admin_token, "overview.py")
    assert app.title[0].value == "Health 0.1.0"
