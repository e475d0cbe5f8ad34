"""The Kubernetes overlays render, validate against Kubernetes 1.31 in strict mode and keep their promises:
each overlay enables exactly its packs in the backend, the UI and the worker alike; Ollama asks for
a GPU except on the CPU overlay; every container runs as non-root on a read-only root filesystem with
limits and probes; only the backend and the worker reach Redis and Ollama."""

from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path

import kubernetes_validate
import pytest
from compose_files import load
from kubernetes_manifests import (
    EXAMPLES,
    CANNOT_RENDER,
    KUSTOMIZE_ROOT,
    OVERLAYS,
    Manifests,
    cpu_cores,
    memory_bytes,
    render,
    selects,
)
from typer.testing import CliRunner

from codexcontinue.cli import app

pytestmark = pytest.mark.skipif(
    CANNOT_RENDER is not None, reason=str(CANNOT_RENDER)
)

KUBERNETES_VERSION = "1.31"
PACKS = ["legal", "health", "finance", "developer"]
APPS = ["backend", "ui", "worker"]  # the workloads that run our own command
RENDERED = [f"overlays/{name}" for name in OVERLAYS] + [f"examples/{name}" for name in EXAMPLES]
EXPECTED_PACKS = {
    "base": [],
    "overlays/legal": ["legal"],
    "overlays/health": ["health"],
    "overlays/finance": ["finance"],
    "overlays/developer": ["developer"],
    "overlays/all": PACKS,
    "overlays/cpu": PACKS,
    "examples/finance-legal": ["finance", "legal"],
}
GPU = "nvidia.com/gpu"


@functools.cache
def rendered(kustomization: str) -> Manifests:
    return render(kustomization)


def test_every_overlay_and_example_is_tested():
    assert set(RENDERED) | {"base"} == set(EXPECTED_PACKS)


@pytest.mark.parametrize("kustomization", ["base", *RENDERED])
def test_every_resource_validates_against_kubernetes_strictly(kustomization):
    manifests = rendered(kustomization)
    assert manifests.resources
    for resource in manifests.resources:
        name = f"{resource['kind']}/{resource['metadata']['name']}"
        try:
            kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{kustomization}: {name} at {'.'.join(map(str, error.path))}: {error.message}")
        except kubernetes_validate.SchemaNotFoundError as error:
            pytest.fail(f"{kustomization}: {name}: {error.message}")


def test_the_validator_does_reject_a_misspelled_field_and_an_unknown_kind():
    backend = rendered("overlays/all").get("Deployment", "backend")
    container = backend["spec"]["template"]["spec"]["containers"][0]
    container["readinesProbe"] = container.pop("readinessProbe")
    with pytest.raises(kubernetes_validate.ValidationError, match="readinesProbe"):
        kubernetes_validate.validate(backend, KUBERNETES_VERSION, strict=True)
    container["readinessProbe"] = container.pop("readinesProbe")
    with pytest.raises(kubernetes_validate.SchemaNotFoundError):
        kubernetes_validate.validate({**backend, "kind": "Deploymint"}, KUBERNETES_VERSION, strict=True)


@pytest.mark.parametrize("kustomization", sorted(EXPECTED_PACKS))
def test_each_overlay_enables_exactly_its_packs_in_backend_ui_and_worker(kustomization):
    manifests = rendered(kustomization)
    for workload in APPS:
        assert manifests.enabled_packs(workload) == sorted(EXPECTED_PACKS[kustomization]), (kustomization, workload)
    # The same way in all three: one ConfigMap, read whole, and no container setting its own list.
    sources = {str(manifests.container(w)["envFrom"]) for w in APPS}
    assert len(sources) == 1, sources
    for workload in APPS:
        assert all(v["name"] != "CODEXCONTINUE_PACKS" for v in manifests.container(workload).get("env", []))


def _kustomization_in(folder: Path, components: list[str]) -> Path:
    """A user's own overlay in `folder`, made of the base and the given components."""
    relative = Path(os.path.relpath(KUSTOMIZE_ROOT, folder))
    lines = ["resources:", f"  - {relative / 'base'}", "components:"]
    lines += [f"  - {relative / 'components' / name}" for name in components]
    (folder / "kustomization.yaml").write_text("\n".join(lines) + "\n")
    return folder


