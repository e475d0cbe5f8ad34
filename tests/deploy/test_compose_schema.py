"""The compose files, alone and merged with each overlay, validate against the official schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from compose_files import load

# The Compose Specification's schema, vendored with its licence and source (data/README.md).
SCHEMA = json.loads((Path(__file__).parent / "data" / "compose-spec.json").read_text())
COMBINATIONS = [
    ["docker-compose.yml"],
    ["docker-compose.yml", "docker-compose.dev.yml"],
    ["docker-compose.yml", "docker-compose.prod.yml"],
    ["docker-compose.yml", "docker-compose.cpu.yml"],
    ["docker-compose.yml", "docker-compose.prod.yml", "docker-compose.cpu.yml"],
]


@pytest.mark.parametrize("files", COMBINATIONS, ids=["+".join(Path(f).stem for f in c) for c in COMBINATIONS])
def test_files_validate_against_the_compose_specification(files):
    jsonschema.Draft7Validator(SCHEMA).validate(load(*files))


def test_the_validator_does_reject_a_broken_file():
    model = load("docker-compose.yml")
    model["services"]["backend"]["healtcheck"] = model["services"]["backend"].pop("healthcheck")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(SCHEMA).validate(model)


def test_the_cpu_overlay_removes_the_gpu_reservation_lengthens_the_read_timeout_and_nothing_else():
    base, cpu = load("docker-compose.yml"), load("docker-compose.yml", "docker-compose.cpu.yml")
    assert "devices" not in cpu["services"]["ollama"]["deploy"]["resources"]["reservations"]
    del base["services"]["ollama"]["deploy"], cpu["services"]["ollama"]["deploy"]
    for caller in ("ml", "backend"):  # the services that call Ollama wait longer for a first token
        assert cpu["services"][caller]["environment"].pop("CODEXCONTINUE_OLLAMA_READ_TIMEOUT") == "600"
    assert base == cpu
