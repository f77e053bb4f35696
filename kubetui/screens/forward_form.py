"""The port-forward form (``F`` on a pod or a Service): the ports (the declared ones offered, a
free local port suggested), the local address (loopback unless the user types otherwise, with
the warning), the pod serving it now, each connection's request and the kubectl equivalent."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from kubetui.k8s.forward.plan import SERVICE, Target, plan_forward, suggested_ports
from kubetui.k8s.forward.resolve import Resolved
from kubetui.k8s.rbac.access import Need
from kubetui.k8s.transport.shapes import mapping, text
from kubetui.safe_text import plain_lines
from kubetui.screens.plan_form import PlanForm
from kubetui.widgets.line_input import LineInput


class ForwardForm(PlanForm):
    verb = "forward"
    prefix = "forward"
    DEFAULT_CSS = """
    ForwardForm #forward-offered { color: $text-muted; height: auto; }
    """

    def __init__(self, target: Target, resolved: Resolved, missing: tuple[Need, ...] = ()) -> None:
        super().__init__()
        self.target, self.resolved, self.missing = target, resolved, missing
        self.title_text = f"port-forward {target}"

    def fields(self) -> ComposeResult:
        suggested = suggested_ports(self.resolved.offered, set(self.resolved.free))
        yield self.row("Ports", LineInput(suggested,
                                      placeholder="LOCAL:REMOTE … (8080:80, :http, 9090)",
                                      id="ports", compact=True))
        yield self.row("Address", LineInput("127.0.0.1", placeholder="127.0.0.1", id="address",
                                        compact=True))
        yield Static(plain_lines(self._offered()), id="forward-offered")

    def _offered(self) -> str:
        r = self.resolved
        pod = text(mapping((r.pod or {}).get("metadata")).get("name"))
        if self.target.kind == SERVICE:
            ports = ", ".join(
                f"{mapping(p).get('port')}"
                + (f"/{text(mapping(p).get('name'))}" if mapping(p).get("name") else "")
                + f"→{mapping(p).get('targetPort', mapping(p).get('port'))}"
                for p in mapping((r.service or {}).get("spec")).get("ports") or ())
            ready = r.ready or {}
            state = ("a ready endpoint" if ready.get(pod) else
                     "not a ready endpoint: no ready one" if pod else "")
            serving = f"served now by pod {pod} ({state})" if pod else "no running pod serves it"
            return f"Service ports: {ports or 'none'}\n{serving}"
        declared = ", ".join(f"{p}" for p in r.offered) or "none declared (any port may be typed)"
        return f"Declared ports: {declared}"

    def build(self):
        return plan_forward(self.target, self.value("#ports") or "",
                            self.value("#address") or "", self.resolved.pod,
                            self.resolved.service)

    def warnings(self) -> list[str]:
        out = []
        if self.plan is not None and self.plan.warning:
            out.append(f"! {self.plan.address} {self.plan.warning}")
        if self.plan is not None and any(r.pair.local == 0 for r in self.plan.routes):
            out.append("a port with no local part (:PORT) gets a free local port")
        return out

    def refusal(self) -> str:
        if not self.missing:
            return ""
        return (f"you may not {', '.join(str(n) for n in self.missing)} in "
                f"{self.target.namespace} (RBAC): the forward's streams would be refused")
