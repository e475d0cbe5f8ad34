"""Function explanation and review by the 'developer-reviewer' model, with the analysis given to it as context."""

from __future__ import annotations

import pytest

from codexcontinue.packs.registry import PackRegistry

REVIEW = "/api/v1/developer/review"

CODE = """\
import os
import subprocess


def deploy(target, dry_run=False):
    if dry_run:
        return "would deploy " + target
    if not target:
        raise ValueError("no target")
    return subprocess.call("deploy.sh " + target, shell=True)
"""

REPLY = {
    "explanation": "Runs the deploy script for a target through the shell.",
    "comments": [
        {
            "line": 10,
            "severity": "warning",
            "comment": "Pass a list and drop shell=True: target reaches the shell.",
        },
        {"line": None, "severity": "note", "comment": "Small and readable."},
    ],
}


def chat_prompts(server) -> list[str]:  # noqa: ANN001 - the Ollama-protocol test server
    return [r.body["messages"][-1]["content"] for r in server.requests if r.path == "/api/chat"]


def test_a_pasted_functions_review_is_grounded_in_its_analysis(pack_client, reviewer):
    reviewer.script_reply(REPLY, model="developer-reviewer")
    response = pack_client.post(f"{REVIEW}/code", json={"filename": "ops.py", "code": CODE, "function": "deploy"})
    assert response.status_code == 200, response.text
    review = response.json()
    assert (review["path"], review["function"], review["lineno"], review["endline"]) == ("ops.py", "deploy", 5, 10)
    assert (review["complexity"], review["rank"], review["model"]) == (3, "A", "developer-reviewer")
    assert review["explanation"] == REPLY["explanation"]
    assert review["comments"] == REPLY["comments"]
    assert [f["test_id"] for f in review["security"]] == ["B602"]
    assert review["lint"] == []  # the unused import is outside the function
    [prompt] = chat_prompts(reviewer)
    assert "cyclomatic complexity 3 (radon rank A" in prompt
    assert "line 10: bandit B602 (subprocess_popen_with_shell_equals_true), severity HIGH" in prompt
    assert '   10 |     return subprocess.call("deploy.sh " + target, shell=True)' in prompt
    assert "import os" not in prompt  # only the function's own lines


def test_a_function_of_an_uploaded_package_is_reviewed(pack_client, reviewer, real_package_zip):
    content, _ = real_package_zip
    reviewer.script_reply({"explanation": "Formats the version.", "comments": []}, model="developer-reviewer")
    response = pack_client.post(
        REVIEW,
        files={"file": ("dunamai.zip", content, "application/zip")},
        data={"path": "dunamai/__init__.py", "function": "Version.serialize"},
    )
    assert response.status_code == 200, response.text
    review = response.json()
    assert (review["kind"], review["rank"]) == ("method", "F")
    [prompt] = chat_prompts(reviewer)
    assert f"cyclomatic complexity {review['complexity']} (radon rank F" in prompt
    assert "suggest how to lower the complexity" in prompt


@pytest.mark.parametrize(
    "body, message",
    [
        (
            {"function": "undeploy"},
            "'ops.py' has no function, method or class named 'undeploy'; its names: deploy.",
        ),
        ({"function": ""}, "Function must not be empty."),
    ],
)
def test_a_function_that_is_not_there_is_a_422_listing_the_names(pack_client, reviewer, body, message):
    response = pack_client.post(f"{REVIEW}/code", json={"filename": "ops.py", "code": CODE, **body})
    assert response.status_code == 422
    assert message in response.json()["detail"]


def test_a_path_that_is_not_in_the_upload_is_a_422(pack_client, reviewer, make_zip):
    archive = make_zip({"app/ops.py": CODE.encode()})
    response = pack_client.post(
        REVIEW,
        files={"file": ("app.zip", archive, "application/zip")},
        data={"path": "ops.py", "function": "deploy"},
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "'ops.py' is not a Python file of 'app.zip'; its Python files: app/ops.py."


def test_without_the_model_the_review_answers_503(pack_client):
    response = pack_client.post(f"{REVIEW}/code", json={"code": CODE, "function": "deploy"})
    assert response.status_code == 503
    assert "codexcontinue models ensure" in response.json()["detail"]


def test_the_reviewer_is_registered_on_the_configured_base(codexcontinue_settings, monkeypatch):
    monkeypatch.setenv("CODEXCONTINUE_DEVELOPER__REVIEWER_BASE_MODEL", "qwen2.5-coder:7b")
    registry = PackRegistry(codexcontinue_settings).load()
    [model] = registry.packs["developer"].models
    assert (model.name, model.base, model.options["temperature"]) == (
        "developer-reviewer",
        "qwen2.5-coder:7b",
        0.2,
    )
