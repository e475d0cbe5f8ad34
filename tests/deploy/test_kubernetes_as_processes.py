"""The Kubernetes workloads run as local processes: two backends and two workers (the autoscalers'
minimum) and a UI on one real `redis-server`, which runs the Redis StatefulSet's own command.

Each pod is its container's rendered command with its rendered environment, built as the kubelet
builds it (the ConfigMap, Secret keys, the CPU limit, `$(VAR)` references). Its volumes are folders:
the Secrets' files written where they are mounted, emptyDirs and claims empty. In-cluster names
(`redis`, `ollama-0.ollama`, `backend`) point at 127.0.0.1, each pod's container ports become free
local ports, and each Ollama pod is an Ollama-protocol test server. A pod counts as ready when its
own readiness probe passes.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from kubernetes_manifests import CANNOT_RENDER, Manifests, Secrets, render, write_secret_volume
from limits import parse

from codexcontinue.packs.registry import PackRegistry
from codexcontinue.settings import CoreSettings, load_core_settings
from codexcontinue.testing.ollama_server import OllamaTestServer
from codexcontinue.testing.plugin import free_port

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CANNOT_RENDER is not None, reason=str(CANNOT_RENDER)
    ),
]

READY_TIMEOUT_S = 120.0


@dataclass
class Pod:
    """One replica of a workload, running as a local process."""

    workload: str
    index: int
    process: subprocess.Popen[bytes]
    env: dict[str, str]
    ports: dict[int, int]  # container port -> local port
    log: Path

    @property
    def name(self) -> str:
        """The pod's name, as a StatefulSet would call it."""
        return f"{self.workload}-{self.index}"

    def url(self, container_port: int) -> str:
        """Where the container port answers here."""
        return f"http://127.0.0.1:{self.ports[container_port]}"

    def exec(self, *command: str) -> str:
        """Run a command in the pod, as `kubectl exec` would: its environment, its files."""
        return subprocess.run(command, env=self.env, capture_output=True, text=True, check=True).stdout

    def tail(self) -> str:
        """The end of the pod's log."""
        return self.log.read_text(errors="replace")[-4000:]


