"""The compose files keep their promises: health checks, GPU, profiles, non-root, real commands."""

from __future__ import annotations

import re

import pytest
from compose_files import REPO, active_services, load
from typer.testing import CliRunner

from codexcontinue.cli import app

FILES = [["docker-compose.yml"], ["docker-compose.yml", "docker-compose.dev.yml"], ["docker-compose.yml", "docker-compose.prod.yml"]]
ALWAYS = {"redis", "ollama", "ml", "backend", "frontend"}
PACKS = ["legal", "health", "finance", "developer"]
# Programs that are not ours, and the file that puts each in its image.
EXTERNAL = {
    "redis-server": "redis image",
    "redis-cli": "redis image",
    "ollama": "docker/ollama/Dockerfile",
    "jupyter": "docker/jupyter/Dockerfile",
}


def services(files):
    return load(*files)["services"].items()


@pytest.mark.parametrize("files", FILES)
def test_every_service_has_a_healthcheck(files):
    for name, service in services(files):
        assert service.get("healthcheck", {}).get("test"), f"{name} in {files} has no healthcheck"


def test_ollama_reserves_nvidia_gpus_with_a_configurable_count():
    [device] = load("docker-compose.yml")["services"]["ollama"]["deploy"]["resources"]["reservations"]["devices"]
    assert device["driver"] == "nvidia" and device["capabilities"] == ["gpu"]
    assert device["count"] == "1"
    assert load("docker-compose.yml", env={"OLLAMA_GPU_COUNT": "all"})["services"]["ollama"]["deploy"][
        "resources"
    ]["reservations"]["devices"][0]["count"] == "all"


@pytest.mark.parametrize(
    "profiles, packs",
    [([], []), (["finance"], ["finance"]), (["legal", "health"], ["legal", "health"]), (["all"], PACKS)]
    + [([pack], [pack]) for pack in PACKS],
)
def test_profiles_start_the_stack_with_exactly_their_packs(profiles, packs):
    model = load("docker-compose.yml")
    assert active_services(model, profiles) == ALWAYS | {f"pack-{p}" for p in packs}


def test_dependencies_on_profile_services_are_optional_and_the_rest_required():
    model = load("docker-compose.yml")
    for name, service in model["services"].items():
        for dependency, condition in service.get("depends_on", {}).items():
            optional = bool(model["services"][dependency].get("profiles"))
            assert condition.get("required", True) is not optional, (name, dependency)
            assert condition["condition"] == "service_healthy", (name, dependency)


def test_only_the_ui_and_api_ports_are_published_by_default():
    published = {name: service["ports"] for name, service in services(["docker-compose.yml"]) if "ports" in service}
    assert published == {"backend": ["8000:8000"], "frontend": ["8501:8501"]}


def _final_user(dockerfile: str, target: str) -> str | None:
    stages = re.split(r"^FROM ", (REPO / dockerfile).read_text(), flags=re.MULTILINE)
    stage = next(s for s in stages if re.match(rf"\S+ AS {target}\b", s))
    users = re.findall(r"^USER (\S+)", stage, flags=re.MULTILINE)
    return users[-1] if users else None


@pytest.mark.parametrize("files", FILES)
def test_no_service_runs_as_root(files):
    for name, service in services(files):
        if "build" in service:
            user = service.get("user") or _final_user(service["build"]["dockerfile"], service["build"]["target"])
        else:
            user = service.get("user")
        assert user and user.split(":")[0] not in ("0", "root"), f"{name} in {files} runs as {user}"


def _image_environment(dockerfile: str) -> dict[str, str]:
    """The `ENV NAME=value` settings of a Dockerfile (every stage)."""
    text = (REPO / dockerfile).read_text().replace("\\\n", " ")
    return dict(re.findall(r"(\w+)=(\S+)", " ".join(re.findall(r"^ENV (.+)$", text, flags=re.MULTILINE))))


