"""Render the Kubernetes overlays with `kubectl kustomize` and read them the way the kubelet does, for tests.

`render()` runs kubectl's built-in kustomize. `Manifests` finds workloads and their containers, and
`Manifests.environment()` builds a container's environment as the kubelet would: `envFrom`
ConfigMaps first, then `env` in order, with `valueFrom` (ConfigMap and Secret keys, resource
limits) and `$(VAR)` references to variables defined before. Secrets are not in the manifests
(an operator creates them), so tests pass their contents in.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from compose_files import REPO

KUSTOMIZE_ROOT = REPO / "deploy" / "kubernetes"
OVERLAYS = sorted(path.name for path in (KUSTOMIZE_ROOT / "overlays").iterdir() if path.is_dir())
EXAMPLES = sorted(path.name for path in (KUSTOMIZE_ROOT / "examples").iterdir() if path.is_dir())
KUBECTL = shutil.which("kubectl")
WORKLOAD_KINDS = ("Deployment", "StatefulSet")
REFERENCE = re.compile(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)")
Secrets = dict[str, dict[str, str]]


def _why_not_renderable() -> str | None:
    """Why `kubectl kustomize` cannot render the overlays here, or None when it can."""
    if KUBECTL is None:
        return "kubectl (with kustomize built in) is not installed here; install kubectl 1.27+ to run these tests"
    answer = subprocess.run(
        [KUBECTL, "version", "--client", "-o", "json"], capture_output=True, text=True, check=False
    )
    version = json.loads(answer.stdout or "{}").get("kustomizeVersion", "")
    if not re.match(r"v([5-9]|\d\d)\.", version):
        return f"kubectl's kustomize is {version or 'unknown'}; the overlays need kustomize v5 (kubectl 1.27+)"
    return None


CANNOT_RENDER = _why_not_renderable()


def render(kustomization: str | Path) -> Manifests:
    """What `kubectl kustomize <kustomization>` renders (a folder under deploy/kubernetes, or any path)."""
    if KUBECTL is None:
        raise RuntimeError("kubectl is not installed")
    path = Path(kustomization)
    folder = path if path.is_absolute() else KUSTOMIZE_ROOT / path
    result = subprocess.run([KUBECTL, "kustomize", str(folder)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"kubectl kustomize {folder} failed:\n{result.stderr}")
    return Manifests([document for document in yaml.safe_load_all(result.stdout) if document])


def expand(value: str, defined: dict[str, str]) -> str:
    """Kubernetes' `$(VAR)` expansion: a reference to a defined variable is replaced, `$$` is a
    literal `$`, and a reference to an undefined variable is left as it is."""
    def substitute(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        return defined.get(match.group(1), match.group(0))

    return REFERENCE.sub(substitute, value)


def cpu_cores(quantity: str | float) -> float:
    """A CPU quantity ('2', '500m', 1.5) in cores."""
    text = str(quantity)
    return int(text[:-1]) / 1000 if text.endswith("m") else float(text)


BINARY_SUFFIXES = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}
DECIMAL_SUFFIXES = {"k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12}


def memory_bytes(quantity: str | int) -> int:
    """A memory quantity ('512Mi', '1Gi', '1G', 1024) in bytes; anything else raises ValueError."""
    text = str(quantity)
    for suffixes in (BINARY_SUFFIXES, DECIMAL_SUFFIXES):
        for suffix, factor in suffixes.items():
            if text.endswith(suffix) and text[: -len(suffix)].isdigit():
                return int(text[: -len(suffix)]) * factor
    if text.isdigit():
        return int(text)
    raise ValueError(f"{quantity!r} is not a memory quantity")


@dataclass
class Manifests:
    """The resources one kustomization renders."""

    resources: list[dict[str, Any]]

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        """Every resource of `kind`."""
        return [resource for resource in self.resources if resource["kind"] == kind]

    def get(self, kind: str, name: str) -> dict[str, Any]:
        """The resource of `kind` called `name`; KeyError when there is none."""
        for resource in self.of_kind(kind):
            if resource["metadata"]["name"] == name:
                return resource
        raise KeyError(f"no {kind} named {name!r}")

    def workloads(self) -> dict[str, dict[str, Any]]:
        """Deployments and StatefulSets by name."""
        return {w["metadata"]["name"]: w for kind in WORKLOAD_KINDS for w in self.of_kind(kind)}

    def pod_spec(self, workload: str) -> dict[str, Any]:
        """The pod template's spec of a Deployment or StatefulSet."""
        return self.workloads()[workload]["spec"]["template"]["spec"]

    def container(self, workload: str, name: str | None = None) -> dict[str, Any]:
        """The workload's container called `name` (by default its only or first one)."""
        containers = self.pod_spec(workload)["containers"]
        return next(c for c in containers if name is None or c["name"] == name)

    def environment(
        self, workload: str, secrets: Secrets | None = None, container: str | None = None
    ) -> dict[str, str]:
        """The container's environment as the kubelet builds it (without what the image sets)."""
        spec = self.container(workload, container)
        secrets = secrets or {}
        env: dict[str, str] = {}
        for source in spec.get("envFrom", []):
            if "configMapRef" not in source:
                raise NotImplementedError(f"{workload}: envFrom {source}")
            env.update({k: str(v) for k, v in self.get("ConfigMap", source["configMapRef"]["name"])["data"].items()})
        for variable in spec.get("env", []):
            if "value" in variable:
                env[variable["name"]] = expand(str(variable["value"]), env)
                continue
            reference = variable["valueFrom"]
            if "configMapKeyRef" in reference:
                ref = reference["configMapKeyRef"]
                env[variable["name"]] = str(self.get("ConfigMap", ref["name"])["data"][ref["key"]])
            elif "secretKeyRef" in reference:
                ref = reference["secretKeyRef"]
                env[variable["name"]] = secrets[ref["name"]][ref["key"]]
            elif "resourceFieldRef" in reference:
                env[variable["name"]] = self._resource_field(workload, reference["resourceFieldRef"])
            else:
                raise NotImplementedError(f"{workload}: {variable['name']} reads {reference}")
        return env

    def _resource_field(self, workload: str, reference: dict[str, Any]) -> str:
        if reference["resource"] != "limits.cpu" or str(reference.get("divisor", "1")) != "1":
            raise NotImplementedError(f"{workload}: resourceFieldRef {reference}")
        limit = self.container(workload, reference.get("containerName"))["resources"]["limits"]["cpu"]
        return str(math.ceil(cpu_cores(limit)))  # the kubelet rounds up to whole divisors

    def command(self, workload: str, secrets: Secrets | None = None, container: str | None = None) -> list[str]:
        """The container's command and arguments, `$(VAR)` references expanded."""
        spec = self.container(workload, container)
        env = self.environment(workload, secrets, container)
        return [expand(str(word), env) for word in [*spec.get("command", []), *spec.get("args", [])]]

    def mounts(self, workload: str, container: str | None = None) -> dict[str, dict[str, Any]]:
        """The container's mount paths, each with its volume (a claim template for a StatefulSet's claims)."""
        pod = self.pod_spec(workload)
        volumes = {volume["name"]: volume for volume in pod.get("volumes", [])}
        for claim in self.workloads()[workload]["spec"].get("volumeClaimTemplates", []):
            volumes[claim["metadata"]["name"]] = {"name": claim["metadata"]["name"], "claimTemplate": claim}
        return {m["mountPath"]: volumes[m["name"]] for m in self.container(workload, container).get("volumeMounts", [])}

    def port(self, workload: str, port: str | int, container: str | None = None) -> int:
        """A container port by name (or the number itself)."""
        if isinstance(port, int):
            return port
        return next(p["containerPort"] for p in self.container(workload, container)["ports"] if p["name"] == port)

    def enabled_packs(self, workload: str) -> list[str]:
        """The packs the workload's container enables, as the settings read CODEXCONTINUE_PACKS."""
        value = self.environment(workload).get("CODEXCONTINUE_PACKS", "")
        return sorted(item.strip() for item in value.split(",") if item.strip())

    def pod_labels(self) -> dict[str, dict[str, str]]:
        """Each workload's pod labels."""
        return {name: w["spec"]["template"]["metadata"]["labels"] for name, w in self.workloads().items()}

    def allowed_sources(self, workload: str, port: int) -> set[str] | None:
        """The workloads whose pods the NetworkPolicies let connect to `workload`'s pods on `port`;
        None when any source may (no policy isolates the pods, or a rule names no source)."""
        target = self.pod_labels()[workload]
        policies = [
            policy["spec"] for policy in self.of_kind("NetworkPolicy")
            if "Ingress" in policy["spec"].get("policyTypes", ["Ingress"])
            and selects(policy["spec"]["podSelector"], target)
        ]  # fmt: skip
        if not policies:
            return None
        sources: set[str] = set()
        for rule in [rule for policy in policies for rule in policy.get("ingress", [])]:
            if rule.get("ports") and not any(p.get("port") == port for p in rule["ports"]):
                continue
            if "from" not in rule:
                return None
            for peer in rule["from"]:
                if set(peer) != {"podSelector"}:
                    raise NotImplementedError(f"NetworkPolicy peer {peer}")
                sources |= {name for name, labels in self.pod_labels().items() if selects(peer["podSelector"], labels)}
        return sources


def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """Whether a label selector (matchLabels only) selects pods with `labels`; `{}` selects every pod."""
    if set(selector) - {"matchLabels"}:
        raise NotImplementedError(f"selector {selector}")
    return all(labels.get(key) == value for key, value in selector.get("matchLabels", {}).items())


def write_secret_volume(volume: dict[str, Any], secrets: Secrets, folder: Path) -> None:
    """Write the files a projected volume of Secrets holds into `folder`, as the kubelet mounts them."""
    folder.mkdir(parents=True, exist_ok=True)
    for source in volume["projected"]["sources"]:
        secret = source["secret"]
        data = secrets.get(secret["name"])
        if data is None:
            if secret.get("optional"):
                continue
            raise KeyError(f"the Secret {secret['name']!r} is required and the test gave none")
        items = secret.get("items") or [{"key": key, "path": key} for key in data]
        for item in items:
            (folder / item["path"]).write_text(data[item["key"]])
