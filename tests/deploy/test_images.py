"""Dockerfiles pass hadolint; the build script builds what it says with the right overlay."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from compose_files import REPO

DOCKERFILES = sorted(REPO.glob("docker/*/Dockerfile"))
HADOLINT = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
SCRIPT = REPO / "scripts" / "docker-build.sh"


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.parent.name)
def test_hadolint_passes(dockerfile):
    result = subprocess.run([HADOLINT, str(dockerfile)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.parent.name)
def test_each_image_has_the_three_stages_a_non_root_user_and_a_healthcheck(dockerfile):
    text = dockerfile.read_text()
    assert {"base", "development", "production"} <= set(re.findall(r"^FROM \S+ AS (\S+)", text, re.MULTILINE))
    assert re.search(r"^USER [1-9]\d*:", text, re.MULTILINE)
    assert "HEALTHCHECK" in text
    for ignored in re.findall(r"hadolint ignore=(\S+)", text):
        pytest.fail(f"{dockerfile} ignores {ignored}; say why in a comment or fix it")


def test_production_stages_carry_no_build_tools():
    for dockerfile in DOCKERFILES:
        production = dockerfile.read_text().split(" AS production", 1)[1]
        assert not re.search(r"build-essential|gcc|apt-get install", production), dockerfile


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPT), *args], capture_output=True, text=True, env={**os.environ, "DOCKER": "echo docker"}
    )


def test_build_script_help():
    result = run_script("--help")
    assert result.returncode == 0 and "dev|prod build[:SERVICE]" in result.stdout


@pytest.mark.parametrize(
    "args, expected",
    [
        (["dev", "build"], "docker compose -f docker-compose.yml -f docker-compose.dev.yml --profile all build"),
        (["prod", "build:backend", "--no-cache"],
         "docker compose -f docker-compose.yml -f docker-compose.prod.yml --profile all build --no-cache backend"),
    ],
)  # fmt: skip
def test_build_script_runs_compose_with_the_overlay(args, expected):
    result = run_script(*args)
    assert result.returncode == 0 and result.stdout.strip() == expected


@pytest.mark.parametrize("args", [["staging", "build"], ["dev", "push"], []])
def test_build_script_refuses_unknown_words(args):
    result = run_script(*args)
    assert result.returncode == 2