@pytest.mark.parametrize("files", FILES)
def test_a_read_only_service_can_write_where_its_image_writes(files):
    for name, service in services(files):
        if not service.get("read_only") or "build" not in service:
            continue
        writable = set(service.get("tmpfs", [])) | {str(v).split(":")[1] for v in service.get("volumes", [])}
        image = _image_environment(service["build"]["dockerfile"])
        for variable in ("HOME", "CODEXCONTINUE_DATA_DIR"):  # $HOME, and the audit file and embedded store
            assert image[variable] in writable, f"{name} in {files}: {image[variable]} ({variable}) is read-only"


def _command_lines(service):
    if "command" in service:
        yield service["command"]
    test = service["healthcheck"]["test"]
    if test[0] == "CMD":
        yield test[1:]
    else:  # CMD-SHELL
        yield ["sh", "-c", test[1]]


class NotOurCommand(Exception):
    """A service runs `codexcontinue ...` with a command or option the CLI does not have."""


def _check_codexcontinue(arguments: list[str]) -> None:
    """Parse the arguments with the real CLI; `--help` stops it before anything runs."""
    result = CliRunner().invoke(app, [*arguments, "--help"])
    if result.exit_code != 0:
        raise NotOurCommand(f"codexcontinue {' '.join(arguments)}: {result.output.strip()}")


def _check(words: list[str]) -> None:
    program = words[0]
    if program == "codexcontinue":
        _check_codexcontinue(words[1:])
    elif program == "python" and "codexcontinue.cli" in words:
        _check_codexcontinue(words[words.index("codexcontinue.cli") + 1 :])
    elif program == "python" and words[1] == "-c":
        compile(words[2], "<healthcheck>", "exec")
    elif program == "sh" and words[1] == "-c":
        for piece in re.split(r"\||&&|;", words[2]):
            piece_words = piece.replace("exec ", "").split()
            if piece_words and piece_words[0] not in ("grep", "cat"):
                _check([piece_words[0]])
    else:
        source = EXTERNAL.get(program)
        assert source, f"{program} is neither our command nor a known program"
        if source.endswith("Dockerfile"):
            assert program in (REPO / source).read_text().replace("jupyterlab", "jupyter")


@pytest.mark.parametrize("files", FILES)
def test_every_command_a_service_runs_is_real(files):
    for name, service in services(files):
        for words in _command_lines(service):
            try:
                _check(list(words))
            except NotOurCommand as error:
                pytest.fail(f"{name} in {files}: {error}")


def test_the_command_check_does_reject_a_made_up_command():
    with pytest.raises(NotOurCommand, match="No such command"):
        _check_codexcontinue(["packs", "annouce", "legal"])
    with pytest.raises(NotOurCommand, match="No such option"):
        _check_codexcontinue(["api", "--colour", "blue"])


APP_DOCKERFILE = "docker/app/Dockerfile"


@pytest.mark.parametrize("files", FILES)
def test_the_app_services_build_one_dockerfile_for_the_service_they_run(files):
    """backend, ui, worker and the pack announcers share docker/app/Dockerfile; SERVICE is what they run."""
    ports = {"api": "8000", "ui": "8501", "worker": "8502"}
    built = {}
    for name, service in services(files):
        build = service.get("build", {})
        if build.get("dockerfile") != APP_DOCKERFILE:
            continue
        args = build["args"]
        built[name] = args["SERVICE"]
        assert args["PORT"] == ports[args["SERVICE"]], f"{name} in {files}: PORT {args['PORT']}"
        assert args["PACKS"] == "legal health finance developer", f"{name} in {files}: PACKS {args['PACKS']}"
        if name in ("backend", "frontend", "ml"):
            command = service["command"]
            program = next(i for i, word in enumerate(command) if word in ("codexcontinue", "codexcontinue.cli"))
            assert command[program + 1] == args["SERVICE"], f"{name} in {files} runs {command}"
    assert {built.get(name) for name in ("backend", "frontend", "ml")} == {"api", "ui", "worker"}
    assert {name for name in built if name.startswith("pack-")} == {f"pack-{pack}" for pack in PACKS}
    assert sorted(path.parent.name for path in REPO.glob("docker/*/Dockerfile")) == ["app", "jupyter", "ollama"]
