"""Command line: parse arguments, read the kubeconfig, connect, start the UI.

A failure to connect is one clear line on stderr and a non-zero exit, never a traceback: exit 1
when the cluster cannot be used, 2 for bad arguments. In a terminal the UI draws its first frame
first and connects meanwhile (``ConnectingScreen``); a connection that fails then ends the UI,
which gives the terminal back, and the same one line is printed. With no terminal to draw on
(output piped) and for ``--check``, kubetui connects before anything else, as before. A broken
kubeconfig is reported before the UI starts either way.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from kubetui import __version__
from kubetui.config import load_settings
from kubetui.k8s.transport.cluster import Cluster, ConnectOptions
from kubetui.k8s.transport.errors import KubeError
from kubetui.k8s.transport.kubeconfig import load_kubeconfig

EXIT_CLUSTER = 1
EXIT_USAGE = 2


def build_parser(prog: str = "kubetui") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=prog,
        description="A keyboard-driven Kubernetes debugging console.",
        epilog="Keys: ? help, : jump (pods, events, flows, pvc, ns NAME, ctx NAME), "
               "ctrl+p commands, q quit. `kubetui timeline list|export [FILE]`: the incident "
               "timelines recorded.")
    p.add_argument("--kubeconfig", metavar="PATH",
                   help="kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)")
    p.add_argument("--context", metavar="NAME", help="kubeconfig context to use")
    scope = p.add_mutually_exclusive_group()
    scope.add_argument("-n", "--namespace", metavar="NS", help="namespace to show")
    scope.add_argument("-A", "--all-namespaces", action="store_true",
                       help="show every namespace")
    p.add_argument("--readonly", action="store_true",
                   help="never send a write to the cluster; mutating actions are hidden")
    p.add_argument("--theme", metavar="NAME", help="colour theme (kubetui-dark, kubetui-light, "
                   "kubetui-contrast, kubetui-ansi, or a theme file's name; default: "
                   "kubetui-ansi on terminals with fewer than 256 colours, else kubetui-dark)")
    p.add_argument("--check", action="store_true",
                   help="connect, print the cluster and server version, and exit")
    p.add_argument("--version", action="version", version=f"kubetui {__version__}")
    return p


def main(argv: list[str] | None = None, prog: str = "kubetui") -> int:
    words = sys.argv[1:] if argv is None else argv
    if words[:1] == ["timeline"]:  # the recorded sessions, without the UI or a cluster
        from kubetui.timeline.command import main as timeline

        return timeline(words[1:], prog)
    args = build_parser(prog).parse_args(argv)
    settings = load_settings()
    options = ConnectOptions(kubeconfig=args.kubeconfig, context=args.context,
                             namespace=args.namespace, all_namespaces=args.all_namespaces,
                             readonly=args.readonly)
    try:
        return asyncio.run(_run(args, options, settings))
    except KeyboardInterrupt:
        print("kubetui: interrupted", file=sys.stderr)
        return 130


async def _run(args: argparse.Namespace, options: ConnectOptions, settings) -> int:
    cluster = kubeconfig = None
    try:
        if args.check or not sys.stdout.isatty():
            cluster = await Cluster.connect(options)
        else:
            kubeconfig = load_kubeconfig(options.kubeconfig)
            kubeconfig.context(options.context)  # a missing context is reported here
    except KubeError as exc:
        print(f"kubetui: error: {exc}", file=sys.stderr)
        return EXIT_CLUSTER
    app = None
    try:
        if args.check:
            info = cluster.info
            print(f"context {info.context}, server {info.server}, "
                  f"Kubernetes {info.version}, namespace {info.scope}")
            return 0
        from kubetui.app import KubetuiApp  # the UI loads only when it is to be shown

        app = KubetuiApp(cluster, settings, readonly=args.readonly, theme=args.theme,
                         connect_options=options, kubeconfig=kubeconfig)
        await app.run_async()
        if app.connect_error is not None:
            print(f"kubetui: error: {app.connect_error}", file=sys.stderr)
            return EXIT_CLUSTER
        return app.return_code or 0
    finally:
        # After a context switch the app holds a different cluster than the one we opened.
        for c in {id(c): c for c in (cluster, getattr(app, "cluster", None))
                  if c is not None}.values():
            await _close_quietly(c)


async def _close_quietly(cluster: Cluster) -> None:
    try:
        await cluster.close()
    except Exception:  # noqa: BLE001 - closing must never turn a clean exit into a traceback
        pass
