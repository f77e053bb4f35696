"""CPU and memory usage, pure (``k8s/metrics``): the kubelet summary recorded twice 10 s apart
on the local 1.20 cluster (rates from the cumulative counters), metrics-server's PodMetricsList
(written from the v1beta1 type: no cluster here runs metrics-server), requests and limits, the
k9s-named percentages, and which source serves, or what is missing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kubetui.k8s.core.events import event_row
from kubetui.k8s.core.pods import container_resources, pod_row
from kubetui.k8s.metrics.sources import (
    KUBELET,
    METRICS_API,
    choose,
    metrics_path,
    parse_node_metrics,
    parse_pod_metrics,
    parse_summary,
    parse_summary_node,
)
from kubetui.k8s.metrics.usage import (
    ContainerUsage,
    Limits,
    PodUsage,
    bytes_text,
    cores_text,
    limits_of,
    node_rates,
    percent_text,
    pod_limits,
    share,
    sparkline,
    with_rates,
)
from kubetui.k8s.triage.findings import Evidence

FIXTURES = Path(__file__).parent.parent / "fixtures"


def load(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def test_the_kubelet_summary_gives_memory_at_once_and_cpu_from_two_samples():
    first = parse_summary(load("k8s-1.20/summary-usage-1.json"))
    ledger = first[("kubetui-demo", "ledger-1")]
    # one sample: the kubelet's own rate (usageNanoCores) until a second reading
    assert ledger.memory == 233472 and ledger.cpu == pytest.approx(0.000800885)
    assert ledger.containers[0].cpu_seconds == pytest.approx(1.543442187)
    second = with_rates(first, parse_summary(load("k8s-1.20/summary-usage-2.json")))
    ledger = second[("kubetui-demo", "ledger-1")]
    # (1553546857 - 1543442187) ns over the 10 s between the kubelet's two readings
    assert ledger.cpu == pytest.approx(0.0010104670)
    assert cores_text(ledger.cpu) == "1m" and bytes_text(ledger.memory) == "228Ki"
    assert second[("kubetui-demo", "writer")].cpu == 0.0  # idle: a rate of 0, not unknown


def test_a_restarted_container_or_another_pod_of_the_name_gives_no_rate():
    def pod(uid: str, seconds: float, at: float) -> dict:
        return {("ns", "web"): PodUsage("ns", "web", uid, (
            ContainerUsage("app", 100, cpu_seconds=seconds, at=at),))}
    assert with_rates(pod("u1", 50.0, 10.0), pod("u1", 2.0, 20.0))[("ns", "web")].cpu is None
    assert with_rates(pod("u1", 1.0, 10.0), pod("u2", 3.0, 20.0))[("ns", "web")].cpu is None
    assert with_rates(pod("u1", 1.0, 10.0), pod("u1", 3.0, 20.0))[("ns", "web")].cpu == 0.2
    assert with_rates(pod("u1", 1.0, 20.0), pod("u1", 3.0, 20.0))[("ns", "web")].cpu is None
    # the same reading again (the kubelet had not read the counter since): the last rate
    rated = with_rates(pod("u1", 1.0, 10.0), pod("u1", 3.0, 20.0))
    again = with_rates(rated, pod("u1", 3.0, 20.0))
    assert again[("ns", "web")].cpu == 0.2


def test_a_rate_spans_ten_seconds_at_least_of_whole_second_stamps():
    """The kubelet stamps its readings to the whole second (the recorded 1.20 summaries read
    06:19:02, 06:19:04, 06:19:07...). Two readings 2 s apart by their stamps, 1.5 s of CPU
    apart, may be 3 s apart in truth: 0.5 of a core, not 0.75. The base reading is kept until
    one 10 s later."""
    def pod(seconds: float, at: float, cpu: float | None = None) -> dict:
        return {("ns", "burner"): PodUsage("ns", "burner", "u1", (
            ContainerUsage("app", 100, cpu=cpu, cpu_seconds=seconds, at=at),))}
    first = pod(1.0, 100.0, cpu=0.48)  # the kubelet's own rate, shown until a span is made
    soon = with_rates(first, pod(2.5, 102.0))
    assert soon[("ns", "burner")].cpu == 0.48  # not 1.5 / 2 = 0.75
    later = with_rates(soon, pod(4.0, 106.0))
    assert later[("ns", "burner")].cpu == 0.48
    spanned = with_rates(later, pod(6.0, 110.0))
    assert spanned[("ns", "burner")].cpu == pytest.approx(0.5)  # (6 - 1) / (110 - 100)
    # the next span starts from there
    assert with_rates(spanned, pod(7.0, 112.0))[("ns", "burner")].cpu == pytest.approx(0.5)
    assert with_rates(spanned, pod(11.0, 120.0))[("ns", "burner")].cpu == pytest.approx(0.5)
    # a young container read twice without a rate of its own: none until the span
    assert with_rates(pod(1.0, 100.0), pod(2.5, 102.0))[("ns", "burner")].cpu is None


def test_metrics_server_quantities_in_every_unit():
    sample = parse_pod_metrics(load("k8s-1.30/podmetrics.json"))
    checkout = sample[("shop", "checkout-7d4b9c8f6-x2x9k")]
    assert [c.name for c in checkout.containers] == ["app", "envoy"]
    assert checkout.container("app").cpu == pytest.approx(0.251366704)
    assert checkout.container("app").memory == 24696 * 1024
    assert checkout.container("envoy").cpu == pytest.approx(0.003)
    assert checkout.cpu == pytest.approx(0.254366704)
    assert cores_text(checkout.cpu) == "254m" and bytes_text(checkout.memory) == "65Mi"
    ledger = sample[("shop", "ledger-0")]
    assert ledger.cpu == 1.0 and ledger.memory == 2**30 and ledger.uid == ""
    assert metrics_path("v1beta1", "shop") == "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods"
    assert metrics_path("v1beta1", None) == "/apis/metrics.k8s.io/v1beta1/pods"


def test_a_strange_item_is_n_a_not_an_error():
    sample = parse_pod_metrics({"items": [{"metadata": {"name": "x", "namespace": "n"},
                                           "containers": [{"name": "c",
                                                           "usage": {"cpu": "lots"}}]}, "?"]})
    assert sample[("n", "x")].cpu is None and sample[("n", "x")].memory is None
    assert cores_text(None) == bytes_text(None) == percent_text(None) == "n/a"


POD = {"spec": {
    "initContainers": [{"name": "proxy", "resources": {"requests": {"cpu": "50m"}}}],
    "containers": [
        {"name": "app", "resources": {"requests": {"cpu": "250m", "memory": "64Mi"},
                                      "limits": {"cpu": "1", "memory": "128Mi"}}},
        {"name": "log", "resources": {}}]}}


def test_requests_limits_and_the_shares_k9s_names():
    limits = limits_of(container_resources(POD["spec"]))
    assert limits["app"] == Limits(0.25, 1.0, 64 * 2**20, 128 * 2**20)
    assert limits["log"] == Limits() and limits["proxy"].cpu_request == 0.05
    app = share(0.5, 120 * 2**20, limits["app"])
    assert (percent_text(app.cpu_request), percent_text(app.cpu_limit),
            percent_text(app.memory_request), percent_text(app.memory_limit)) == \
        ("200", "50", "188", "94")
    assert app.near_limit
    assert not share(0.5, 100 * 2**20, limits["app"]).near_limit
    assert not share(0.5, 10**12, limits["log"]).near_limit  # no limit: never "near" it
    whole = pod_limits(limits, ("app", "log"))
    assert whole.cpu_request is None and whole.memory_limit is None  # log sets none
    assert pod_limits(limits, ("app",)).memory_limit == 128 * 2**20


def test_the_source_served_or_what_is_missing():
    assert choose("v1beta1", True, True).source == METRICS_API
    assert choose("v1beta1", False, True).source == KUBELET
    assert choose(None, False, True).source == KUBELET
    none = choose(None, False, False)
    assert none.source == "" and none.why == (
        "CPU/MEM n/a: no metrics-server (metrics.k8s.io is not served), and the kubelet's "
        "figures need get nodes/proxy, which you lack")
    assert "you may not list pods.metrics.k8s.io" in choose("v1beta1", False, False).why


def test_a_pod_row_keeps_its_containers_resources_and_an_oom_kill():
    pod = {"metadata": {"name": "web", "namespace": "ns", "uid": "u"}, **POD,
           "status": {"phase": "Running", "containerStatuses": [
               {"name": "app", "ready": True, "restartCount": 1, "state": {"running": {}},
                "lastState": {"terminated": {"reason": "OOMKilled", "exitCode": 137}}}]}}
    row = pod_row(pod)
    assert row.resources == (("proxy", "50m", "", "", ""), ("app", "250m", "1", "64Mi", "128Mi"),
                             ("log", "", "", "", ""))
    assert row.oom_killed and limits_of(row.resources)["app"].memory_limit == 128 * 2**20
    pod["status"]["containerStatuses"][0]["lastState"] = {}
    assert not pod_row(pod).oom_killed


def test_node_totals_from_the_kubelet_and_from_metrics_server():
    first = parse_summary_node(load("k8s-1.20/summary-usage-1.json"))
    second = node_rates(first, parse_summary_node(load("k8s-1.20/summary-usage-2.json")))
    node = second["localhost"]
    assert node.memory == load("k8s-1.20/summary-usage-2.json")["node"]["memory"][
        "workingSetBytes"]
    one, two = (load(f"k8s-1.20/summary-usage-{i}.json")["node"]["cpu"] for i in (1, 2))
    took = 10.0  # between the node's two readings, 06:19:02 and 06:19:12
    assert node.cpu == pytest.approx((two["usageCoreNanoSeconds"] - one["usageCoreNanoSeconds"])
                                     / 1e9 / took)
    nodes = parse_node_metrics(load("k8s-1.30/nodemetrics.json"))
    assert nodes["worker-a"].cpu == pytest.approx(1.874129584)
    assert nodes["worker-a"].memory == 6143024 * 1024
    assert nodes["worker-b"].cpu == 0.25 and nodes["worker-b"].memory == 2 * 2**30
    assert metrics_path("v1beta1", None, "nodes") == "/apis/metrics.k8s.io/v1beta1/nodes"


def crashing_pod(limits: dict, last: dict, events_fieldpath: bool = True) -> dict:
    return {"metadata": {"name": "web", "namespace": "ns", "uid": "u"},
            "spec": {"nodeName": "n1", "containers": [{"name": "app", "image": "busybox",
                                                        "resources": {"limits": limits}}]},
            "status": {"phase": "Running", "containerStatuses": [{
                "name": "app", "ready": False, "restartCount": 4,
                "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                "lastState": {"terminated": last}}]}}


def test_triage_says_how_near_its_limit_a_container_killed_for_memory_was():
    from kubetui.k8s.triage.pods import triage_pod
    from kubetui.k8s.triage.usage import with_usage

    pod = crashing_pod({"memory": "56Mi"}, {"exitCode": 137, "reason": "OOMKilled"})
    report = triage_pod(pod, [], 1_800_000_000.0)
    assert "killed for memory" in report.cause
    history = {"app": ([0.01, 0.02], [40 * 2**20, None, 54 * 2**20])}
    told = with_usage(report, pod, history)
    assert told.cause == report.cause
    assert told.findings[0].evidence[-1] == Evidence(
        "memory, the last samples", "54Mi of its 56Mi limit (96%); ▆ █")
    assert with_usage(report, pod, {}) is report  # no figures: the report as it was


def test_triage_says_a_probe_times_out_while_the_cpu_is_pinned_at_its_limit():
    from kubetui.k8s.triage.pods import triage_pod
    from kubetui.k8s.triage.usage import with_usage

    pod = crashing_pod({"cpu": "500m"}, {"exitCode": 137, "reason": "Error"})
    unhealthy = event_row({
        "metadata": {"uid": "e1", "namespace": "ns"}, "type": "Warning", "reason": "Unhealthy",
        "count": 9, "message": 'Liveness probe failed: command "sh -c sleep 3" timed out',
        "involvedObject": {"kind": "Pod", "name": "web", "uid": "u",
                           "fieldPath": "spec.containers{app}"}})
    report = triage_pod(pod, [unhealthy], 1_800_000_000.0)
    assert report.findings[0].check == "probes"
    pinned = with_usage(report, pod, {"app": ([0.49, 0.498], [10 * 2**20, 10 * 2**20])})
    assert pinned.cause == report.cause + (
        "; its CPU is pinned at the limit (498m of its 500m limit (100%)): the probe waits "
        "for CPU it is not given")
    assert pinned.findings[0].evidence[-1].value.endswith("██")
    idle = with_usage(report, pod, {"app": ([0.05, 0.06], [10 * 2**20, 10 * 2**20])})
    assert idle.cause == report.cause  # a timeout with CPU to spare: not the limit


def test_the_bars_scale_to_the_limit_or_to_their_highest():
    assert sparkline([0.0, 0.25, 0.5, 1.0], 1.0) == "▁▃▅█"
    assert sparkline([1.0, 2.0, None, 4.0]) == "▃▅ █"  # to their highest, a gap unmeasured
    assert sparkline([0.0, 0.0]) == "▁▁" and sparkline([]) == ""


def test_one_read_from_metrics_server_or_each_node_and_a_refusal_kept_as_such():
    """The read's requests (a stub answers them with the fixtures: no cluster here runs
    metrics-server; the kubelet's path is read for real in tests/ui/test_usage_columns.py)."""
    import asyncio

    from kubetui.k8s.metrics.read import read_nodes, read_sample
    from kubetui.k8s.metrics.sources import Choice
    from kubetui.k8s.transport.errors import ErrorKind, KubeError

    class Answer:
        def __init__(self, body: dict) -> None:
            self.content = json.dumps(body).encode()
            self.text = self.content.decode()

    class Stub:
        def __init__(self) -> None:
            self.asked: list[str] = []

        async def request(self, method: str, path: str, *, what: str) -> Answer:
            self.asked.append(path)
            if "ghost" in path:
                raise KubeError(ErrorKind.SERVER, f"{what}: 502 from the kubelet")
            if path.endswith("/namespaces/shop/pods"):
                return Answer(load("k8s-1.30/podmetrics.json"))
            if path.endswith("/nodes"):
                return Answer(load("k8s-1.30/nodemetrics.json"))
            return Answer(load("k8s-1.20/summary-usage-1.json"))

    stub = Stub()
    served = asyncio.run(read_sample(stub, Choice(METRICS_API, "v1beta1"), "shop", ()))
    assert stub.asked == ["/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods"]
    assert served.requests == 1 and ("shop", "ledger-0") in served.sample
    stub.asked = []
    kubelet = asyncio.run(read_sample(stub, Choice(KUBELET), "kubetui-demo",
                                      ["localhost", "ghost", "localhost", ""]))
    assert sorted(stub.asked) == ["/api/v1/nodes/ghost/proxy/stats/summary",
                                  "/api/v1/nodes/localhost/proxy/stats/summary"]
    assert list(kubelet.failed) == ["ghost"] and kubelet.requests == 2
    assert ("kubetui-demo", "ledger-1") in kubelet.sample
    elsewhere = asyncio.run(read_sample(stub, Choice(KUBELET), "other", ["localhost"]))
    assert elsewhere.sample == {}  # the node's other namespaces are not this scope's
    nodes = asyncio.run(read_nodes(stub, Choice(METRICS_API, "v1beta1"), ()))
    assert set(nodes.sample) == {"worker-a", "worker-b"}
