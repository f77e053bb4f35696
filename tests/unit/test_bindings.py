"""Every binding has an id (so the config file can remap it) and the help screen lists it."""

from textual.binding import Binding

from kubetui.screens.help import GROUPS


def test_every_binding_has_a_unique_id():
    ids = [b.id for _, bindings in GROUPS for b in bindings if isinstance(b, Binding)]
    assert all(ids), "a binding without an id cannot be remapped"
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert {"app.quit", "pane.pods", "pods.logs", "events.follow", "detail.previous",
            "table.down", "pane.filter"} <= set(ids)