class Cluster:
    """The rendered workloads of one kustomization, run as local processes."""

    def __init__(
        self, manifests: Manifests, folder: Path, secret_data: Secrets, ollama: list[OllamaTestServer]
    ) -> None:
        self.manifests = manifests
        self.folder = folder
        self.secrets = secret_data
        self.hosts = {f"http://ollama-{index}.ollama:11434": server.url for index, server in enumerate(ollama)}
        self.pods: dict[str, Pod] = {}
        self.started = 0

    def localize(self, text: str) -> str:
        """`text` with in-cluster addresses replaced by the local ones."""
        for cluster_address, local in self.hosts.items():
            text = text.replace(cluster_address, local)
        return text

    def start(self, workload: str, index: int) -> Pod:
        """Start one replica of `workload` and wait until its readiness probe passes."""
        self.started += 1
        folder = self.folder / f"{workload}-{index}-{self.started}"  # a replacement pod gets new volumes
        container = self.manifests.container(workload)
        ports = {p["containerPort"]: free_port() for p in container.get("ports", [])}
        mounts = {path: folder / path.strip("/").replace("/", "-") for path in self.manifests.mounts(workload)}
        local_secrets = {name: {k: self.localize(v) for k, v in data.items()} for name, data in self.secrets.items()}
        for path, volume in self.manifests.mounts(workload).items():
            if "projected" in volume:
                write_secret_volume(volume, local_secrets, mounts[path])
            else:
                mounts[path].mkdir(parents=True)

        env = {**os.environ}
        for name, value in self.manifests.environment(workload, local_secrets).items():
            value = self.localize(value)
            value = str(mounts.get(value, value))  # a path inside a mounted volume
            value = str(ports.get(int(value), value)) if value.isdigit() else value  # a container port
            env[name] = "127.0.0.1" if value == "0.0.0.0" else value  # nothing listens beyond this machine
        if "/run/secrets" in mounts:  # the settings' default secrets folder, mounted elsewhere here
            env["CODEXCONTINUE_SECRETS_DIR"] = str(mounts["/run/secrets"])
        if "/tmp" in mounts:
            env["TMPDIR"] = str(mounts["/tmp"])
        if "/home/codex" in mounts:  # the images' HOME (docker/*/Dockerfile)
            env["HOME"] = str(mounts["/home/codex"])
        command = [str(mounts.get(word, word)) for word in self.manifests.command(workload, local_secrets)]
        if command[0] == "redis-server":  # the pod listens on 6379 on its own address; here, a free port
            command += ["--port", str(ports[6379]), "--bind", "127.0.0.1"]

        log = folder.with_suffix(".log")
        with log.open("wb") as sink:  # the process keeps its own handle
            process = subprocess.Popen(command, env=env, cwd=folder, stdout=sink, stderr=subprocess.STDOUT)
        pod = Pod(workload, index, process, env, ports, log)
        self.pods[pod.name] = pod
        if workload == "backend" and index == 0:
            self.hosts["http://backend:8000"] = pod.url(8000)  # the Service, as the UI reaches it
        self.wait_ready(pod)
        return pod

    def probe(self, pod: Pod) -> bool:
        """Whether the pod's readiness probe passes now (HTTP 200-399, or exit status 0)."""
        handler = self.manifests.container(pod.workload)["readinessProbe"]
        if "httpGet" in handler:
            port = self.manifests.port(pod.workload, handler["httpGet"]["port"])
            try:
                status = httpx.get(pod.url(port) + handler["httpGet"]["path"], timeout=5).status_code
            except httpx.TransportError:
                return False
            return 200 <= status < 400
        # An exec probe; redis-cli reaches the pod's 6379 by default, here its free port.
        local_cli = f"redis-cli -p {pod.ports.get(6379)}"
        command = [word.replace("redis-cli", local_cli) for word in handler["exec"]["command"]]
        return subprocess.run(command, env=pod.env, capture_output=True, check=False).returncode == 0

    def wait_ready(self, pod: Pod, timeout: float = READY_TIMEOUT_S) -> None:
        """Wait for the pod's readiness probe; fail with its log when it exits or never passes."""
        deadline = time.monotonic() + timeout
        while not self.probe(pod):
            if pod.process.poll() is not None:
                pytest.fail(f"{pod.name} exited with {pod.process.returncode}:\n{pod.tail()}")
            if time.monotonic() > deadline:
                pytest.fail(f"{pod.name} was not ready within {timeout:g} s:\n{pod.tail()}")
            time.sleep(0.3)

    def replicas(self, workload: str) -> list[Pod]:
        """The running pods of `workload`, by index."""
        running = [p for p in self.pods.values() if p.workload == workload and p.process.poll() is None]
        return sorted(running, key=lambda pod: pod.index)

    def stop(self) -> None:
        """SIGTERM every pod, as a deletion does; SIGKILL what outlives the grace period."""
        for pod in self.pods.values():
            if pod.process.poll() is None:
                pod.process.terminate()
        for pod in self.pods.values():
            try:
                pod.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pod.process.kill()
                pod.process.wait()


def minimum_replicas(manifests: Manifests, workload: str) -> int:
    """The replicas a workload starts with: its autoscaler's minimum, or its own count."""
    for scaler in manifests.of_kind("HorizontalPodAutoscaler"):
        if scaler["spec"]["scaleTargetRef"]["name"] == workload:
            return scaler["spec"]["minReplicas"]
    return manifests.workloads()[workload]["spec"].get("replicas", 1)


def pack_models(packs: list[str]) -> list[Any]:
    """The model specs of the packs."""
    registry = PackRegistry(load_core_settings(packs=packs)).load()
    return [spec for name in packs for spec in registry.packs[name].models]


def redis_secret() -> Secrets:
    """The Secret an operator creates, as docs/deploy.md says: a password and the URL that uses it."""
    password = secrets.token_hex(16)
    url = f"redis://:{password}@redis:6379/0"
    return {"codexcontinue-redis": {"redis_password": password, "codexcontinue_redis_url": url}}


