"""Reading kubeconfig files the way kubectl does, with errors a person can act on.

A malformed file or an unknown context gets a message a person can act on. We load and merge
the files (``KUBECONFIG`` may list several: the first file that sets ``current-context`` wins,
and the first definition of each named cluster, user or context wins) and resolve relative
certificate and token paths against the file that named them; ``credentials.py`` reads the
chosen user's entry from here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml

from kubetui.k8s.transport.errors import ErrorKind, KubeError

_PATH_KEYS = {"clusters": ("certificate-authority",),
              "users": ("client-certificate", "client-key", "tokenFile")}


@dataclass(frozen=True)
class ContextInfo:
    name: str
    cluster: str
    user: str
    namespace: str | None
    server: str
    uses_exec: bool


@dataclass(frozen=True)
class Kubeconfig:
    """The merged kubeconfig: what ``kubectl config view`` would show."""

    files: tuple[Path, ...]
    current_context: str | None
    contexts: dict[str, dict] = field(repr=False)
    clusters: dict[str, dict] = field(repr=False)
    users: dict[str, dict] = field(repr=False)

    @property
    def context_names(self) -> list[str]:
        return sorted(self.contexts)

    def context(self, name: str | None = None) -> ContextInfo:
        name = name or self.current_context
        if not name:
            if len(self.contexts) == 1:
                name = next(iter(self.contexts))
            else:
                raise KubeError(ErrorKind.CONFIG, "the kubeconfig has no current-context",
                                _choose_hint(self))
        if name not in self.contexts:
            raise KubeError(ErrorKind.CONFIG, f'context "{name}" is not in the kubeconfig',
                            _choose_hint(self))
        ctx = self.contexts[name] or {}
        cluster_name, user_name = ctx.get("cluster"), ctx.get("user")
        if not cluster_name or cluster_name not in self.clusters:
            raise KubeError(ErrorKind.CONFIG,
                            f'context "{name}" refers to cluster "{cluster_name}", '
                            "which the kubeconfig does not define")
        cluster = self.clusters[cluster_name] or {}
        if not cluster.get("server"):
            raise KubeError(ErrorKind.CONFIG, f'cluster "{cluster_name}" has no server URL')
        _check_connection_options(cluster_name, cluster)
        user = self.users.get(user_name or "", {}) or {}
        if user_name and user_name not in self.users:
            raise KubeError(ErrorKind.CONFIG,
                            f'context "{name}" refers to user "{user_name}", '
                            "which the kubeconfig does not define")
        return ContextInfo(name=name, cluster=cluster_name, user=user_name or "",
                           namespace=ctx.get("namespace"), server=cluster["server"],
                           uses_exec="exec" in user)


PROXY_SCHEMES = ("http", "https", "socks5")  # what kubectl accepts in proxy-url


def _check_connection_options(name: str, cluster: dict) -> None:
    """The cluster entry's options that change how the apiserver is reached (``cluster.py``
    applies them), refused here with one message each when kubectl would refuse them too."""
    if not isinstance(cluster.get("disable-compression", False), bool):
        raise KubeError(ErrorKind.CONFIG, f'cluster "{name}": disable-compression must be '
                        f"true or false, not {cluster['disable-compression']!r}")
    server_name = cluster.get("tls-server-name")
    if server_name is not None and not (isinstance(server_name, str) and server_name.strip()):
        raise KubeError(ErrorKind.CONFIG, f'cluster "{name}": tls-server-name must be a host '
                        f"name, not {server_name!r}")
    proxy = cluster.get("proxy-url")
    if proxy is not None and not _is_proxy_url(proxy):
        raise KubeError(ErrorKind.CONFIG, f'cluster "{name}": proxy-url {proxy!r} is not '
                        "an http://, https:// or socks5:// URL",
                        "e.g. socks5://localhost:1080 for `ssh -D 1080 bastion`")


def _is_proxy_url(value: object) -> bool:
    """Parsed as httpx will parse it when the client is made (a bad port there would be an
    exception in the middle of connecting, not a message)."""
    try:
        url = httpx.URL(value) if isinstance(value, str) else None
    except httpx.InvalidURL:
        return False
    return url is not None and url.scheme in PROXY_SCHEMES and bool(url.host)


def _choose_hint(cfg: Kubeconfig) -> str:
    names = cfg.context_names
    if not names:
        return "it defines no contexts"
    shown = ", ".join(names[:8]) + (" ..." if len(names) > 8 else "")
    return f"pick one with --context: {shown}"


def kubeconfig_paths(explicit: str | None = None) -> list[Path]:
    """--kubeconfig, else every file in $KUBECONFIG, else ~/.kube/config."""
    if explicit:
        return [Path(explicit).expanduser()]
    env = os.environ.get("KUBECONFIG", "")
    if env.strip():
        return [Path(p).expanduser() for p in env.split(os.pathsep) if p.strip()]
    return [Path("~/.kube/config").expanduser()]


def _resolve_paths(section: str, entry: dict, base: Path) -> dict:
    out = dict(entry)
    for key in _PATH_KEYS.get(section, ()):
        value = out.get(key)
        if isinstance(value, str) and value and not os.path.isabs(os.path.expanduser(value)):
            out[key] = str(base / value)
        elif isinstance(value, str) and value:
            out[key] = os.path.expanduser(value)
    return out


def _load_one(path: Path) -> dict:
    try:
        text = path.read_text()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise KubeError(ErrorKind.CONFIG, f"cannot read kubeconfig {path}: {exc.strerror}") from exc
    try:
        # libyaml's parser when PyYAML was built with it: the same safe loader, about ten
        # times faster on a kubeconfig with embedded certificates (every launch reads it).
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise KubeError(ErrorKind.CONFIG, f"kubeconfig {path} is not valid YAML{where}",
                        "fix or replace the file") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise KubeError(ErrorKind.CONFIG, f"kubeconfig {path} is not a kubeconfig (not a mapping)")
    for section in ("clusters", "users", "contexts"):
        items = data.get(section)
        if items is not None and not (isinstance(items, list) and
                                      all(isinstance(i, dict) and "name" in i for i in items)):
            raise KubeError(ErrorKind.CONFIG,
                            f"kubeconfig {path}: '{section}' must be a list of named entries")
    return data


def load_kubeconfig(explicit: str | None = None) -> Kubeconfig:
    paths = kubeconfig_paths(explicit)
    existing = [p for p in paths if p.exists()]
    if not existing:
        listed = ", ".join(str(p) for p in paths)
        raise KubeError(ErrorKind.CONFIG, f"no kubeconfig found ({listed})",
                        "pass --kubeconfig or set KUBECONFIG")
    current: str | None = None
    merged: dict[str, dict[str, dict]] = {"clusters": {}, "users": {}, "contexts": {}}
    for path in existing:
        data = _load_one(path)
        if current is None and data.get("current-context"):
            current = str(data["current-context"])
        base = path.resolve().parent
        for section, inner in (("clusters", "cluster"), ("users", "user"),
                               ("contexts", "context")):
            for item in data.get(section) or []:
                name = str(item["name"])
                if not isinstance(item.get(inner) or {}, dict):
                    raise KubeError(ErrorKind.CONFIG, f"kubeconfig {path}: {section} entry "
                                    f"'{name}' has a '{inner}' that is not a mapping")
                if name not in merged[section]:
                    merged[section][name] = _resolve_paths(section, item.get(inner) or {}, base)
    if not merged["contexts"]:
        raise KubeError(ErrorKind.CONFIG, "the kubeconfig defines no contexts",
                        ", ".join(str(p) for p in existing))
    return Kubeconfig(files=tuple(existing), current_context=current,
                      contexts=merged["contexts"], clusters=merged["clusters"],
                      users=merged["users"])
