"""What ``kubectl describe`` says of a HorizontalPodAutoscaler and a PodDisruptionBudget.

An HPA comes in the shape of the version the catalog prefers: ``autoscaling/v1`` on the local
1.20 (``targetCPUUtilizationPercentage`` only), ``autoscaling/v2`` on 1.23+ (``spec.metrics``:
Resource, ContainerResource, Pods, Object and External sources, each with a ``target`` and,
in ``status.currentMetrics``, a ``current``), and ``v2beta1`` (``targetAverageUtilization``,
``metricName``) on old servers. Each metric becomes one line "what: current / target", the
way kubectl prints them, ``<unknown>`` where the status has no figure yet (no metrics server).
"""

from __future__ import annotations

from kubetui.k8s.transport.shapes import mapping, text

UNKNOWN = "<unknown>"
SOURCES = {"Resource": "resource", "ContainerResource": "containerResource", "Pods": "pods",
           "Object": "object", "External": "external"}


def _quantity(figures: dict, percent_key: str, *value_keys: str) -> str:
    percent = figures.get(percent_key)
    if isinstance(percent, int) and not isinstance(percent, bool):
        return f"{percent}%"
    for key in value_keys:
        if figures.get(key) not in (None, ""):
            return text(figures.get(key))
    return ""


def _what(kind: str, source: dict) -> str:
    metric = mapping(source.get("metric"))
    name = text(metric.get("name")) or text(source.get("metricName")) or text(source.get("name"))
    if kind == "Resource":
        return f"resource {name} on pods"
    if kind == "ContainerResource":
        return f"resource {name} of container {text(source.get('container'))} on pods"
    if kind == "Pods":
        return f'"{name}" on pods'
    if kind == "Object":
        target = mapping(source.get("describedObject") or source.get("target"))
        return f'"{name}" on {text(target.get("kind"))}/{text(target.get("name"))}'
    return f'"{name}" (external metric)'


def _figure(block: dict) -> str:
    """A v2 ``target`` or ``current``, or a v2beta1 source read with its own keys."""
    return (_quantity(block, "averageUtilization", "averageValue", "value") or
            _quantity(block, "targetAverageUtilization", "targetAverageValue", "targetValue") or
            _quantity(block, "currentAverageUtilization", "currentAverageValue",
                      "currentValue"))


def hpa_metrics(spec: dict, status: dict) -> list[tuple[str, str, str]]:
    """(what, current, target) per metric, in the spec's order."""
    if "targetCPUUtilizationPercentage" in spec or "metrics" not in spec:  # autoscaling/v1
        target = spec.get("targetCPUUtilizationPercentage")
        current = status.get("currentCPUUtilizationPercentage")
        return [("resource cpu on pods (as a percentage of request)",
                 f"{current}%" if isinstance(current, int) else UNKNOWN,
                 f"{target}%" if isinstance(target, int) else "80% (the default)")]
    currents: dict[tuple[str, str], dict] = {}
    for entry in status.get("currentMetrics") or ():
        entry = mapping(entry)
        kind = text(entry.get("type"))
        source = mapping(entry.get(SOURCES.get(kind, "")))
        currents[(kind, _what(kind, source))] = source
    out = []
    for entry in spec.get("metrics") or ():
        entry = mapping(entry)
        kind = text(entry.get("type"))
        source = mapping(entry.get(SOURCES.get(kind, "")))
        what = _what(kind, source)
        target = _figure(mapping(source.get("target"))) or _figure(source) or UNKNOWN
        found = currents.get((kind, what), {})
        current = _figure(mapping(found.get("current"))) or _figure(found) or UNKNOWN
        out.append((what, current, target))
    return out


def hpa_section(_meta: dict, spec: dict, status: dict) -> list[str]:
    ref = mapping(spec.get("scaleTargetRef"))
    lines = [f"Reference:\t{text(ref.get('kind'))}/{text(ref.get('name'))}",
             "Metrics:\t( current / target )"]
    lines += [f"  {what}:\t{current} / {target}"
              for what, current, target in hpa_metrics(spec, status)]
    lines += [f"Min replicas:\t{text(spec.get('minReplicas')) or '1'}",
              f"Max replicas:\t{text(spec.get('maxReplicas'))}",
              f"{text(ref.get('kind'))} pods:\t{text(status.get('currentReplicas')) or '0'} "
              f"current / {text(status.get('desiredReplicas')) or '0'} desired"]
    return lines


def pdb_section(_meta: dict, spec: dict, status: dict) -> list[str]:
    lines = []
    if "minAvailable" in spec:
        lines.append(f"Min available:\t{text(spec.get('minAvailable'))}")
    if "maxUnavailable" in spec:
        lines.append(f"Max unavailable:\t{text(spec.get('maxUnavailable'))}")
    labels = mapping(mapping(spec.get("selector")).get("matchLabels"))
    lines.append("Selector:\t" + (", ".join(f"{k}={v}" for k, v in sorted(labels.items()))
                                  or "<none>"))
    lines += ["Status:",
              f"  Allowed disruptions:\t{text(status.get('disruptionsAllowed')) or '0'}",
              f"  Current:\t{text(status.get('currentHealthy')) or '0'}",
              f"  Desired:\t{text(status.get('desiredHealthy')) or '0'}",
              f"  Total:\t{text(status.get('expectedPods')) or '0'}"]
    return lines
