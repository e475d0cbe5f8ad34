"""Documentation generation over HTTP: an API reference, docstring coverage, and drafted docstrings as a diff."""

from __future__ import annotations

import ast
import subprocess

DOCS = "/api/v1/developer/docs"

SHAPES = {
    "shapes/__init__.py": '"""Shapes and their areas."""\n\nfrom ._geometry import Circle\n\n__all__ = ["Circle"]\n',
    "shapes/_geometry.py": '''"""Private: where the shapes are defined."""

import math


class Circle:
    """A circle of a given radius."""

    def __init__(self, radius: float) -> None:
        self.radius = radius

    def area(self) -> float:
        return math.pi * self.radius**2

    @property
    def diameter(self) -> float:
        """Twice the radius."""
        return 2 * self.radius
''',
    "shapes/square.py": '''def square_area(side: float) -> float:
    """The area of a square."""
    return side * side


def perimeter(side, /, *, unit="cm"):
    # four equal sides
    return f"{4 * side} {unit}"
''',
    "shapes/broken.py": "def broken(:\n",
    "shapes/tests/__init__.py": "",
    "shapes/tests/test_square.py": "def test_square():\n    assert True\n",
}


def upload_shapes(client, make_zip, **form: str):  # noqa: ANN001, ANN201 - a TestClient; the response
    archive = make_zip({name: text.encode() for name, text in SHAPES.items()})
    return client.post(DOCS, files={"file": ("shapes.zip", archive, "application/zip")}, data=form)


def test_the_reference_documents_the_public_api_read_statically(pack_client, make_zip):
    response = upload_shapes(pack_client, make_zip)
    assert response.status_code == 200, response.text
    markdown = response.json()["markdown"]
    assert markdown.startswith(
        "# API reference: shapes.zip\n\n## `shapes`\n\nSource: `shapes/__init__.py`\n\nShapes and their areas."
    )
    for heading in [
        "### class `Circle(radius: float)`\n\nA circle of a given radius.",
        "#### method `Circle.area() -> float`\n\n*No docstring.*",
        "#### property `Circle.diameter: float`\n\nTwice the radius.",
        "## `shapes.square`",
        "### function `square_area(side: float) -> float`\n\nThe area of a square.",
        "### function `perimeter(side, /, *, unit='cm')`",
        "- `shapes/broken.py`: syntax error at line 1: invalid syntax",
        "- `shapes/tests`: tests are not part of the API",
    ]:
        assert heading in markdown
    assert "_geometry" not in markdown and "math" not in markdown


def test_coverage_counts_each_public_object_once_per_module(pack_client, make_zip):
    report = upload_shapes(pack_client, make_zip).json()
    coverage = report["coverage"]
    assert [(m["module"], m["documented"], m["total"], m["percent"]) for m in coverage["modules"]] == [
        ("shapes", 3, 4, 75.0), ("shapes.square", 1, 3, 33.3),
    ]  # fmt: skip
    assert (coverage["documented"], coverage["total"], coverage["percent"]) == (4, 7, 57.1)
    assert [(u["path"], u["kind"], u["file"], u["lineno"]) for u in coverage["undocumented"]] == [
        ("shapes.Circle.area", "method", "shapes/_geometry.py", 12),
        ("shapes.square", "module", "shapes/square.py", None),
        ("shapes.square.perimeter", "function", "shapes/square.py", 6),
    ]
    assert report["drafts"] is None
    assert {s["path"] for s in report["skipped"]} == {"shapes/broken.py", "shapes/tests"}


def test_drafted_docstrings_come_as_a_diff_that_applies_cleanly(pack_client, make_zip, reviewer, tmp_path):
    reviewer.script_reply(
        {"docstring": "The circle's area."},
        {
            "docstring": '"""The perimeter of a square, with its unit.\n\nArgs:\n    side: the length of a side.\n"""'
        },
        model="developer-reviewer",
    )
    response = upload_shapes(pack_client, make_zip, draft_docstrings="true")
    assert response.status_code == 200, response.text
    drafts = response.json()["drafts"]
    assert [(d["path"], d["file"], d["line"]) for d in drafts["drafted"]] == [
        ("shapes.Circle.area", "shapes/_geometry.py", 13), ("shapes.square.perimeter", "shapes/square.py", 8),
    ]  # fmt: skip
    assert drafts["not_drafted"] == []
    [first, _] = [r.body["messages"][-1]["content"] for r in reviewer.requests if r.path == "/api/chat"]
    assert "`shapes.Circle.area`" in first and "return math.pi * self.radius**2" in first

    for name, text in SHAPES.items():  # the uploaded files, unchanged: the diff was not applied for us
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / "docstrings.diff").write_text(drafts["diff"])
    subprocess.run(["git", "apply", "docstrings.diff"], cwd=tmp_path, check=True, capture_output=True)
    square = ast.parse((tmp_path / "shapes/square.py").read_text())
    perimeter = next(n for n in square.body if isinstance(n, ast.FunctionDef) and n.name == "perimeter")
    assert (
        ast.get_docstring(perimeter)
        == "The perimeter of a square, with its unit.\n\nArgs:\n    side: the length of a side."
    )
    geometry = (tmp_path / "shapes/_geometry.py").read_text()
    assert '    def area(self) -> float:\n        """The circle\'s area."""\n        return' in geometry


def test_drafts_stop_at_the_configured_limit_and_say_so(client_with, make_zip, reviewer):
    client = client_with(MAX_DOCSTRING_DRAFTS="1")
    reviewer.script_reply({"docstring": "The circle's area."}, model="developer-reviewer")
    drafts = upload_shapes(client, make_zip, draft_docstrings="true").json()["drafts"]
    assert [d["path"] for d in drafts["drafted"]] == ["shapes.Circle.area"]
    assert drafts["not_drafted"] == [{
        "path": "shapes.square.perimeter",
        "reason": "over the limit of 1 drafts per request; raise CODEXCONTINUE_DEVELOPER__MAX_DOCSTRING_DRAFTS",
    }]  # fmt: skip


def test_drafts_without_the_model_answer_503_with_how_to_create_it(pack_client, make_zip):
    response = upload_shapes(pack_client, make_zip, draft_docstrings="true")
    assert response.status_code == 503
    assert "developer-reviewer" in response.json()["detail"]


def test_pasted_code_is_documented_as_one_module(pack_client):
    response = pack_client.post(f"{DOCS}/code", json={"filename": "tools.py", "code": SHAPES["shapes/square.py"]})
    assert response.status_code == 200, response.text
    report = response.json()
    assert "## `tools`" in report["markdown"]
    assert report["coverage"]["percent"] == 33.3


def test_an_archive_of_a_packages_inside_says_how_to_archive_it(pack_client, make_zip):
    archive = make_zip({"__init__.py": b'"""Pkg."""\n', "core.py": b"def f():\n    pass\n"})
    report = pack_client.post(DOCS, files={"file": ("pkg.zip", archive, "application/zip")}).json()
    assert report["coverage"]["total"] == 0
    assert "archive the package's folder itself" in report["skipped"][0]["reason"]
