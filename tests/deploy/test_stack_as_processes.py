"""The compose stack run as local processes: each service's own command, with the environment its
compose service gives it, service host names pointed at 127.0.0.1, a real redis-server and the
Ollama-protocol test server in place of Ollama. Services start in `depends_on` order and are
awaited with their own compose health checks."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest
from compose_files import active_services, load

from codexcontinue.packs.registry import PackRegistry
from codexcontinue.settings import load_core_settings
from codexcontinue.testing.ollama_server import OllamaTestServer
from codexcontinue.testing.plugin import free_port
from codexcontinue.ui.client import BackendClient, BackendError

pytestmark = pytest.mark.slow

PACKS = ["developer", "finance", "health", "legal"]
NOT_PROCESSES = {"redis", "ollama"}  # stood in for by redis-server and the test server


class Stack:
    """The processes of one `docker compose --profile ... up`, started in dependency order."""

    def __init__(self, profiles: list[str], tmp_path: Path, redis_port: int, ollama: OllamaTestServer) -> None:
        self.model = load("docker-compose.yml")
        self.services = active_services(self.model, profiles) - NOT_PROCESSES
        self.api_port, self.ui_port, self.worker_port = free_port(), free_port(), free_port()
        self.hosts = {
            "redis://redis:6379": f"redis://127.0.0.1:{redis_port}",
            "http://ollama:11434": ollama.url,
            "http://backend:8000": f"http://127.0.0.1:{self.api_port}",
        }
        self.tmp_path = tmp_path
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def environment(self, service: str) -> dict[str, str]:
        """The service's compose environment, with host names and ports made local."""
        env = {**os.environ, "CODEXCONTINUE_DATA_DIR": str(self.tmp_path / service)}
        for name, value in self.model["services"][service].get("environment", {}).items():
            for compose_host, local in self.hosts.items():
                value = str(value).replace(compose_host, local)
            env[name] = value
        env.update(
            CODEXCONTINUE_API_HOST="127.0.0.1",
            CODEXCONTINUE_UI_HOST="127.0.0.1",
            CODEXCONTINUE_API_PORT=str(self.api_port),
            CODEXCONTINUE_UI_PORT=str(self.ui_port),
            CODEXCONTINUE_WORKER_PORT=str(self.worker_port),
        )
        return env

    def start_order(self) -> list[str]:
        """Services sorted so each comes after the running services it depends on."""
        order: list[str] = []
        while len(order) < len(self.services):
            for name in sorted(self.services - set(order)):
                needs = set(self.model["services"][name].get("depends_on", {})) & self.services
                if needs <= set(order):
                    order.append(name)
        return order

    def up(self) -> None:
        for name in self.start_order():
            service = self.model["services"][name]
            log = (self.tmp_path / f"{name}.log").open("wb")
            self.processes[name] = subprocess.Popen(
                service["command"], env=self.environment(name), cwd=self.tmp_path, stdout=log, stderr=log
            )
            self.wait_healthy(name)

    def wait_healthy(self, name: str, timeout: float = 90) -> None:
        test = self.model["services"][name]["healthcheck"]["test"]
        assert test[0] == "CMD", f"{name}: run CMD health checks only"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.processes[name].poll() is not None:
                pytest.fail(f"{name} exited:\n{self.log(name)}")
            check = subprocess.run(test[1:], env=self.environment(name), capture_output=True)
            if check.returncode == 0:
                return
            time.sleep(0.5)
        pytest.fail(f"{name} never became healthy:\n{self.log(name)}")

    def log(self, name: str) -> str:
        return (self.tmp_path / f"{name}.log").read_text(errors="replace")[-4000:]

    def down(self) -> None:
        for process in reversed(list(self.processes.values())):
            process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()

    def admin_client(self) -> BackendClient:
        env = self.environment("backend")
        token = subprocess.run(
            ["codexcontinue", "keys", "create", "--name", "stack-test", "--scope", "admin"],
            env=env, capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        return BackendClient(f"http://127.0.0.1:{self.api_port}", token)


@pytest.fixture
def redis_port(tmp_path):
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).stdout.strip() != b"PONG":
        assert time.monotonic() < deadline, "redis-server did not start"
        time.sleep(0.1)
    yield port
    server.terminate()
    server.wait(timeout=10)


def pack_models(packs: list[str]) -> dict[str, list]:
    registry = PackRegistry(load_core_settings(packs=packs)).load()
    return {name: registry.packs[name].models for name in packs}


def readable_route(route_lines: list[str]) -> str | None:
    """A GET route of a pack that takes no path parameter, or None."""
    for line in route_lines:
        method, path = line.split(" ", 1)
        if method == "GET" and "{" not in path:
            return path
    return None


@pytest.mark.parametrize("profiles", [["finance"], ["legal", "health"]], ids=["finance", "legal+health"])
def test_a_profile_runs_exactly_its_packs(profiles, tmp_path, redis_port):
    models = pack_models(profiles)
    bases = {spec.base for specs in models.values() for spec in specs}
    with OllamaTestServer(models=[], pullable=sorted(bases)) as ollama:
        stack = Stack(profiles, tmp_path, redis_port, ollama)
        assert stack.services == {"ml", "backend", "frontend"} | {f"pack-{p}" for p in profiles}
        try:
            stack.up()
            client = stack.admin_client()
            table = {row["name"]: row for row in client.get("/api/v1/packs")}
            assert sorted(name for name, row in table.items() if row["state"] == "active") == sorted(profiles)
            for pack in PACKS:
                about = readable_route(table[pack]["routes"]) or f"/api/v1/{pack}/about"
                if pack in profiles:
                    assert client.get(about) is not None
                else:
                    with pytest.raises(BackendError) as refused:
                        client.get(about)
                    assert refused.value.status == 404
            present = set(ollama.models)
            for pack, specs in models.items():
                for spec in specs:
                    assert any(name.split(":")[0] == spec.name for name in present), (pack, spec.name, present)
        finally:
            stack.down()
