"""Kubeconfig loading: kubectl's merge rules and one clear message per mistake."""

from pathlib import Path

import pytest
import yaml

from kubetui.k8s.errors import ErrorKind, KubeError
from kubetui.k8s.kubeconfig import load_kubeconfig


def write(path: Path, data) -> Path:
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data))
    return path


def config(ctx: str, cluster: str = "c", user: str = "u", server: str = "https://a:6443",
           current: str | None = None, **user_fields) -> dict:
    return {"apiVersion": "v1", "kind": "Config", "current-context": current,
            "clusters": [{"name": cluster, "cluster": {"server": server,
                                                       "certificate-authority": "ca.crt"}}],
            "users": [{"name": user, "user": user_fields or {"token": "t"}}],
            "contexts": [{"name": ctx, "context": {"cluster": cluster, "user": user,
                                                   "namespace": "team"}}]}


def test_merge_first_current_context_and_first_definition_win(tmp_path, monkeypatch):
    a = write(tmp_path / "a", config("one", current=None))
    b = write(tmp_path / "b", config("two", cluster="c", server="https://b:6443", current="two"))
    c = write(tmp_path / "c", config("three", cluster="x", current="three"))
    monkeypatch.setenv("KUBECONFIG", f"{a}:{b}:{c}")
    cfg = load_kubeconfig()
    assert cfg.current_context == "two"
    assert cfg.context_names == ["one", "three", "two"]
    # cluster "c" was defined first by file a: its server wins
    assert cfg.context("two").server == "https://a:6443"
    assert cfg.context().namespace == "team"


def test_relative_paths_resolve_against_their_file(tmp_path):
    sub = tmp_path / "sub"
    sub.mkdir()
    path = write(sub / "config", config("one", current="one"))
    cfg = load_kubeconfig(str(path))
    assert cfg.clusters[cfg.context("one").cluster]["certificate-authority"] == \
        str(sub / "ca.crt")


def test_missing_file(tmp_path):
    with pytest.raises(KubeError) as e:
        load_kubeconfig(str(tmp_path / "nope"))
    assert e.value.kind is ErrorKind.CONFIG and "no kubeconfig found" in e.value.summary


@pytest.mark.parametrize("text,needle", [
    ("a: [unclosed", "not valid YAML at line"),
    ("- just\n- a list\n", "not a mapping"),
    ("clusters: 5\n", "must be a list of named entries"),
    ("apiVersion: v1\nkind: Config\n", "defines no contexts"),
])
def test_malformed(tmp_path, text, needle):
    with pytest.raises(KubeError) as e:
        load_kubeconfig(str(write(tmp_path / "k", text)))
    assert needle in e.value.summary


def test_unknown_context_lists_the_known_ones(tmp_path):
    cfg = load_kubeconfig(str(write(tmp_path / "k", config("one", current="one"))))
    with pytest.raises(KubeError) as e:
        cfg.context("prod")
    assert 'context "prod"' in e.value.summary and "one" in e.value.hint


def test_dangling_references(tmp_path):
    data = config("one", current="one")
    data["contexts"][0]["context"]["cluster"] = "gone"
    cfg = load_kubeconfig(str(write(tmp_path / "k", data)))
    with pytest.raises(KubeError) as e:
        cfg.context()
    assert 'cluster "gone"' in e.value.summary


def test_exec_user_is_flagged(tmp_path):
    data = config("one", current="one", exec={"apiVersion": "client.authentication.k8s.io/v1",
                                              "command": "get-token"})
    assert load_kubeconfig(str(write(tmp_path / "k", data))).context().uses_exec