@pytest.mark.parametrize(
    "components, packs",
    [(["finance", "legal"], ["finance", "legal"]), (["developer", "health", "cpu"], ["developer", "health"]),
     (["health"], ["health"]), (["legal", "developer", "finance"], ["developer", "finance", "legal"])],
)  # fmt: skip
def test_pack_components_combine_as_compose_profiles_do(tmp_path, components, packs):
    manifests = render(_kustomization_in(tmp_path, components))
    for workload in APPS:
        assert manifests.enabled_packs(workload) == packs
    assert (GPU in str(manifests.get("StatefulSet", "ollama"))) is ("cpu" not in components)


def test_the_packs_are_those_compose_profiles_announce():
    compose = load("docker-compose.yml")["services"]
    announced = {name.removeprefix("pack-") for name in compose if name.startswith("pack-")}
    components = {path.name for path in (KUSTOMIZE_ROOT / "components").iterdir()}
    assert announced == set(PACKS) and announced <= components


def test_a_change_of_packs_rolls_every_app_out():
    names = {
        kustomization: {str(rendered(kustomization).container(w)["envFrom"]) for w in APPS}
        for kustomization in ["overlays/legal", "overlays/finance", "overlays/all"]
    }
    assert len({frozenset(v) for v in names.values()}) == 3  # the generated ConfigMap's name changes


@pytest.mark.parametrize("kustomization", [k for k in RENDERED if k != "overlays/cpu"])
def test_ollama_requests_a_gpu_on_gpu_nodes(kustomization):
    pod = rendered(kustomization).pod_spec("ollama")
    [ollama] = pod["containers"]
    assert ollama["resources"]["requests"][GPU] == ollama["resources"]["limits"][GPU] == "1"
    assert pod["nodeSelector"] == {"nvidia.com/gpu.present": "true"}
    assert {"key": GPU, "operator": "Exists", "effect": "NoSchedule"} in pod["tolerations"]


def test_the_cpu_overlay_asks_for_no_gpu_and_changes_nothing_but_ollama_and_the_read_timeout():
    cpu, gpu = rendered("overlays/cpu"), rendered("overlays/all")
    assert "nvidia" not in str(cpu.resources)
    pod = cpu.pod_spec("ollama")
    assert "nodeSelector" not in pod and "tolerations" not in pod

    def all_but_ollama(manifests: Manifests) -> str:
        """The other resources as text, the config's name without its content hash and the read
        timeout (which only the CPU overlay sets) left out."""
        kept = []
        for resource in manifests.resources:
            if resource["metadata"]["name"] == "ollama":
                continue
            if "data" in resource:  # a copy: the rendered manifests are cached for other tests
                data = {k: v for k, v in resource["data"].items() if k != "CODEXCONTINUE_OLLAMA_READ_TIMEOUT"}
                resource = {**resource, "data": data}
            kept.append(resource)
        return re.sub(r"codexcontinue-config-[a-z0-9]+", "codexcontinue-config", json.dumps(kept, sort_keys=True))

    assert "CODEXCONTINUE_OLLAMA_READ_TIMEOUT" not in json.dumps(gpu.resources)
    assert cpu.environment("backend")["CODEXCONTINUE_OLLAMA_READ_TIMEOUT"] == "600"
    assert all_but_ollama(cpu) == all_but_ollama(gpu)


def _effective(pod: dict, container: dict, field: str):
    """A security setting as it applies to the container: its own, else the pod's."""
    return container.get("securityContext", {}).get(field, pod.get("securityContext", {}).get(field))


@pytest.mark.parametrize("kustomization", RENDERED)
def test_every_container_is_non_root_read_only_with_limits_and_probes(kustomization):
    manifests = rendered(kustomization)
    for workload, spec in manifests.workloads().items():
        pod = spec["spec"]["template"]["spec"]
        assert pod["automountServiceAccountToken"] is False, workload
        for container in pod.get("initContainers", []) + pod["containers"]:
            where = f"{kustomization}: {workload}/{container['name']}"
            assert _effective(pod, container, "runAsNonRoot") is True, where
            assert _effective(pod, container, "runAsUser") not in (None, 0), where
            assert _effective(pod, container, "seccompProfile") == {"type": "RuntimeDefault"}, where
            security = container["securityContext"]
            assert security["readOnlyRootFilesystem"] is True, where
            assert security["allowPrivilegeEscalation"] is False, where
            assert security["capabilities"]["drop"] == ["ALL"], where
            resources = container["resources"]
            assert cpu_cores(resources["requests"]["cpu"]) <= cpu_cores(resources["limits"]["cpu"]), where
            assert memory_bytes(resources["requests"]["memory"]) <= memory_bytes(resources["limits"]["memory"]), where
            for probe in ("readinessProbe", "livenessProbe"):
                assert probe in container, f"{where} has no {probe}"
                handler = container[probe]
                port = (handler.get("httpGet") or handler.get("tcpSocket") or {}).get("port")
                if port is not None:
                    manifests.port(workload, port, container["name"])  # a port the container declares


