"""The README's commands, run exactly as written after its first command: through `hatch run`, from
inside the project folder, each in a shell. Only what is the user's own is set around them: a fresh
data folder, free ports, the Ollama test server standing in for Ollama, and the test's Redis for the
worker line's Redis address."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import uuid
from pathlib import Path

import pytest
from serve_process import wait_for_http

from codexcontinue.packs.registry import PackRegistry
from codexcontinue.settings import load_core_settings
from codexcontinue.testing.ollama_server import OllamaTestServer
from codexcontinue.testing.plugin import free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
README_REDIS = "redis://127.0.0.1:6379/0"


def readme_commands() -> list[str]:
    """Every line of the README's bash blocks that runs `codexcontinue`, its comment left out."""
    blocks = re.findall(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    return [line.split(" #")[0].strip() for block in blocks for line in block.splitlines()
            if "hatch run codexcontinue" in line]  # fmt: skip


def pack_base_models() -> list[str]:
    registry = PackRegistry(load_core_settings()).load()
    return sorted({spec.base for loaded in registry.loaded() for spec in loaded.models})


@pytest.fixture
def user_machine(tmp_path, redis_url):
    """The environment of a user who ran the README's first command, with Ollama running."""
    if shutil.which("hatch") is None:
        pytest.skip("hatch is not installed: the README's commands run through `hatch run` (scripts/test.sh installs it)")
    folder = ROOT / "test-output" / "readme-commands" / uuid.uuid4().hex[:8]  # inside the project: hatch finds it
    folder.mkdir(parents=True)
    with OllamaTestServer(pullable=pack_base_models()) as ollama:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("CODEXCONTINUE_")},
            "CODEXCONTINUE_DATA_DIR": str(tmp_path / "data"),
            "CODEXCONTINUE_OLLAMA_HOSTS": ollama.url,
            "CODEXCONTINUE_API_PORT": str(free_port()),
            "CODEXCONTINUE_UI_PORT": str(free_port()),
            "CODEXCONTINUE_WORKER_PORT": str(free_port()),
        }
        yield folder, env, redis_url
    shutil.rmtree(folder, ignore_errors=True)


def run_until_it_answers(line: str, folder: Path, env: dict[str, str], url: str) -> None:
    """Start a server command, wait for it to answer at `url`, then stop it and everything it started."""
    server = subprocess.Popen(["bash", "-c", line], cwd=folder, env=env, start_new_session=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    try:
        wait_for_http(url, timeout=120, any_status=True)
    except AssertionError:
        os.killpg(server.pid, signal.SIGTERM)
        raise AssertionError(f"`{line}` did not answer at {url}:\n{server.communicate(timeout=30)[0]}") from None
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def test_every_readme_command_runs_as_written(user_machine):
    folder, env, redis_url = user_machine
    lines = readme_commands()
    assert len(lines) >= 15 and all(line.startswith(("hatch run", "CODEXCONTINUE_")) for line in lines), lines
    servers = {  # the commands that run until stopped, and where each answers
        "api": f"http://127.0.0.1:{env['CODEXCONTINUE_API_PORT']}/healthz",
        "ui": f"http://127.0.0.1:{env['CODEXCONTINUE_UI_PORT']}/_stcore/health",
        "worker": f"http://127.0.0.1:{env['CODEXCONTINUE_WORKER_PORT']}/healthz",
    }
    created_prefix = None
    for line in lines:
        words = line.split("codexcontinue", 1)[1].split()
        if words[:2] == ["keys", "revoke"]:
            line = line.replace("PREFIX", created_prefix)
        if words[0] in servers:
            run_until_it_answers(line.replace(README_REDIS, redis_url), folder, env, servers[words[0]])
            continue
        result = subprocess.run(["bash", "-c", line], cwd=folder, env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, f"`{line}` exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
        assert "command not found" not in result.stderr
        if "keys create" in line:
            token = result.stdout.strip()
            assert token.startswith("cc_"), result.stdout
            created_prefix = token.split("_", 2)[1]
    assert (folder / "codexcontinue-recipes" / "pyproject.toml").exists()  # new-pack made the pack here