@dataclass
class Stack:
    """The finance overlay running: the cluster, its Ollama pod and the finance pack's model names."""

    cluster: Cluster
    ollama: OllamaTestServer
    models: list[str]

    def backends(self) -> tuple[str, str]:
        """The URLs of the first two backends."""
        first, second = self.cluster.replicas("backend")[:2]
        return first.url(8000), second.url(8000)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The finance overlay: Redis, two workers, two backends and a UI, the workers' models in place."""
    manifests = render("overlays/finance")
    specs = pack_models(manifests.enabled_packs("worker"))
    with OllamaTestServer(models=[], pullable=sorted({spec.base for spec in specs})) as ollama:
        cluster = Cluster(manifests, tmp_path_factory.mktemp("k8s"), redis_secret(), [ollama])
        try:
            redis = cluster.start("redis", 0)
            cluster.hosts["@redis:6379"] = f"@127.0.0.1:{redis.ports[6379]}"  # in the Secret's URL
            for workload in ("worker", "backend"):
                for index in range(minimum_replicas(manifests, workload)):
                    cluster.start(workload, index)
            cluster.start("ui", 0)
            yield Stack(cluster, ollama, [spec.name for spec in specs])
        finally:
            cluster.stop()


@pytest.fixture(scope="module")
def admin(stack: Stack) -> dict[str, str]:
    """An admin key, created in a backend pod (`kubectl exec deploy/backend -- codexcontinue keys create`)."""
    command = ("codexcontinue", "keys", "create", "--name", "k8s-test", "--scope", "admin")
    return {"Authorization": f"Bearer {stack.cluster.replicas('backend')[0].exec(*command).strip()}"}


def test_the_autoscalers_start_two_backends_and_two_workers_and_all_are_ready(stack):
    assert len(stack.cluster.replicas("backend")) == 2 and len(stack.cluster.replicas("worker")) == 2
    for pod in stack.cluster.replicas("worker"):
        health = httpx.get(pod.url(8502) + "/healthz").json()
        assert health["status"] == "ready" and health["packs"]["finance"] == "active", health
    assert {name.split(":")[0] for name in stack.ollama.models} >= set(stack.models)
    ui = stack.cluster.replicas("ui")[0]
    assert ui.env["CODEXCONTINUE_API_URL"] == stack.backends()[0]


def test_a_key_created_through_one_backend_works_on_the_other_and_its_revocation_too(stack, admin):
    first, second = stack.backends()
    created = httpx.post(f"{first}/api/v1/keys", json={"name": "analyst", "scopes": ["finance:read"]}, headers=admin)
    assert created.status_code == 201, created.text
    key = {"Authorization": f"Bearer {created.json()['token']}"}
    prefix = created.json()["key"]["prefix"]

    assert httpx.get(f"{second}/api/v1/keys/me", headers=key).json()["name"] == "analyst"
    assert httpx.delete(f"{second}/api/v1/keys/{prefix}", headers=admin).status_code == 200
    assert httpx.get(f"{first}/api/v1/keys/me", headers=key).status_code == 401

    # Both changes are in the one audit trail, read in the other backend's pod.
    trail = stack.cluster.replicas("backend")[1].exec("codexcontinue", "audit", "tail", "-n", "50")
    changes = {(r["action"], r["outcome"]) for r in map(json.loads, trail.splitlines()) if prefix in r["resources"]}
    assert changes == {("POST", 201), ("DELETE", 200)}, trail


def test_a_rate_limit_counts_requests_to_both_backends(stack, admin):
    first, second = stack.backends()
    allowed = parse(CoreSettings.model_fields["rate_limit"].default).amount  # the overlay keeps the default
    created = httpx.post(f"{first}/api/v1/keys", json={"name": "busy", "scopes": ["finance:read"]}, headers=admin)
    token = created.json()["token"]
    key = {"Authorization": f"Bearer {token}"}
    accepted, refused = 0, None
    with httpx.Client(headers=key) as a, httpx.Client(headers=key) as b:
        for number in range(2 * allowed + 10):  # a limit counted per backend would allow twice as many
            client, url = (a, first) if number % 2 == 0 else (b, second)
            answer = client.get(f"{url}/api/v1/finance/about")
            if answer.status_code == 429:
                refused = answer
                break
            assert answer.status_code == 200, answer.text
            accepted += 1
        other = (b, second) if number % 2 == 0 else (a, first)
        also_refused = other[0].get(f"{other[1]}/api/v1/finance/about")
    assert refused is not None, f"{accepted} requests were accepted; the limit is {allowed} per minute"
    # Exactly the limit, or a little more when the requests straddle a minute (the window slides).
    assert allowed <= accepted <= allowed * 1.1, accepted
    assert also_refused.status_code == 429 and int(also_refused.headers["Retry-After"]) > 0


def _job(url: str, headers: dict[str, str], job_id: str) -> dict[str, Any]:
    return httpx.get(f"{url}/api/v1/jobs/{job_id}", headers=headers).json()


