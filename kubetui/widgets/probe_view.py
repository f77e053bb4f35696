"""What the probe runner shows, as text: a probe's config, its risks, its events, the run history
with its sparkline and verdict. Pure functions of frozen values; all cluster text goes through
``safe_text`` (a probe's command and a container's output are written by whoever made the pod).
"""

from __future__ import annotations

import shlex
import time

from rich.text import Text
from textual.color import Color, ColorParseError

from kubetui.formatting import human_duration
from kubetui.k8s.probes.config import ERROR, FAILURE, SUCCESS, TIMEOUT, ProbeConfig, Verdict
from kubetui.k8s.probes.risks import Risk
from kubetui.k8s.probes.run import ProbeRun
from kubetui.k8s.probes.target import ContainerLive, ProbeEvent
from kubetui.safe_text import visible

BARS = "▁▂▃▄▅▆▇█"
RESULT_LABEL = {SUCCESS: "✓ Success", FAILURE: "✗ Failure", TIMEOUT: "✗ Timeout",
                ERROR: "! Error"}
RESULT_STYLE = {SUCCESS: "success", FAILURE: "error", TIMEOUT: "error", ERROR: "warning"}
FALLBACK = {"success": "green", "error": "red", "warning": "yellow"}


def palette(variables: dict[str, str]) -> dict[str, str]:
    """The theme's success/error/warning colours as Rich styles (Rich knows no ``$vars``)."""
    out = dict(FALLBACK)
    for name in FALLBACK:
        try:
            # The Rich name: "#ff0000", or "color(3)" for an ANSI colour (Rich has no ansi_*).
            out[name] = Color.parse(variables[name]).rich_color.name
        except (KeyError, ColorParseError):
            pass
    return out


def check_text(config: ProbeConfig) -> str:
    """The check itself, one line: the command, the URL, the port."""
    action = config.action
    if config.handler == "exec":
        return shlex.join(str(w) for w in action.get("command") or ())
    if config.handler == "httpGet":
        scheme = str(action.get("scheme") or "HTTP").lower()
        return f"{scheme}://:{action.get('port')}{action.get('path') or '/'}"
    if config.handler in ("tcpSocket", "grpc"):
        service = action.get("service")
        return f"port {action.get('port')}" + (f" service {service}" if service else "")
    return "?"


def table_cells(config: ProbeConfig, edited: bool, width: int = 60) -> list[str]:
    check = check_text(config)
    if len(check) > width:
        check = check[:width - 1] + "…"
    return [config.kind + (" *" if edited else ""), config.handler, visible(check),
            f"{config.timeout}s", f"{config.period}s",
            f"{config.success_threshold}/{config.failure_threshold}"]


def config_text(config: ProbeConfig, edited: bool, risks: tuple[Risk, ...],
                notes: tuple[str, ...], problem: str, pal: dict[str, str] = FALLBACK) -> Text:
    out = Text()
    title = f"{config.kind} probe ({config.handler})" + (" · edited, not applied" if edited
                                                        else "")
    out.append(title + "\n", style="bold")
    out.append("check: ")
    out.append(visible(check_text(config), 400) + "\n")
    fields = [("timeoutSeconds", config.timeout), ("periodSeconds", config.period),
              ("successThreshold", config.success_threshold),
              ("failureThreshold", config.failure_threshold),
              ("initialDelaySeconds", config.initial_delay)]
    for part in (fields[:3], fields[3:]):
        out.append("  ".join(f"{name} {value}" + (" (default)" if name in
                                                        config.defaulted else "")
                                    for name, value in part) + "\n")
    grace = "pod's" if config.termination_grace is None else f"{config.termination_grace}s"
    out.append(f"terminationGracePeriodSeconds {grace}\n")
    if problem:
        out.append(f"cannot run: {visible(problem, 400)}\n", style=pal["error"])
    for risk in risks:
        if risk.probe == config.kind:
            out.append("⚠ " + risk.text + "\n", style=pal["warning"])
    for note in notes:
        out.append(f"· {note}\n", style="dim")
    return out


def live_text(container: ContainerLive | None, events: list[ProbeEvent], now: float,
              pal: dict[str, str] = FALLBACK) -> Text:
    out = Text()
    if container is not None:
        out.append(f"container {visible(container.name)}: {visible(container.state)} · "
                   f"{'ready' if container.ready else 'not ready'} · restarts "
                   f"{container.restarts}\n", style="bold")
        if container.last_termination:
            out.append(f"last ended: {visible(container.last_termination)}\n")
    if not events:
        out.append("no Unhealthy or Killing events for it (events expire after 1 h)\n",
                   style="dim")
    for event in events[:8]:
        ago = "?" if event.last_seen is None else human_duration(now - event.last_seen)
        count = f" ×{event.count}" if event.count > 1 else ""
        out.append(f"{ago} ago {visible(event.reason)}{count}: ",
                   style=pal["warning"] if event.type == "Warning" else "")
        out.append(visible(event.message, 300) + "\n")
    return out


def sparkline(runs: list[ProbeRun], width: int = 40, pal: dict[str, str] = FALLBACK) -> Text:
    """Durations against the timeout: the top bar is the timeout; a run that reached it (a
    Timeout) is drawn full, in the error style, and marked with ⧗ below the sparkline."""
    out = Text()
    for run in runs[-width:]:
        ceiling = max(run.timeout, 0.001)
        level = min(len(BARS) - 1, int(run.duration / ceiling * (len(BARS) - 1)))
        out.append(BARS[level] if run.result != TIMEOUT else "█",
                   style=pal[RESULT_STYLE[run.result]])
    return out


def verdict_text(verdict: Verdict, runs: list[ProbeRun], config: ProbeConfig,
                 watching: bool, restarts_seen: int | None,
                 pal: dict[str, str] = FALLBACK) -> Text:
    out = Text()
    if not runs:
        out.append("no run yet · r runs it now, w runs it every periodSeconds as the kubelet "
                   "does", style="dim")
        return out
    last = runs[-1]
    out.append(f"last: {RESULT_LABEL[last.result]} {last.duration:.2f}s/{last.timeout}s · ",
               style=pal[RESULT_STYLE[last.result]])
    style = {"healthy": "success", "failing": "warning"}.get(verdict.state, "error")
    out.append(f"verdict ({len(runs)} runs): {verdict}", style=f"bold {pal[style]}")
    if watching:
        out.append(f" · watching, every {config.period}s")
    if restarts_seen:
        out.append(f" · the kubelet restarted it {restarts_seen}× meanwhile")
    out.append("\n")
    out.append_text(sparkline(runs, pal=pal))
    out.append(f"  durations, top = timeout {config.timeout} s", style="dim")
    return out


def history_cells(run: ProbeRun, pal: dict[str, str] = FALLBACK) -> list[Text]:
    stamp = time.strftime("%H:%M:%S", time.localtime(run.at)) if run.at else "-"
    output = visible(run.first_line, 120) + (" …(10 KiB cap)" if run.truncated else "")
    return [Text(stamp), Text(RESULT_LABEL[run.result], style=pal[RESULT_STYLE[run.result]]),
            Text(f"{run.duration:.2f}s / {run.timeout}s"), Text(visible(run.detail, 200)),
            Text(output)]


def run_text(run: ProbeRun) -> tuple[str, str]:
    """A run whole (title, text): the history table cuts its detail and output."""
    cut = "\n(cut at 10 KiB, as the kubelet cuts it)" if run.truncated else ""
    return (f"{run.result} in {run.duration:.2f} s (timeout {run.timeout} s)",
            f"{run.detail}\n\noutput:\n{run.output or '(none)'}{cut}")
