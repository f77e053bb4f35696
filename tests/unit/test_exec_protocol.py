"""The exec/attach stream protocol: request building, framing, and the exit status, from bytes
recorded on the local 1.20 apiserver (tests/fixtures/exec)."""

from __future__ import annotations

from pathlib import Path

from kubetui.k8s.transport.exec import (
    ERROR,
    RESIZE,
    STDIN,
    ExecRequest,
    ExitStatus,
    frame,
    parse_status,
    resize_frame,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "exec"


def recorded(name: str) -> bytes:
    data = (FIXTURES / name).read_bytes()
    assert data[0] == ERROR
    return data[1:]


def test_recorded_statuses():
    assert parse_status(recorded("status-success-1.20.bin")) == ExitStatus(0)
    nonzero = parse_status(recorded("status-nonzero-1.20.bin"))
    assert nonzero.code == 3 and nonzero.reason == "NonZeroExitCode"
    plain = parse_status(recorded("status-plain-1.20.bin"))
    assert plain.code == 3
    missing = parse_status(recorded("status-notfound-1.20.bin"))
    assert missing.code is None and missing.command_not_found
    assert "nope-cmd" in missing.message


def test_odd_statuses():
    assert parse_status(b"") == ExitStatus(0)
    assert parse_status(b'{"status":"Failure","reason":"NonZeroExitCode","details":'
                        b'{"causes":[{"reason":"ExitCode","message":"x"}]}}').code is None
    assert parse_status(b"[1,2]").code is None
    assert parse_status(b"something else broke").message == "something else broke"


def test_frames():
    assert frame(STDIN, b"ls\n") == b"\x00ls\n"
    assert resize_frame(80, 24) == bytes([RESIZE]) + b'{"Width": 80, "Height": 24}'


def test_exec_request_and_kubectl_equivalent():
    r = ExecRequest("demo", "web-0", "app", ("sh", "-c", "echo 'a b'"), stdin=True, tty=True)
    assert r.path == "/api/v1/namespaces/demo/pods/web-0/exec"
    assert r.params == [("container", "app"), ("stdout", "true"), ("stderr", "false"),
                        ("stdin", "true"), ("tty", "true"), ("command", "sh"), ("command", "-c"),
                        ("command", "echo 'a b'")]
    assert r.kubectl() == "kubectl exec -it -n demo web-0 -c app -- sh -c 'echo '\"'\"'a b'\"'\"''"
    a = ExecRequest("demo", "web-0", "app", stdin=True, tty=True, attach=True)
    assert a.path.endswith("/attach") and ("command", "sh") not in a.params
    assert a.kubectl() == "kubectl attach -it -n demo web-0 -c app"
