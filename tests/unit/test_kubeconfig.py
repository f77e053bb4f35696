"""Kubeconfig loading: kubectl's merge rules and one clear message per mistake."""

from pathlib import Path

import pytest
import yaml

from kubetui.k8s.transport.errors import ErrorKind, KubeError
from kubetui.k8s.transport.kubeconfig import load_kubeconfig


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


def test_disable_compression_must_be_true_or_false(tmp_path):
    data = config("one", current="one")
    data["clusters"][0]["cluster"]["disable-compression"] = "yes"
    with pytest.raises(KubeError) as e:
        load_kubeconfig(str(write(tmp_path / "k", data))).context()
    assert e.value.kind == ErrorKind.CONFIG
    assert "disable-compression must be true or false, not 'yes'" in e.value.summary
    data["clusters"][0]["cluster"]["disable-compression"] = True
    assert load_kubeconfig(str(write(tmp_path / "k", data))).context().name == "one"


@pytest.mark.parametrize(("option", "value", "needle"), [
    ("proxy-url", "ftp://proxy:21", "proxy-url 'ftp://proxy:21' is not an http://, https://"),
    ("proxy-url", "socks5://", "is not an http://, https:// or socks5:// URL"),
    ("proxy-url", 1080, "proxy-url 1080 is not"),
    ("proxy-url", "http://proxy:notaport", "proxy-url 'http://proxy:notaport' is not"),
    ("tls-server-name", "", "tls-server-name must be a host name"),
    ("tls-server-name", ["a"], "tls-server-name must be a host name, not ['a']"),
])
def test_connection_options_kubectl_would_refuse(tmp_path, option, value, needle):
    data = config("one", current="one")
    data["clusters"][0]["cluster"][option] = value
    with pytest.raises(KubeError) as e:
        load_kubeconfig(str(write(tmp_path / "k", data))).context()
    assert e.value.kind == ErrorKind.CONFIG and needle in e.value.summary


def test_connection_options_kubectl_accepts(tmp_path):
    data = config("one", current="one")
    data["clusters"][0]["cluster"].update({"proxy-url": "SOCKS5://localhost:1080",
                                           "tls-server-name": "kubernetes"})
    assert load_kubeconfig(str(write(tmp_path / "k", data))).context().name == "one"
