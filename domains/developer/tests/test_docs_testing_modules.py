"""A package's `testing` module is public API (click.testing's CliRunner): the reference documents it."""

from __future__ import annotations

FILES = {
    "clicklike/__init__.py": '"""A command-line toolkit."""\n',
    "clicklike/testing.py": 'class CliRunner:\n    """Invoke a command in isolation and capture its output."""\n',
    "clicklike/tests/__init__.py": "",
    "clicklike/tests/test_runner.py": "def test_runner():\n    assert True\n",
}


def test_a_testing_module_is_documented_and_a_tests_folder_left_out(pack_client, make_zip):
    archive = make_zip({name: text.encode() for name, text in FILES.items()})
    report = pack_client.post("/api/v1/developer/docs", files={"file": ("clicklike.zip", archive, "application/zip")})
    assert report.status_code == 200, report.text
    markdown = report.json()["markdown"]
    assert "## `clicklike.testing`" in markdown and "class `CliRunner`" in markdown
    assert {s["path"] for s in report.json()["skipped"]} == {"clicklike/tests"}