def test_the_namespace_enforces_the_restricted_pod_security_standard():
    namespace = rendered("overlays/all").get("Namespace", "codexcontinue")
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"


@pytest.mark.parametrize("kustomization", RENDERED)
def test_every_namespaced_resource_lands_in_the_namespace(kustomization):
    for resource in rendered(kustomization).resources:
        if resource["kind"] != "Namespace":
            assert resource["metadata"].get("namespace") == "codexcontinue", resource["metadata"]["name"]


def _http_probe(manifests: Manifests, workload: str, probe: str) -> str:
    return manifests.container(workload)[probe]["httpGet"]["path"]


def test_probes_follow_each_process_health_semantics():
    manifests = rendered("overlays/all")
    # /readyz answers 200 when degraded too, so readiness means "serves requests"; /healthz is liveness.
    assert _http_probe(manifests, "backend", "readinessProbe") == "/readyz"
    assert _http_probe(manifests, "backend", "livenessProbe") == "/healthz"
    assert _http_probe(manifests, "ui", "readinessProbe") == "/_stcore/health"
    # The worker's /healthz is 503 until its models exist: readiness, not liveness.
    assert _http_probe(manifests, "worker", "readinessProbe") == "/healthz"
    assert "tcpSocket" in manifests.container("worker")["livenessProbe"]


def test_writable_paths_are_volumes_on_read_only_root_filesystems():
    manifests = rendered("overlays/all")
    for workload in APPS:
        mounts = manifests.mounts(workload)
        assert {"/tmp", "/data", "/home/codex"} <= set(mounts), workload
        assert manifests.environment(workload)["CODEXCONTINUE_DATA_DIR"] in mounts
    redis = manifests.command("redis", {"codexcontinue-redis": {"redis_password": "x"}})
    assert "claimTemplate" in manifests.mounts("redis")[redis[redis.index("--dir") + 1]]
    assert "claimTemplate" in manifests.mounts("ollama")["/home/ollama/.ollama"]


def test_redis_keeps_an_append_only_file_and_never_evicts():
    command = rendered("overlays/all").command("redis", {"codexcontinue-redis": {"redis_password": "pw"}})
    options = " ".join(command)
    assert "--appendonly yes" in options and "--maxmemory-policy noeviction" in options
    assert command[command.index("--requirepass") + 1] == "pw"  # from the Secret, expanded by the kubelet


def test_secrets_are_mounted_where_the_settings_read_them():
    manifests = rendered("overlays/all")
    for workload in ("backend", "worker"):
        sources = manifests.mounts(workload)["/run/secrets"]["projected"]["sources"]
        assert {"key": "codexcontinue_redis_url", "path": "codexcontinue_redis_url"} in sources[0]["secret"]["items"]
        assert {"name": "codexcontinue-pack-secrets", "optional": True} in [s["secret"] for s in sources]
    ui_sources = manifests.mounts("ui")["/run/secrets"]["projected"]["sources"]
    assert [s["secret"]["name"] for s in ui_sources] == ["codexcontinue-pack-secrets"]  # no Redis password
    # An environment variable would win over the secrets folder, so none may carry the Redis URL.
    for workload in APPS:
        assert "CODEXCONTINUE_REDIS_URL" not in manifests.environment(workload)


def _check_command(words: list[str]) -> None:
    assert words[0] == "codexcontinue", words
    result = CliRunner().invoke(app, [*words[1:], "--help"])  # parses, runs nothing
    assert result.exit_code == 0, f"{' '.join(words)}: {result.output}"


def test_every_app_runs_a_real_command_of_the_cli_and_the_same_as_in_compose():
    manifests = rendered("overlays/all")
    compose = load("docker-compose.yml")["services"]
    for workload, service in {"backend": "backend", "ui": "frontend", "worker": "ml"}.items():
        command = manifests.container(workload)["command"]
        _check_command(command)
        assert command == compose[service]["command"], workload
        image = manifests.container(workload)["image"].rsplit(":", 1)[0]
        assert image == compose[service]["image"].rsplit(":", 1)[0], workload
    assert manifests.container("redis")["image"] == compose["redis"]["image"]


