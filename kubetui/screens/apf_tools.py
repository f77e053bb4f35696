"""APF dialogs: a flow schema's full rules, and "who would match" for a hypothetical request.

Both work on the rows the flows pane already holds: no request is sent to the cluster.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from kubetui.bindings import MODAL_BINDINGS
from kubetui.guard import Guarded
from kubetui.k8s.apf.flowcontrol import FlowSchemaRow, RequestAttrs, match_flow_schema
from kubetui.safe_text import plain_lines
from kubetui.widgets.line_input import LineInput


def rules_text(schema: FlowSchemaRow) -> str:
    lines = [f"FlowSchema {schema.name}", f"  precedence {schema.precedence}, "
             f"priority level {schema.priority_level}, distinguisher "
             f"{schema.distinguisher or 'none'}"]
    for cond in schema.conditions:
        lines.append(f"  condition {cond[0]}={cond[1]} {cond[2]}".rstrip())
    for i, rule in enumerate(schema.rules, start=1):
        lines.append(f"rule {i}:")
        for s in rule.subjects:
            who = f"{s.namespace}/{s.name}" if s.kind == "ServiceAccount" else s.name
            lines.append(f"  subject {s.kind} {who}")
        for r in rule.resource_rules:
            scope = ", cluster-scoped too" if r.cluster_scope else ""
            groups = ",".join(g or '""' for g in r.api_groups)
            lines.append(f"  resources verbs={','.join(r.verbs)} groups={groups} "
                         f"resources={','.join(r.resources)} "
                         f"namespaces={','.join(r.namespaces) or '-'}{scope}")
        for n in rule.non_resource_rules:
            lines.append(f"  non-resource verbs={','.join(n.verbs)} urls={','.join(n.urls)}")
    return "\n".join(lines)


class SchemaRulesScreen(Guarded, ModalScreen[None]):
    BINDINGS = MODAL_BINDINGS

    def __init__(self, schema: FlowSchemaRow) -> None:
        super().__init__(classes="apf-dialog")
        self.schema = schema

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="apf-dialog-body"):
            yield Static(plain_lines(rules_text(self.schema)), id="schema-rules")

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)


BUILTIN_GROUPS = ("apps", "batch", "policy", "autoscaling", "extensions")


def parse_request(user: str, groups: str, verb: str, target: str, namespace: str) -> RequestAttrs:
    """``target`` is a resource (``pods``, ``apps/deployments``, ``pods/log``) or a URL path."""
    target = target.strip()
    common = {"user": user.strip() or "system:anonymous",
              "groups": tuple(g.strip() for g in groups.split(",") if g.strip()),
              "verb": verb.strip() or "get"}
    if target.startswith("/"):
        return RequestAttrs(**common, path=target)
    group, resource = "", target
    parts = target.split("/")
    if len(parts) >= 2 and ("." in parts[0] or parts[0] in BUILTIN_GROUPS):
        group, resource = parts[0], "/".join(parts[1:])
    return RequestAttrs(**common, api_group=group, resource=resource or "pods",
                        namespace=namespace.strip())


class WhoMatchesScreen(Guarded, ModalScreen[None]):
    """Type a request; see which FlowSchema (and so which priority level) it lands in."""

    BINDINGS = MODAL_BINDINGS

    def __init__(self, schemas: list[FlowSchemaRow]) -> None:
        super().__init__(classes="apf-dialog")
        self.schemas = schemas

    def compose(self) -> ComposeResult:
        with Vertical(classes="apf-dialog-body"):
            yield Label("Who would match? (computed here with APF's rules; nothing is sent)")
            for field, placeholder in (("user", "user, e.g. system:serviceaccount:ns:name"),
                                       ("groups", "groups, comma separated"),
                                       ("verb", "verb: get, list, watch, create..."),
                                       ("target", "resource (pods, apps/deployments) or /path"),
                                       ("namespace", "namespace (empty: cluster-scoped)")):
                with Horizontal(classes="apf-field"):
                    yield Label(f"{field:>9} ")
                    yield LineInput(placeholder=placeholder, id=f"who-{field}")
            yield Static("", id="who-result")

    def on_mount(self) -> None:
        self.query_one("#who-user", Input).focus()
        self._update()

    def on_input_changed(self) -> None:
        self._update()

    def _update(self) -> None:
        values = {f: self.query_one(f"#who-{f}", Input).value
                  for f in ("user", "groups", "verb", "target", "namespace")}
        req = parse_request(**values)
        result = match_flow_schema(self.schemas, req)
        if result.schema is None:
            text = result.reason
        else:
            text = (f"→ flow schema {result.schema.name} → priority level "
                    f"{result.schema.priority_level}\n{result.reason}")
        self.query_one("#who-result", Static).update(plain_lines(text))
        self.result_text = text

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
