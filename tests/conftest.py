"""Shared fixtures: the real local cluster (brought up by hack/localcluster.sh), kubectl, and a
fresh namespace per test so integration tests never see each other's objects."""

from __future__ import annotations

import json
import os
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from hypothesis import settings

# Property tests check correctness, not speed: hypothesis's 200 ms deadline per example fails
# at random on a busy two-core CI machine (the first example pays for imports).
settings.register_profile("kubetui", deadline=None)
settings.load_profile("kubetui")

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "hack" / "localcluster.sh"


@pytest.fixture(autouse=True, scope="session")
def _own_state_dir(tmp_path_factory):
    """kubetui's state (the error log, the recent kinds) in a directory of the test run's own,
    not the user's."""
    os.environ["XDG_STATE_HOME"] = str(tmp_path_factory.mktemp("state"))


@dataclass(frozen=True)
class LocalCluster:
    kubeconfig: Path
    config_dir: Path
    state_dir: Path
    kubectl_bin: Path

    def kubectl(self, *args: str, check: bool = True, input: str | None = None,
                timeout: float = 60, kubeconfig: Path | None = None) -> subprocess.CompletedProcess:
        cmd = [str(self.kubectl_bin), "--kubeconfig", str(kubeconfig or self.kubeconfig), *args]
        result = subprocess.run(cmd, capture_output=True, text=True, input=input, timeout=timeout)
        if check and result.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} failed: {result.stderr.strip()}")
        return result

    def get_json(self, *args: str) -> dict:
        return json.loads(self.kubectl("get", *args, "-o", "json").stdout)

    def user_kubeconfig(self, path: Path, name: str, user: dict, namespace: str) -> Path:
        """A kubeconfig for the local cluster with one user (and a context for it) only."""
        cfg = yaml.safe_load(self.kubeconfig.read_text())
        cfg["users"] = [{"name": name, "user": user}]
        cfg["contexts"] = [{"name": name, "context": {"cluster": cfg["clusters"][0]["name"],
                                                      "user": name, "namespace": namespace}}]
        cfg["current-context"] = name
        path.write_text(yaml.safe_dump(cfg))
        return path

    def fresh_namespace(self, ns: str, timeout: int = 90) -> None:
        """``ns`` deleted (with what an earlier run left in it) and created again, ready for
        pods: its default ServiceAccount exists."""
        self.kubectl("delete", "namespace", ns, "--wait=true", f"--timeout={timeout}s",
                     check=False, timeout=timeout + 10)
        self.kubectl("create", "namespace", ns)
        self.wait_for(lambda: self.kubectl("-n", ns, "get", "sa", "default",
                                           check=False).returncode == 0,
                      timeout=30, what=f"the namespace {ns}")

    def free_cluster_ips(self, *ips: str, keep_in: str = "") -> None:
        """The fixed cluster IPs a snapshot shows, taken back from any Service another test made
        (the allocator hands out random addresses of the same range, so one may have drawn
        them). Such a Service, of a test namespace (``kt-``) other than ``keep_in``, is
        deleted; any other holder (the demo's) is said, not touched."""
        for svc in self.get_json("services", "-A")["items"]:
            meta = svc["metadata"]
            if svc["spec"].get("clusterIP") not in ips or meta["namespace"] == keep_in:
                continue
            if not meta["namespace"].startswith("kt-"):
                raise AssertionError(f"the fixed cluster IP {svc['spec']['clusterIP']} is held "
                                     f"by {meta['namespace']}/{meta['name']}")
            self.kubectl("-n", meta["namespace"], "delete", "service", meta["name"])

    def wait_for(self, predicate, timeout: float = 90, interval: float = 1.0, what: str = ""):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            last = predicate()
            if last:
                return last
            time.sleep(interval)
        raise AssertionError(f"timed out after {timeout}s waiting for {what or predicate}")


def _script(*args: str, timeout: float = 900) -> str:
    result = subprocess.run(["bash", str(SCRIPT), *args], capture_output=True, text=True,
                            timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"hack/localcluster.sh {' '.join(args)} failed:\n"
                           f"{result.stderr[-3000:]}")
    return result.stdout


@pytest.fixture(scope="session")
def local_cluster() -> LocalCluster:
    """The local v1.20.2 cluster; `up` is idempotent and takes seconds when it already runs."""
    _script("up")
    state = Path(os.environ.get("KUBETUI_CLUSTER_DIR", REPO / ".localcluster"))
    cache = Path(os.environ.get("KUBETUI_CACHE_DIR",
                                Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
                                / "kubetui" / "k8s-v1.20.2"))
    return LocalCluster(kubeconfig=state / "config" / "admin.kubeconfig",
                        config_dir=state / "config", state_dir=state,
                        kubectl_bin=cache / "bin" / "kubectl")


@pytest.fixture(scope="session")
def seeded(local_cluster: LocalCluster) -> LocalCluster:
    """The demo scenarios, without the background APF load (tests start their own)."""
    _script("seed", "--no-load")
    return local_cluster


@pytest.fixture
def namespace(local_cluster: LocalCluster, request) -> str:
    name = f"kt-{request.node.name[:30].lower().replace('_', '-').strip('-')}-" \
           f"{uuid.uuid4().hex[:5]}"
    name = "".join(c for c in name if c.isalnum() or c == "-")
    local_cluster.kubectl("create", "namespace", name)
    local_cluster.wait_for(lambda: local_cluster.kubectl(
        "-n", name, "get", "serviceaccount", "default", check=False).returncode == 0,
        timeout=30, what="the namespace's default ServiceAccount")
    yield name
    local_cluster.kubectl("delete", "namespace", name, "--wait=false", check=False)


def pytest_collection_modifyitems(config, items):
    for item in items:
        parts = Path(str(item.fspath)).parts
        if "integration" in parts or "ui" in parts:
            item.add_marker(pytest.mark.integration)


def audit_events(c: LocalCluster, *, user_agent: str = "kubetui/", since: str = "",
                 namespace: str | None = None) -> list[dict]:
    """The apiserver's audit log (ResponseComplete stage): what really reached the server."""
    events = []
    with (c.state_dir / "logs" / "audit.log").open() as f:
        for line in f:
            if user_agent not in line or (namespace and namespace not in line):
                continue
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            if ev.get("stage") != "ResponseComplete" or \
                    not ev.get("userAgent", "").startswith(user_agent):
                continue
            if since and ev.get("requestReceivedTimestamp", "") < since:
                continue
            if namespace and (ev.get("objectRef") or {}).get("namespace") != namespace:
                continue
            events.append(ev)
    return events
