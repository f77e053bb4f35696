"""The node audit's pure parts: the kubelet's configz and summary shapes (recorded from the local
1.20 kubelet, with its cAdvisor process metrics; a 1.30 kubelet's written from the API reference,
see the fixtures' README), the Node object's facts with their sources, version skew, node-ended
pods and RuntimeClasses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kubetui.k8s.core.pods import pod_row
from kubetui.k8s.nodes.audit import (
    cadvisor_processes,
    config_facts,
    ended_by_node,
    node_facts,
    parse_configz,
    parse_summary,
    pid_lines,
    runtime_class_row,
    version_skew,
    with_cadvisor,
)
from kubetui.k8s.transport.discovery import ServerVersion

FIXTURES = Path(__file__).parent.parent / "fixtures"


def load(release: str, name: str) -> dict:
    return json.loads((FIXTURES / f"k8s-{release}" / name).read_text())


def test_configz_of_1_20_and_1_30():
    old = parse_configz(load("1.20", "configz.json"))
    assert (old.pod_pids_limit, old.max_pods, old.cgroup_driver) == (1024, 200, "cgroupfs")
    assert old.shutdown_grace == "0s" and ("memory.available", "100Mi") in old.eviction_hard
    facts = {f.label: f for f in config_facts(old)}
    assert "graceful node shutdown is off" in facts["shutdownGracePeriod"].flag
    assert facts["podPidsLimit"].source == "configz kubeletconfig.podPidsLimit"
    new = parse_configz(load("1.30", "configz.json"))
    assert (new.pod_pids_limit, new.shutdown_grace, new.shutdown_grace_critical,
            new.cgroup_driver) == (4096, "30s", "10s", "systemd")
    assert not {f.label: f for f in config_facts(new)}["shutdownGracePeriod"].flag
    unlimited = parse_configz({"kubeletconfig": {"podPidsLimit": -1}})
    assert "fork bomb" in config_facts(unlimited)[0].flag


def test_summary_of_1_20_and_1_30():
    old = parse_summary(load("1.20", "summary.json"))
    assert old.node_max and old.node_current and old.pods  # rlimit and process_stats on 1.20
    # ... but 1.20 counts only the pod cgroup's own processes: 0 for every pod.
    assert not old.counted
    totals = cadvisor_processes((FIXTURES / "k8s-1.20" / "cadvisor-processes.txt").read_text())
    assert {(ns, name) for ns, name, _ in old.pods} <= set(totals)  # recorded moments apart
    assert all(n >= 1 for n in totals.values())  # the pause process at least
    fixed = with_cadvisor(old, totals)
    assert fixed.counted and fixed.source == "cadvisor"
    assert "container_processes, summed per pod" in pid_lines(fixed, 1024)[1]
    new = parse_summary(load("1.30", "summary.json"))
    assert (new.node_max, new.node_current) == (4194304, 1312)
    assert new.pods[0] == ("batch", "forky", 4021)  # most processes first
    assert ("shop", "pause-only") not in [(n, p) for n, p, _ in new.pods]  # no process_stats
    lines = pid_lines(new, 4096)
    assert lines[0].startswith("node: 1312 processes of 4194304")
    assert "summary pods[].process_stats" in lines[1]
    assert "batch/forky of podPidsLimit 4096 (98%)  ⚠ near the limit" in lines[2]
    assert "no process counts" in pid_lines(parse_summary({}), None)[1]


def node(runtime: str, kubelet: str, **conditions: str) -> dict:
    return {"status": {"nodeInfo": {"containerRuntimeVersion": runtime, "kubeletVersion": kubelet,
                                    "osImage": "Debian", "kernelVersion": "6.1"},
                       "allocatable": {"pods": "110"},
                       "conditions": [{"type": k, "status": v, "message": f"{k} says so"}
                                      for k, v in conditions.items()]}}


def test_node_facts_and_skew():
    server = ServerVersion(1, 20, "v1.20.2")
    facts = {f.label: f for f in node_facts(node("docker://19.3.13", "v1.18.6", Ready="True",
                                                 PIDPressure="True"), server)}
    assert "removed in 1.24" in facts["container runtime"].flag
    assert facts["container runtime"].source == "status.nodeInfo.containerRuntimeVersion"
    assert facts["PIDPressure"].flag == "PIDPressure says so" and not facts["Ready"].flag
    assert facts["kubelet"].value.startswith("v1.18.6 (2 minor(s) older")
    assert not facts["kubelet"].flag
    assert version_skew("v1.17.0", server)[1] == "beyond the supported skew of 2 minors"
    assert version_skew("v1.25.0", ServerVersion(1, 28, "v1.28.0"))[1] == ""  # 3 from 1.28
    assert "not supported" in version_skew("v1.21.0", server)[1]
    assert not node_facts(node("containerd://1.6.20", "v1.20.2", Ready="True"),
                          server)[5].flag


@pytest.mark.parametrize("status,expected", [
    ({"phase": "Failed", "reason": "Evicted",
      "message": "The node was low on resource: pids."}, "Evicted: evicted by the kubelet"),
    ({"phase": "Failed", "reason": "Shutdown",
      "message": "Shutdown manager detected shutdown event"}, "Shutdown: graceful node shutdown"),
    ({"phase": "Failed", "reason": "Terminated",
      "message": "Pod was terminated in response to imminent node shutdown."},
     "Terminated: graceful node shutdown"),
    ({"phase": "Running"}, ""),
])
def test_pods_ended_by_a_node(status, expected):
    pod = {"metadata": {"name": "p", "namespace": "n", "uid": "u"},
           "spec": {"runtimeClassName": "gvisor", "containers": [{"name": "c"}]},
           "status": status}
    assert ended_by_node(pod).startswith(expected)
    row = pod_row(pod)
    assert row.ended.startswith(expected) and row.runtime_class == "gvisor"


def test_runtime_class_rows():
    rc = runtime_class_row({"metadata": {"uid": "r", "name": "gvisor"}, "handler": "runsc",
                            "overhead": {"podFixed": {"cpu": "250m", "memory": "120Mi"}},
                            "scheduling": {"nodeSelector": {"sandbox": "gvisor"},
                                           "tolerations": [{"key": "sandbox"}]}})
    assert (rc.handler, rc.overhead) == ("runsc", "cpu=250m, memory=120Mi")
    assert rc.scheduling == "nodeSelector sandbox=gvisor; tolerations 1"
    plain = runtime_class_row({"metadata": {"name": "runc"}, "handler": "runc"})
    assert (plain.overhead, plain.scheduling) == ("-", "-")
