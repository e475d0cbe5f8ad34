"""Project scaffolding over HTTP: templates, every wrong answer at once, and projects that pass their own tests."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from codexcontinue.scaffold import render_pack

TEMPLATES = "/api/v1/developer/templates"


def render(client, template: str, answers: dict[str, str]):  # noqa: ANN001, ANN201 - a TestClient; its response
    return client.post(f"{TEMPLATES}/{template}/project", json={"answers": answers})


def unzip(content: bytes, into: Path) -> Path:
    """Unpack a rendered project; returns its one top-level folder."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        archive.extractall(into)
        [folder] = {name.split("/")[0] for name in archive.namelist()}
    return into / folder


def run_project_tests(project: Path, data_dir: Path, python_path: tuple[Path, ...] = ()) -> str:
    """Run the generated project's own tests with this environment's Python; their output."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("CODEXCONTINUE_", "PYTHONPATH", "VIRTUAL_ENV"))
    }
    env["CODEXCONTINUE_DATA_DIR"] = str(data_dir)
    if python_path:
        env["PYTHONPATH"] = os.pathsep.join(str(path) for path in python_path)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    return done.stdout


def dist_info_for(project: Path, name: str, site: Path) -> Path:
    """A .dist-info for the generated pack in `site`, as pip would leave it, so discovery finds the pack."""
    module = f"codexcontinue_{name.replace('-', '_')}"
    dist_info = site / f"{module}-0.1.0.dist-info"
    (dist_info / "extra_metadata").mkdir(parents=True)
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: codexcontinue-{name}\nVersion: 0.1.0\n")
    (dist_info / "entry_points.txt").write_text(f"[codexcontinue]\n{name} = {module}.plugin\n")
    (dist_info / "extra_metadata" / "codexcontinue-pack.toml").write_bytes(
        (project / "codexcontinue-pack.toml").read_bytes()
    )
    return site


def test_the_templates_and_their_questions_are_listed(pack_client):
    templates = {template["name"]: template for template in pack_client.get(TEMPLATES).json()}
    assert list(templates) == ["pack", "fastapi-service", "python-library"]
    questions = {q["name"]: q for q in templates["fastapi-service"]["questions"]}
    assert list(questions) == ["name", "description", "author", "python_version", "port"]
    assert questions["name"]["default"] is None  # required
    assert questions["python_version"]["choices"] == ["3.11", "3.12", "3.13"]
    assert templates["pack"]["questions"][0]["name"] == "name"
    assert pack_client.get(f"{TEMPLATES}/python-library").json()["title"] == "Python library"


def test_every_wrong_answer_is_listed_at_once(pack_client):
    response = render(pack_client, "fastapi-service", {
        "name": "Orders API", "port": "80", "python_version": "2.7", "colour": "blue",
    })  # fmt: skip
    assert response.status_code == 422
    problems = {p["answer"]: p["problem"] for p in response.json()["problems"]}
    assert problems == {
        "colour": "not a question of this template; its questions: name, description, author, python_version, port",
        "name": "Use lowercase letters, digits and single dashes, starting with a letter (e.g. 'orders-api').",
        "python_version": "'2.7' is not in ['3.11', '3.12', '3.13']",
        "port": "Give a port number from 1024 to 65535.",
    }
    detail = response.json()["detail"]
    assert detail.startswith("Template 'fastapi-service' cannot be rendered with these answers. Fix colour:")
    assert all(answer in detail for answer in problems)


def test_a_missing_required_answer_and_the_cores_reserved_names_are_refused(pack_client):
    missing = render(pack_client, "python-library", {"license": "GPL"}).json()["problems"]
    assert {(p["answer"], p["problem"]) for p in missing} == {
        ("license", "'GPL' is not in ['MIT', 'Apache-2.0', 'BSD-3-Clause']"),
        ("name", "required; give an answer"),
    }
    reserved = render(pack_client, "pack", {"name": "jobs"}).json()["problems"]
    assert reserved == [{"answer": "name", "problem": "'jobs' is reserved for the core; choose another name."}]


@pytest.mark.parametrize("template", ["pack", "fastapi-service", "python-library"])
def test_an_answer_with_a_newline_is_refused_with_the_others(pack_client, template):
    answers = {"name": "x\ny", "description": "Two\nlines", "author": "tab\there"}
    if template != "pack":
        answers["python_version"] = "2.7"  # a wrong answer copier finds, reported with the others
    response = render(pack_client, template, answers)
    assert response.status_code == 422
    problems = {p["answer"]: p["problem"] for p in response.json()["problems"]}
    assert problems["name"] == (
        "it holds a control character (U+000A) at character 2; write it on one line, without tabs or other "
        "control characters"
    )
    assert problems["description"].startswith("it holds a control character (U+000A) at character 4")
    assert problems["author"].startswith("it holds a control character (U+0009) at character 4")
    assert ("python_version" in problems) == (template != "pack")


def test_an_unknown_template_is_a_404_naming_the_templates(pack_client):
    response = render(pack_client, "django", {"name": "x"})
    assert response.status_code == 404
    assert (
        response.json()["detail"]
        == "There is no template 'django'; choose one of: pack, fastapi-service, python-library."
    )


def test_the_pack_template_is_the_cores_own(pack_client, tmp_path):
    response = render(pack_client, "pack", {"name": "recipes", "description": "Recipes and meal plans."})
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == 'attachment; filename="codexcontinue-recipes.zip"'
    ours = unzip(response.content, tmp_path / "ours")
    cores = render_pack("recipes", tmp_path / "core", description="Recipes and meal plans.")
    files = sorted(p.relative_to(ours).as_posix() for p in ours.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(cores).as_posix() for p in cores.rglob("*") if p.is_file())
    assert all((ours / file).read_bytes() == (cores / file).read_bytes() for file in files)


def test_a_generated_fastapi_service_passes_its_own_tests(pack_client, tmp_path):
    response = render(pack_client, "fastapi-service", {"name": "orders-api", "port": "8123"})
    assert response.status_code == 200, response.text
    project = unzip(response.content, tmp_path)
    assert project.name == "orders-api"
    assert "port: int = Field(default=8123" in (project / "src/orders_api/settings.py").read_text()
    assert "4 passed" in run_project_tests(project, tmp_path / "data")


def test_a_generated_python_library_passes_its_own_tests(pack_client, tmp_path):
    response = render(pack_client, "python-library", {"name": "text-tools", "license": "Apache-2.0"})
    assert response.status_code == 200, response.text
    project = unzip(response.content, tmp_path)
    assert 'license = "Apache-2.0"' in (project / "pyproject.toml").read_text()
    assert "3 passed" in run_project_tests(project, tmp_path / "data")


@pytest.mark.slow
def test_a_generated_pack_passes_its_own_tests(pack_client, tmp_path):
    response = render(pack_client, "pack", {"name": "recipe-box", "title": "Recipe box"})
    assert response.status_code == 200, response.text
    project = unzip(response.content, tmp_path)
    site = dist_info_for(project, "recipe-box", tmp_path / "site")
    output = run_project_tests(project, tmp_path / "data", (project / "src", site))
    assert "10 passed" in output  # 7 conformance checks and the template's 3 tests
