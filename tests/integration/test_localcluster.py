"""The local cluster itself: the parts every kubetui feature stands on really work."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import REPO, LocalCluster

POD = """
apiVersion: v1
kind: Pod
metadata: {{name: {name}}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: {image}
    imagePullPolicy: IfNotPresent
{rest}
"""


def apply(c: LocalCluster, ns: str, manifest: str) -> None:
    c.kubectl("-n", ns, "apply", "-f", "-", input=manifest)


def phase(c: LocalCluster, ns: str, pod: str) -> str:
    r = c.kubectl("-n", ns, "get", "pod", pod, "-o", "jsonpath={.status.phase}", check=False)
    return r.stdout


def wait_running(c: LocalCluster, ns: str, pod: str, timeout: float = 90) -> None:
    c.wait_for(lambda: phase(c, ns, pod) == "Running", timeout=timeout, what=f"{pod} Running")


def test_node_is_ready_and_reports_containerd(local_cluster: LocalCluster):
    node = local_cluster.get_json("node", "localhost")
    ready = [x for x in node["status"]["conditions"] if x["type"] == "Ready"]
    assert ready and ready[0]["status"] == "True"
    assert node["status"]["nodeInfo"]["kubeletVersion"] == "v1.20.2"
    assert node["status"]["nodeInfo"]["containerRuntimeVersion"].startswith("containerd://")


def test_pod_runs_exec_and_logs(local_cluster: LocalCluster, namespace: str):
    apply(local_cluster, namespace, POD.format(
        name="hello", image="busybox:1.35",
        rest="    command: [sh, -c, 'echo hello-from-pod; exec sleep 3600']"))
    wait_running(local_cluster, namespace, "hello")
    out = local_cluster.kubectl("-n", namespace, "exec", "hello", "--", "sh", "-c",
                                "echo $((6*7)); exit 0").stdout
    assert out.strip() == "42"
    failed = local_cluster.kubectl("-n", namespace, "exec", "hello", "--", "sh", "-c", "exit 3",
                                   check=False)
    assert failed.returncode == 3
    logs = local_cluster.kubectl("-n", namespace, "logs", "hello").stdout
    assert "hello-from-pod" in logs


def test_ephemeral_container_sees_target_processes(local_cluster: LocalCluster, namespace: str):
    """The 1.20 alpha API: PUT an EphemeralContainers object to the subresource."""
    apply(local_cluster, namespace, POD.format(name="app", image="kubetui.local/static-app:1.0",
                                               rest=""))
    wait_running(local_cluster, namespace, "app")
    no_shell = local_cluster.kubectl("-n", namespace, "exec", "app", "--", "sh", "-c", "true",
                                     check=False)
    assert no_shell.returncode != 0  # the image really has no shell
    body = {"apiVersion": "v1", "kind": "EphemeralContainers", "metadata": {"name": "app"},
            "ephemeralContainers": [{
                "name": "debugger", "image": "busybox:1.35", "imagePullPolicy": "IfNotPresent",
                "command": ["sleep", "3600"], "targetContainerName": "main",
                "terminationMessagePolicy": "File", "stdin": True, "tty": True}]}
    path = f"/api/v1/namespaces/{namespace}/pods/app/ephemeralcontainers"
    local_cluster.kubectl("replace", "--raw", path, "-f", "-", input=json.dumps(body))

    def debugger_running():
        pod = local_cluster.get_json("-n", namespace, "pod", "app")
        states = pod["status"].get("ephemeralContainerStatuses") or []
        return any(s["name"] == "debugger" and "running" in s.get("state", {}) for s in states)

    local_cluster.wait_for(debugger_running, timeout=60, what="the debugger container running")
    ps = local_cluster.kubectl("-n", namespace, "exec", "app", "-c", "debugger", "--",
                               "ps", "-o", "pid,args").stdout
    assert "/server" in ps, ps


def _pvc(name: str, size: str = "1Gi", source: str | None = None) -> str:
    data = (f"  dataSource: {{apiGroup: snapshot.storage.k8s.io, kind: VolumeSnapshot, "
            f"name: {source}}}\n") if source else ""
    return (f"apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {{name: {name}}}\n"
            f"spec:\n  accessModes: [ReadWriteOnce]\n  storageClassName: kubetui-local\n"
            f"  resources: {{requests: {{storage: {size}}}}}\n{data}")


def _pod_with_volume(name: str, claim: str, command: str) -> str:
    return POD.format(name=name, image="busybox:1.35", rest=(
        f"    command: [sh, -c, '{command}']\n"
        f"    volumeMounts: [{{name: data, mountPath: /data}}]\n"
        f"  volumes: [{{name: data, persistentVolumeClaim: {{claimName: {claim}}}}}]"))


def test_snapshot_and_restore_keep_the_data(local_cluster: LocalCluster, namespace: str):
    c = local_cluster
    apply(c, namespace, _pvc("src"))
    apply(c, namespace, _pod_with_volume(
        "writer", "src", "echo precious-$(hostname) > /data/file.txt; exec sleep 3600"))
    wait_running(c, namespace, "writer")
    c.wait_for(lambda: c.kubectl("-n", namespace, "exec", "writer", "--", "cat",
                                 "/data/file.txt", check=False).stdout.strip(),
               timeout=30, what="the file to be written")
    apply(c, namespace, "apiVersion: snapshot.storage.k8s.io/v1\nkind: VolumeSnapshot\n"
                        "metadata: {name: snap}\n"
                        "spec:\n  source: {persistentVolumeClaimName: src}\n")

    def ready():
        vs = c.get_json("-n", namespace, "volumesnapshot", "snap")
        return vs.get("status", {}).get("readyToUse") and vs

    vs = c.wait_for(ready, timeout=60, what="the snapshot to be readyToUse")
    assert vs["status"]["restoreSize"] == "1Gi"
    assert vs["status"]["boundVolumeSnapshotContentName"].startswith("snapcontent-")
    content = c.get_json("volumesnapshotcontent", vs["status"]["boundVolumeSnapshotContentName"])
    assert content["status"]["readyToUse"] is True
    assert content["status"]["restoreSize"] == 1024 ** 3
    # Change the source after the snapshot: the restore must carry the snapshot's data.
    c.kubectl("-n", namespace, "exec", "writer", "--", "sh", "-c", "echo changed > /data/file.txt")
    apply(c, namespace, _pvc("restored", source="snap"))
    apply(c, namespace, _pod_with_volume("reader", "restored", "cat /data/file.txt; sleep 3600"))
    wait_running(c, namespace, "reader")
    logs = c.wait_for(lambda: c.kubectl("-n", namespace, "logs", "reader").stdout.strip(),
                      timeout=30, what="reader output")
    assert logs == "precious-writer"


def test_snapshot_of_a_missing_pvc_reports_an_error(local_cluster: LocalCluster, namespace: str):
    apply(local_cluster, namespace,
          "apiVersion: snapshot.storage.k8s.io/v1\nkind: VolumeSnapshot\nmetadata: {name: bad}\n"
          "spec:\n  source: {persistentVolumeClaimName: does-not-exist}\n")

    def error():
        vs = local_cluster.get_json("-n", namespace, "volumesnapshot", "bad")
        return vs.get("status", {}).get("error", {}).get("message")

    message = local_cluster.wait_for(error, timeout=30, what="status.error")
    assert "does-not-exist" in message


def test_restore_smaller_than_snapshot_is_refused(local_cluster: LocalCluster, namespace: str):
    c = local_cluster
    apply(c, namespace, _pvc("src", size="2Gi"))
    c.wait_for(lambda: c.get_json("-n", namespace, "pvc", "src")["status"].get("phase") ==
               "Bound", timeout=30, what="the PVC bound")
    apply(c, namespace, "apiVersion: snapshot.storage.k8s.io/v1\nkind: VolumeSnapshot\n"
                        "metadata: {name: s}\nspec:\n  source: {persistentVolumeClaimName: src}\n")
    c.wait_for(lambda: c.get_json("-n", namespace, "volumesnapshot", "s").get("status", {})
               .get("readyToUse"), timeout=60, what="snapshot ready")
    apply(c, namespace, _pvc("small", size="1Gi", source="s"))

    def refused():
        events = c.get_json("-n", namespace, "events",
                            "--field-selector", "involvedObject.name=small")["items"]
        return [e["message"] for e in events if e["reason"] == "ProvisioningFailed"]

    messages = c.wait_for(refused, timeout=30, what="a ProvisioningFailed event")
    assert "smaller than the snapshot's restoreSize" in messages[0]
    assert c.get_json("-n", namespace, "pvc", "small")["status"]["phase"] == "Pending"


def test_seeded_scenarios_reach_their_intended_states(seeded: LocalCluster):
    c = seeded

    def states():
        pods = c.get_json("-n", "kubetui-demo", "pods")["items"]
        out = {}
        for p in pods:
            name = p["metadata"]["name"]
            cs = (p["status"].get("containerStatuses") or [{}])[0]
            waiting = cs.get("state", {}).get("waiting", {}).get("reason", "")
            last = cs.get("lastState", {}).get("terminated", {}).get("reason", "")
            out[name if not name.startswith("web-") else f"web-{len(out)}"] = (
                p["status"].get("phase"), cs.get("ready"), cs.get("restartCount", 0), waiting,
                last)
        return out

    def intended():
        s = states()
        try:
            return (s["crashloop"][3] == "CrashLoopBackOff"
                    and s["image-pull"][3] in ("ErrImagePull", "ImagePullBackOff")
                    and s["liveness-timeout"][2] >= 1
                    and s["readiness-fail"][0] == "Running" and s["readiness-fail"][1] is False
                    and s["distroless-app"][1] is True
                    and s["writer"][1] is True
                    and sum(1 for k, v in s.items() if k.startswith("web-") and v[1]) == 2) and s
        except KeyError:
            return False

    c.wait_for(intended, timeout=150, interval=2, what=f"the seeded states ({states()})")
    events = c.get_json("-n", "kubetui-demo", "events")["items"]
    reasons = {(e["type"], e["reason"]) for e in events}
    assert ("Warning", "Unhealthy") in reasons and ("Normal", "Scheduled") in reasons
    liveness = [e["message"] for e in events if e["reason"] == "Unhealthy"
                and e["involvedObject"]["name"] == "liveness-timeout"]
    assert any(m.startswith("Liveness probe failed") for m in liveness)
    assert c.kubectl("-n", "kubetui-demo", "exec", "writer", "--", "cat",
                     "/data/orders.db").stdout.strip() == "orders v1"
    # The workloads: checkout's revision 2 stuck on an image no registry has (revision 1
    # still serving), ledger-1 never ready, the nightly report failed, a CRD with objects.
    def workloads() -> bool:
        deploy = c.get_json("-n", "kubetui-demo", "deployment/checkout")
        progressing = next((x for x in deploy["status"].get("conditions", [])
                            if x["type"] == "Progressing"), {})
        job = c.get_json("-n", "kubetui-demo", "job/nightly-report")
        failed = any(x["type"] == "Failed" and x["status"] == "True"
                     for x in job["status"].get("conditions", []))
        sts = c.get_json("-n", "kubetui-demo", "statefulset/ledger")["status"]
        return (deploy["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "2"
                and progressing.get("reason") == "ProgressDeadlineExceeded"
                and deploy["status"].get("availableReplicas") == 2 and failed
                and sts.get("readyReplicas") == 1 and sts.get("replicas") == 2)

    c.wait_for(workloads, timeout=120, interval=2, what="the seeded workloads' states")
    backups = c.get_json("-n", "kubetui-demo", "backups.demo.kubetui.local")["items"]
    assert sorted(b["metadata"]["name"] for b in backups) == ["ledger-hourly", "orders-nightly"]


def test_apf_demo_level_queues_and_rejects(seeded: LocalCluster):
    """The bounded load generator, as the demo user, is rejected with 429 by the tight level."""
    c = seeded
    # A FlowSchema just created by the seed takes effect when the apiserver's APF controller
    # has read it: wait until the demo user's requests are classified into it (the response
    # headers name the schema), or the burst lands in workload-low and nothing is rejected.
    schema = c.kubectl("get", "flowschema", "kubetui-demo", "-o",
                       "jsonpath={.metadata.uid}").stdout.strip()
    demo = c.config_dir / "demo-user.kubeconfig"
    c.wait_for(lambda: f"Pf-Flowschema-Uid: {schema}" in c.kubectl(
        "get", "--raw", "/version", "-v=8", check=False, kubeconfig=demo).stderr,
        timeout=60, what="the demo FlowSchema in effect")
    result = subprocess.run(
        [sys.executable, str(REPO / "hack" / "apf_load.py"), "--kubeconfig",
         str(c.config_dir / "demo-user.kubeconfig"), "--seconds", "6", "--burst", "40",
         "--interval", "0.5"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout.strip().splitlines()[-1])
    assert counts.get("429", 0) > 0, counts
    assert counts.get("200", 0) > 0, counts
    metrics = c.kubectl("get", "--raw", "/metrics").stdout
    rejected = [line for line in metrics.splitlines()
                if line.startswith("apiserver_flowcontrol_rejected_requests_total")
                and 'priority_level="kubetui-demo-tight"' in line]
    assert rejected and float(rejected[0].rsplit(" ", 1)[1]) > 0


def test_load_generator_refuses_non_loopback(tmp_path: Path, local_cluster: LocalCluster):
    cfg = (local_cluster.config_dir / "demo-user.kubeconfig").read_text()
    bad = tmp_path / "k"
    bad.write_text(cfg.replace("https://127.0.0.1:", "https://192.0.2.1:"))
    result = subprocess.run([sys.executable, str(REPO / "hack" / "apf_load.py"), "--kubeconfig",
                             str(bad), "--seconds", "1"], capture_output=True, text=True,
                            timeout=30)
    assert result.returncode != 0 and "not a loopback address" in result.stderr


def test_everything_listens_on_loopback_only(local_cluster: LocalCluster):
    out = subprocess.run(["ss", "-ltnupH"], capture_output=True, text=True).stdout
    pids = {p.stem: p.read_text().strip() for p in (local_cluster.state_dir / "run").glob("*.pid")}
    assert {"etcd", "kube-apiserver", "kubelet", "containerd"} <= set(pids)
    seen = 0
    for name, pid in pids.items():
        for line in out.splitlines():
            if f"pid={pid}," in line:
                local = line.split()[4]
                seen += 1
                assert local.startswith(("127.", "[::1]")), f"{name} listens on {local}"
    assert seen >= 6


def test_audit_log_records_requests(local_cluster: LocalCluster):
    local_cluster.kubectl("get", "namespaces")
    audit = local_cluster.state_dir / "logs" / "audit.log"
    tail = audit.read_text().splitlines()[-200:]
    entries = [json.loads(line) for line in tail]
    assert any(e.get("verb") == "list" and e.get("objectRef", {}).get("resource") == "namespaces"
               for e in entries)


def test_zz_down_stops_everything_and_up_comes_back(local_cluster: LocalCluster):
    """Runs last in this module: down leaves nothing running, up restarts in well under 60s."""
    script = str(REPO / "hack" / "localcluster.sh")
    pids = [p.read_text().strip() for p in (local_cluster.state_dir / "run").glob("*.pid")]
    subprocess.run(["bash", script, "down"], check=True, capture_output=True, timeout=120)
    alive = [p for p in pids if Path(f"/proc/{p}").exists()]
    assert not alive, f"still running after down: {alive}"
    shims = subprocess.run(["pgrep", "-f", str(local_cluster.state_dir / "containerd")],
                           capture_output=True, text=True).stdout.split()
    assert not shims, f"processes using the cluster's containerd remain: {shims}"
    t0 = time.monotonic()
    subprocess.run(["bash", script, "up"], check=True, capture_output=True, timeout=300)
    assert time.monotonic() - t0 < 60
    node = local_cluster.get_json("node", "localhost")
    assert [x for x in node["status"]["conditions"] if x["type"] == "Ready"][0]["status"] == "True"