def _wait_final(url: str, headers: dict[str, str], job_id: str, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while (job := _job(url, headers, job_id))["state"] not in ("complete", "failed"):
        assert time.monotonic() < deadline, f"job not finished within {timeout:g} s: {job}"
        time.sleep(0.2)
    return job


def test_a_job_submitted_to_one_backend_is_run_by_a_worker_and_seen_from_the_other(stack, admin):
    first, second = stack.backends()
    reply = "Revenue grew while margins held."
    stack.ollama.script_reply(reply)
    submitted = httpx.post(
        f"{first}/api/v1/jobs",
        json={"task": "core.generate", "arguments": {"model": stack.models[0], "prompt": "Summarise the quarter."}},
        headers=admin,
    )
    assert submitted.status_code == 202, submitted.text

    job = _wait_final(second, admin, submitted.json()["id"], timeout=60)
    events = httpx.get(f"{second}/api/v1/jobs/{job['id']}/events", headers=admin, timeout=30).text

    assert job["state"] == "complete", job
    assert job["result"] == {"model": stack.models[0], "text": reply}
    assert "event: token" in events and "event: state" in events


def test_killing_a_worker_mid_job_loses_nothing(stack, admin):
    first, second = stack.backends()
    reply = " ".join(f"line{number}" for number in range(40))
    stack.ollama.script_reply(reply, reply)  # the first try's stream is cut; the second try's is whole
    stack.ollama.chunk_delay = 0.25  # about ten seconds of tokens
    try:
        job_id = httpx.post(
            f"{first}/api/v1/jobs",
            json={"task": "core.generate", "arguments": {"model": stack.models[0], "prompt": "Write forty lines."}},
            headers=admin,
        ).json()["id"]
        deadline = time.monotonic() + 30
        while not (running := [p for p in stack.cluster.replicas("worker") if _running_jobs(p) == 1]):
            assert time.monotonic() < deadline, f"no worker took the job: {_job(second, admin, job_id)}"
            time.sleep(0.1)
        [victim] = running
        victim.process.send_signal(signal.SIGKILL)  # a lost node: no chance to hand the job back
        victim.process.wait(timeout=10)
        stranded = _job(second, admin, job_id)

        job = _wait_final(second, admin, job_id, timeout=120)  # after the lease (30 s) another worker takes it
    finally:
        stack.ollama.chunk_delay = 0.0
    events = httpx.get(f"{first}/api/v1/jobs/{job_id}/events", headers=admin, timeout=30).text

    assert stranded["state"] == "running", stranded
    assert job["state"] == "complete" and job["tries"] == 2, job
    assert job["result"]["text"] == reply
    assert "Retrying (try 2 of 3): the previous worker stopped." in events
    # The Deployment replaces the lost pod; the new one becomes ready like the first.
    stack.cluster.start("worker", victim.index)


def _running_jobs(pod: Pod) -> int:
    try:
        return httpx.get(pod.url(8502) + "/healthz", timeout=5).json()["jobs"]["running"]
    except httpx.TransportError:
        return 0


def test_the_worker_creates_the_models_on_every_listed_ollama_pod(tmp_path):
    """The example overlay: two Ollama pods listed, an external Redis, the finance and legal packs."""
    manifests = render("examples/finance-legal")
    specs = pack_models(manifests.enabled_packs("worker"))
    bases = sorted({spec.base for spec in specs})
    redis_port = free_port()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    with OllamaTestServer(models=[], pullable=bases) as first, OllamaTestServer(models=[], pullable=bases) as second:
        external = {"codexcontinue-redis": {"codexcontinue_redis_url": f"redis://127.0.0.1:{redis_port}/0"}}
        cluster = Cluster(manifests, tmp_path, external, [first, second])
        try:
            worker = cluster.start("worker", 0)
            backend = cluster.start("backend", 0)
            health = httpx.get(worker.url(8502) + "/healthz").json()
            readiness = httpx.get(backend.url(8000) + "/readyz").json()
        finally:
            cluster.stop()
            redis.terminate()
            redis.wait(timeout=10)
        for server in (first, second):
            assert {name.split(":")[0] for name in server.models} >= {spec.name for spec in specs}, server.models
    assert health["status"] == "ready", health
    assert {"finance", "legal"} <= {name for name, state in health["packs"].items() if state == "active"}
    assert readiness["checks"]["store"]["ok"] and readiness["checks"]["llm"]["ok"], readiness
