"""Every developer page under Streamlit's AppTest, reached through the shell and talking to a live backend."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from codexcontinue.ui.text import shown

CODE = """\
import os
import subprocess


def deploy(target, dry_run=False):
    if dry_run:
        return "would deploy " + target
    return subprocess.call("deploy.sh " + target, shell=True)


def untouched(value):
    return value
"""


@pytest.fixture
def developer_page(run_page):  # noqa: ANN001 - the testing kit's fixture
    """`developer_page("analysis")` -> the shell, signed in with a developer key, on that page."""

    def open_page(slug: str) -> AppTest:
        app = run_page(slug)
        assert not app.exception
        return app

    return open_page


def click(app: AppTest, key: str) -> AppTest:
    app.button(key=key).click().run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def test_overview_shows_the_pack(developer_page):
    assert developer_page("overview").title[0].value == "Developer 0.1.0"


def test_analysis_of_pasted_code_shows_tables_charts_and_a_review(developer_page, reviewer):
    app = developer_page("analysis")
    app.text_input(key="developer_analysis_filename").input("ops.py")
    app.text_area(key="developer_analysis_code").input(CODE)
    click(app, "developer_analysis_paste")
    assert shown(app.header[0].value) == "ops.py"
    assert [(m.label, m.value) for m in app.metric][:3] == [
        ("Files", "1"),
        ("Functions", "2"),
        ("Source lines", "8"),
    ]
    worst = app.dataframe[0].value
    assert list(worst["name"]) == ["deploy", "untouched"] and list(worst["complexity"]) == [2, 1]
    assert len(app.get("vega_lite_chart")) == 2  # complexity per rank, and of the worst functions
    security = next(frame.value for frame in app.dataframe if "test_id" in frame.value.columns)
    assert list(security["test_id"]) == ["B404", "B602"]
    lint = next(frame.value for frame in app.dataframe if "fixable" in frame.value.columns)
    assert list(lint["code"]) == ["F401"]

    reviewer.script_reply(
        {"explanation": "Deploys a target with a shell script.",
         "comments": [{"line": 8, "severity": "warning", "comment": "Avoid shell=True."}]},
        model="developer-reviewer",
    )  # fmt: skip
    app.selectbox(key="developer_review_function").select("ops.py :: deploy (complexity 2)").run()
    click(app, "developer_review")
    assert any("Deploys a target with a shell script." in shown(m.value) for m in app.markdown)
    comments = app.dataframe[-1].value
    assert list(comments["comment"]) == ["Avoid shell=True."]


def test_analysis_of_an_uploaded_archive(developer_page, make_zip):
    app = developer_page("analysis")
    app.file_uploader(key="developer_analysis_file").set_value(
        ("ops.zip", make_zip({"ops/deploy.py": CODE.encode(), "ops/README.md": b"# Ops\n"}), "application/zip")
    ).run()
    click(app, "developer_analysis_upload")
    assert shown(app.header[0].value) == "ops.zip"
    assert any("Not analysed (not Python sources): ops/README.md" in shown(c.value) for c in app.caption)


def test_analysis_shows_the_backends_refusal(developer_page, make_zip):
    app = developer_page("analysis")
    app.file_uploader(key="developer_analysis_file").set_value(
        ("evil.zip", make_zip({"../../escaped.py": b"x = 1\n"}), "application/zip")
    ).run()
    click(app, "developer_analysis_upload")
    assert shown(app.error[0].value).startswith("'evil.zip' holds '../../escaped.py', a path that points outside")


def test_scaffold_makes_a_downloadable_project_and_lists_wrong_answers(developer_page):
    app = developer_page("scaffold")
    app.selectbox(key="developer_scaffold_template").select("FastAPI service").run()
    app.text_input(key="developer_scaffold_fastapi-service_name").input("Orders API")
    app.text_input(key="developer_scaffold_fastapi-service_port").input("80")
    app.button[0].click().run()  # the form's "Create project"
    assert not app.exception
    error = shown(app.error[0].value)
    assert "name: Use lowercase letters" in error and "port: Give a port number from 1024 to 65535." in error

    app.text_input(key="developer_scaffold_fastapi-service_name").input("orders-api")
    app.text_input(key="developer_scaffold_fastapi-service_port").input("")
    app.button[0].click().run()
    assert shown(app.success[0].value).startswith("Created orders-api (")
    download = app.get("download_button")[0]
    assert download.proto.label == "Download orders-api.zip"
    assert "orders-api/src/orders_api/app.py" in app.code[0].value
    assert app.code[1].value == "cd orders-api && pip install -e '.[test]' && pytest"


def test_docs_page_renders_the_reference_coverage_and_drafts(developer_page, reviewer):
    app = developer_page("docs")
    app.checkbox(key="developer_docs_draft").check()
    app.text_input(key="developer_docs_filename").input("ops.py")
    app.text_area(key="developer_docs_code").input(CODE)
    reviewer.script_reply(
        {"docstring": "Run the deploy script."}, {"docstring": "Return value."}, model="developer-reviewer"
    )
    click(app, "developer_docs_paste")
    assert app.metric[0].value == "0.0%"
    reference = app.code[0].value  # the Markdown source, shown as code: docstrings are the user's text
    assert "### function `deploy(target, dry_run=False)`" in reference
    assert list(app.dataframe[0].value["module"]) == ["ops"]
    diff = app.code[1].value
    assert diff.startswith("--- a/ops.py\n+++ b/ops.py\n")
    assert '+    """Run the deploy script."""' in diff


IMAGE = "![x](http://127.0.0.1:9/tracker.png)"
HOSTILE = f"""\
def deploy(target):
    \"\"\"Deploy.

    {IMAGE} **bold** <img src=x> :red[alarm]
    \"\"\"
    return target
