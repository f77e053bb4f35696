"""The architecture, checked: the import-linter contracts in pyproject.toml (the layers, the cluster
layer free of the UI), API paths only in the cluster layer, module sizes, guarded handlers."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_import_contract_is_kept():
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint)], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_k8s_layer_imports_without_textual():
    code = ("import sys, kubetui.k8s.transport.cluster, kubetui.k8s.transport.discovery, "
            "kubetui.k8s.core.namespaces; "
            "assert not any(m == 'textual' or m.startswith('textual.') for m in sys.modules)")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


#: Loaded on first use, never by ``import kubetui.app``: libraries (the kubernetes package
#: ~0.13 s, httpx-ws, pyte) and the screens of actions (together ~0.1 s of a 0.5 s launch).
LATER = ("kubernetes", "httpx_ws", "pyte", "kubetui.widgets.terminal",
         "kubetui.screens.terminal_session", "kubetui.screens.pod_detail",
         "kubetui.screens.probe_runner", "kubetui.screens.debug_form",
         "kubetui.screens.debug_session", "kubetui.screens.help", "kubetui.screens.node_audit",
         "kubetui.k8s.probes.target", "kubetui.k8s.debug.plans", "kubetui.k8s.core.pod_detail",
         "kubetui.flows.debug", "kubetui.flows.probes", "kubetui.flows.streams",
         "kubetui.flows.storage", "kubetui.flows.forwards", "kubetui.k8s.forward.tunnel",
         "kubetui.screens.forward_form", "kubetui.screens.forwards_view",
         "kubetui.screens.timeline_view", "kubetui.timeline.export", "kubetui.timeline.command")


def test_start_up_leaves_heavy_libraries_for_later():
    """Every launch pays for what ``kubetui.app`` imports: what only an action needs loads when
    the action is first used (``LATER``)."""
    code = ("import sys, kubetui.app; "
            f"print(' '.join(m for m in {LATER!r} if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, timeout=60, cwd=REPO)
    assert result.stdout.strip() == "", f"imported at start-up: {result.stdout.strip()}"


def test_every_widget_and_screen_is_guarded():
    """An exception in any kubetui handler is reported, never the end of the app (guard.py)."""
    import importlib
    import inspect
    import pkgutil

    from textual.message_pump import MessagePump

    import kubetui
    from kubetui.guard import Guarded

    unguarded = []
    for mod in pkgutil.walk_packages(kubetui.__path__, "kubetui."):
        if mod.name.startswith("kubetui.k8s"):
            continue
        module = importlib.import_module(mod.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == mod.name and issubclass(cls, MessagePump) \
                    and not issubclass(cls, Guarded):
                unguarded.append(f"{mod.name}.{cls.__name__}")
    assert unguarded == []


def test_test_modules_have_unique_names():
    """pytest imports test modules by basename (rootdir, no packages): two files with one name
    in different folders stop the whole collection."""
    from collections import Counter
    from pathlib import Path

    names = Counter(p.name for p in Path(__file__).parent.parent.rglob("test_*.py"))
    assert [n for n, count in names.items() if count > 1] == []


PACKAGE = REPO / "kubetui"


def _sources(under: Path = PACKAGE):
    return sorted(p for p in under.rglob("*.py"))


def test_api_paths_are_built_in_the_cluster_layer_only():
    """A view names what it wants (a pod, a node's configz); ``kubetui.k8s`` knows the URL."""
    import re

    path = re.compile(r"""["'](/api/|/apis/)""")
    outside = [f"{p.relative_to(REPO)}:{n}" for p in _sources()
               if PACKAGE / "k8s" not in p.parents
               for n, line in enumerate(p.read_text().splitlines(), 1) if path.search(line)]
    assert outside == []


def test_module_sizes():
    """Small modules with one job: none over 400 lines, the main screen at most 300."""
    sizes = {str(p.relative_to(REPO)): len(p.read_text().splitlines()) for p in _sources()}
    assert {name: n for name, n in sizes.items() if n > 400} == {}
    assert sizes["kubetui/screens/main.py"] <= 300


def test_views_and_flows_do_not_reach_into_the_app_untyped():
    """Screens, widgets and flows use the app through ``host()`` (a typed protocol), not
    attributes Textual's ``App`` does not have behind ``type: ignore[attr-defined]``."""
    found = [f"{p.relative_to(REPO)}:{n}"
             for folder in ("screens", "widgets", "flows") for p in _sources(PACKAGE / folder)
             for n, line in enumerate(p.read_text().splitlines(), 1)
             if "type: ignore[attr-defined]" in line]
    assert found == []


def test_every_input_applies_its_keys_in_order():
    """A line is typed through ``LineInput`` (widgets/line_input.py): Textual's ``Input`` runs
    its bound keys after the keys typed behind them when they arrive in one read."""
    import re

    found = [f"{p.relative_to(REPO)}:{n}" for p in _sources(PACKAGE)
             for n, line in enumerate(p.read_text().splitlines(), 1)
             if re.search(r"(?<![\w.])Input\(", line) and not line.lstrip().startswith("class ")]
    assert found == []
