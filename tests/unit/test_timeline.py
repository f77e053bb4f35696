"""The incident timeline's pure parts and its file: entries as JSON lines (a torn last line left
out), the object an API path names, the Markdown export against a golden file (hostile text
printed as written), the JSON export, pruning old sessions, and the command line's export."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from kubetui.timeline.entries import ACTION, FORWARD, NOTE, PROBE, START, Entry, parse_line
from kubetui.timeline.export import as_json, markdown
from kubetui.timeline.journal import Journal, prune, read, session_name, sessions
from kubetui.timeline.recorder import Timeline, object_of

GOLDEN = Path(__file__).parent / "golden" / "timeline.md"
T0 = 1_796_612_400.0  # 2026-12-07 03:00:00 UTC

ENTRIES = [
    Entry(T0, START, "session started: context prod", "prod", "shop",
          details={"server": "https://k8s.example:6443", "user": "sre"}),
    Entry(T0 + 30, PROBE, "readinessProbe of web-1/app: HTTP 503", "prod", "shop",
          "pods/web-1", outcome="failure"),
    Entry(T0 + 60, ACTION, "delete pod web-1", "prod", "shop", "pods/web-1",
          kubectl="kubectl delete pod -n shop web-1", outcome="done",
          dry_run="delete pod web-1: would be deleted"),
    Entry(T0 + 61, ACTION, "patch deployment checkout", "prod", "shop",
          "deployments/checkout", kubectl="kubectl rollout undo -n shop deployment/checkout "
          "--to-revision=3", outcome="refused: admission webhook \"policy\" denied the request"),
    Entry(T0 + 90, FORWARD, "port-forward svc/web", "prod", "shop", "svc/web",
          kubectl="kubectl port-forward -n shop svc/web 8080:80",
          outcome="listening: 127.0.0.1:8080 → svc/web:80 (pod web-2:8080)"),
    # cluster text that looks like markup, and a control sequence
    Entry(T0 + 120, NOTE, "rolled back: *not* the `cache` | see <ops>\x1b[2J", "prod"),
]


def test_an_entry_is_one_line_of_json_and_back():
    for entry in ENTRIES:
        line = entry.line()
        assert "\n" not in line and "\x1b" not in line  # JSON escapes control characters
        assert parse_line(line) == entry


def test_lines_that_are_not_entries_are_left_out(tmp_path):
    path = tmp_path / "s.jsonl"
    journal = Journal(path)
    for entry in ENTRIES[:3]:
        journal.write(entry)
    journal.close()
    with open(path, "a") as f:
        f.write('{"time": 1, "kind": "action", "summ')  # the line a crash cut
    assert read(path) == ENTRIES[:3]
    assert parse_line('{"time": 1, "kind": "other", "summary": "x"}') is None


def test_an_api_path_names_its_object():
    assert object_of("/api/v1/namespaces/shop/pods/web-1") == ("shop", "pods/web-1")
    assert object_of("/apis/apps/v1/namespaces/shop/deployments/checkout/scale") == (
        "shop", "deployments/checkout")
    assert object_of("/api/v1/nodes/n1") == ("", "nodes/n1")
    assert object_of("/apis/batch/v1/namespaces/shop/jobs") == ("shop", "jobs")
    assert object_of("/healthz") == ("", "")


def test_the_markdown_export_matches_the_golden_file():
    text = markdown(ENTRIES, "2026-12-07T03-00-00Z-prod.jsonl")
    if os.environ.get("KUBETUI_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(text)
    assert text == GOLDEN.read_text()
    assert "\x1b" not in text and r"\*not\* the \`cache\` \| see \<ops\>␛" in text


def test_the_json_export_is_every_entry():
    data = json.loads(as_json(ENTRIES))
    assert [d["summary"] for d in data] == [e.summary for e in ENTRIES]
    assert data[2]["kubectl"] == "kubectl delete pod -n shop web-1"


def test_old_sessions_are_pruned(tmp_path):
    old, new = tmp_path / session_name(T0 - 40 * 86400, "a"), tmp_path / session_name(T0, "b")
    for path in (old, new):
        path.write_text(ENTRIES[0].line() + "\n")
    os.utime(old, (T0 - 40 * 86400, T0 - 40 * 86400))
    os.utime(new, (T0, T0))
    assert prune(tmp_path, 30, T0) == [old]
    assert sessions(tmp_path) == [new]


def test_the_recorder_opens_one_file_and_says_when_it_cannot(tmp_path):
    said = []
    timeline = Timeline(folder=tmp_path / "incidents", clock=lambda: T0, warn=said.append)
    assert timeline.record(ACTION, "before any connection") is None  # nothing to write to
    timeline.connected("prod/eu", "shop", "https://k8s", "sre")
    timeline.record(ACTION, "delete pod web-1", namespace="shop", object="pods/web-1")
    assert timeline.path.name == "2026-12-07T03-00-00Z-prod_eu.jsonl"
    assert [e.summary for e in read(timeline.path)] == ["session started: context prod/eu",
                                                       "delete pod web-1"]
    timeline.close()
    blocked = tmp_path / "file"
    blocked.write_text("")
    broken = Timeline(folder=blocked / "incidents", clock=lambda: T0, warn=said.append)
    broken.connected("prod", "shop", "", "")
    assert broken.journal is None and "not recorded" in said[0]
    off = Timeline(enabled=False, folder=tmp_path / "off", clock=lambda: T0)
    off.connected("prod", "shop", "", "")
    assert not (tmp_path / "off").exists()


def test_the_command_line_exports_the_latest_session(tmp_path):
    folder = tmp_path / "incidents"
    folder.mkdir()
    (folder / session_name(T0, "prod")).write_text("".join(e.line() + "\n" for e in ENTRIES))
    env = {**os.environ, "KUBETUI_TIMELINE_DIR": str(folder)}
    run = subprocess.run([sys.executable, "-m", "kubetui", "timeline", "export",
                          str(tmp_path / "out.md")], capture_output=True, text=True, env=env,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "out.md").read_text() == GOLDEN.read_text().replace(
        "2026-12-07T03-00-00Z-prod.jsonl", session_name(T0, "prod"))
    again = subprocess.run([sys.executable, "-m", "kubetui", "timeline", "export",
                            str(tmp_path / "out.md")], capture_output=True, text=True, env=env,
                           timeout=60)
    assert again.returncode == 2 and "cannot write" in again.stderr  # never overwritten
    listed = subprocess.run([sys.executable, "-m", "kubetui", "timeline", "list"],
                            capture_output=True, text=True, env=env, timeout=60)
    assert listed.stdout.split() == [session_name(T0, "prod")]