"""


def markdown_of(app: AppTest) -> list[str]:
    """The source of every element Streamlit renders as Markdown."""
    kinds = ("markdown", "caption", "header", "subheader", "title", "error", "warning", "success", "info")
    return [element.value for kind in kinds for element in app.get(kind)]


def unescaped_markdown(app: AppTest) -> list[str]:
    """Markdown sources in which an image, a link or HTML from the user's text would be read as such."""
    return [source for source in markdown_of(app) if re.search(r"(?<!\\)(!\[|\]\(|<img|<b>|:red\[)", source)]


def test_names_and_notes_from_an_archive_are_shown_as_text(developer_page, make_zip):
    app = developer_page("analysis")
    relative_image = "![x](tracker.png)"  # a file name cannot hold the slashes of a full address
    archive = make_zip({"ops/deploy.py": CODE.encode(), f"ops/{relative_image}": b"", "ops/<b>bold<b>.md": b""})
    app.file_uploader(key="developer_analysis_file").set_value((f"{IMAGE}.zip", archive, "application/zip")).run()
    click(app, "developer_analysis_upload")
    assert shown(app.header[0].value) == f"{IMAGE}.zip"
    assert any(f"ops/{relative_image}" in shown(caption.value) for caption in app.caption)
    assert unescaped_markdown(app) == []


def test_docstrings_and_the_models_words_are_shown_as_text(developer_page, reviewer):
    app = developer_page("docs")
    app.text_area(key="developer_docs_code").input(HOSTILE)
    click(app, "developer_docs_paste")
    assert IMAGE in app.code[0].value and unescaped_markdown(app) == []

    app = developer_page("analysis")
    app.text_area(key="developer_analysis_code").input(HOSTILE)
    click(app, "developer_analysis_paste")
    reviewer.script_reply({"explanation": f"It deploys. {IMAGE}", "comments": []}, model="developer-reviewer")
    click(app, "developer_review")
    assert any(f"It deploys. {IMAGE}" == shown(m.value) for m in app.markdown)
    assert unescaped_markdown(app) == []