def test_the_command_check_does_reject_a_made_up_command():
    with pytest.raises(AssertionError, match="No such command"):
        _check_command(["codexcontinue", "wroker"])


@pytest.mark.parametrize("kustomization", RENDERED)
def test_only_backend_and_worker_reach_redis_and_ollama(kustomization):
    manifests = rendered(kustomization)
    if "redis" in manifests.workloads():
        assert manifests.allowed_sources("redis", 6379) == {"backend", "worker"}
    assert manifests.allowed_sources("ollama", 11434) == {"backend", "worker"}
    assert manifests.allowed_sources("backend", 8000) is None  # the UI, an Ingress controller, monitoring
    assert manifests.allowed_sources("ui", 8501) is None
    assert manifests.allowed_sources("worker", 8502) == set()  # only its kubelet probes it
    assert manifests.allowed_sources("ollama", 6379) == set()


def test_services_hpas_pdbs_and_ingresses_point_at_what_exists():
    manifests = rendered("examples/finance-legal")

    def selected(match_labels: dict[str, str]) -> set[str]:
        pods = manifests.pod_labels().items()
        return {name for name, labels in pods if selects({"matchLabels": match_labels}, labels)}

    for service in manifests.of_kind("Service"):
        [workload] = selected(service["spec"]["selector"])
        for port in service["spec"]["ports"]:
            manifests.port(workload, port["targetPort"])
    for budget in manifests.of_kind("PodDisruptionBudget"):
        assert len(selected(budget["spec"]["selector"]["matchLabels"])) == 1
        assert budget["spec"]["unhealthyPodEvictionPolicy"] == "AlwaysAllow"
    for scaler in manifests.of_kind("HorizontalPodAutoscaler"):
        target = manifests.get("Deployment", scaler["spec"]["scaleTargetRef"]["name"])
        assert "replicas" not in target["spec"]  # the autoscaler owns it; `kubectl apply` must not reset it
        assert scaler["spec"]["minReplicas"] >= 2
    scaled = {s["spec"]["scaleTargetRef"]["name"] for s in manifests.of_kind("HorizontalPodAutoscaler")}
    assert scaled == {"backend", "worker"}
    services = {s["metadata"]["name"]: s for s in manifests.of_kind("Service")}
    for ingress in manifests.of_kind("Ingress"):
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                assert backend["port"]["name"] in {p["name"] for p in services[backend["name"]]["spec"]["ports"]}


@pytest.mark.parametrize("kustomization", RENDERED)
def test_the_runtime_is_given_every_ollama_replica(kustomization):
    manifests = rendered(kustomization)
    replicas = manifests.get("StatefulSet", "ollama")["spec"]["replicas"]
    hosts = manifests.environment("worker")["CODEXCONTINUE_OLLAMA_HOSTS"].split(",")
    assert hosts == [f"http://ollama-{index}.ollama:11434" for index in range(replicas)]
    assert manifests.get("Service", "ollama")["spec"]["clusterIP"] == "None"  # per-pod names


def test_external_redis_removes_the_in_cluster_one_and_keeps_the_url_secret():
    manifests = rendered("examples/finance-legal")
    assert "redis" not in manifests.workloads()
    assert all(s["metadata"]["name"] != "redis" for s in manifests.of_kind("Service"))
    assert all("redis" not in p["metadata"]["name"] for p in manifests.of_kind("NetworkPolicy"))
    [url_source, _] = manifests.mounts("backend")["/run/secrets"]["projected"]["sources"]
    assert url_source["secret"]["name"] == "codexcontinue-redis"


def test_the_worker_and_backend_use_as_many_cpu_threads_as_their_cpu_limit():
    manifests = rendered("overlays/all")
    for workload in ("backend", "worker"):
        limit = cpu_cores(manifests.container(workload)["resources"]["limits"]["cpu"])
        assert int(manifests.environment(workload)["CODEXCONTINUE_CPU_THREADS"]) == limit


def test_a_ui_session_stays_on_one_pod():
    manifests = rendered("examples/finance-legal")
    assert manifests.get("Service", "ui")["spec"]["sessionAffinity"] == "ClientIP"
    annotations = manifests.get("Ingress", "ui")["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/affinity"] == "cookie"
