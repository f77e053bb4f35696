"""The footer: one line of text showing the bindings that fit, whole; ``?`` lists the rest.

Textual's footer is a row of widgets, one per key, built again on every bindings signal (each
focus change, each ``refresh_bindings``) and laid out before it is known what fits: at 80
columns its last key runs under the palette key and is cut mid-word. Its first build alone cost
about 90 ms between the first frame and the pods going live (17 widgets and their styles).

This footer is one widget that renders one line. Which keys fit is arithmetic on their cell
widths, not a layout to wait for: keys are kept from the left (bindings are declared most useful
first) while they fit entirely before the palette key, and the rest are left to ``?``. A click
presses the key under the pointer; hovering shows the key's tooltip (why a dimmed key is
disabled, for instance).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.dom import NoScreen
from textual.screen import Screen
from textual.widget import Widget

from kubetui.guard import Guarded


@dataclass(frozen=True)
class FooterKey:
    """One key as the footer shows it."""

    key: str
    display: str
    description: str
    enabled: bool
    tooltip: str

    @property
    def width(self) -> int:
        return cell_len(self.display) + (1 + cell_len(self.description) if self.description
                                         else 0)


@dataclass(frozen=True)
class Placed:
    """A key drawn at cells ``start``..``end`` of the line."""

    key: FooterKey
    start: int
    end: int


def fit(keys: tuple[FooterKey, ...], palette: FooterKey | None, width: int) -> list[Placed]:
    """The keys drawn in ``width`` cells: from the left, one space apart, while each fits whole
    and a space before the palette key, which is drawn at the right edge after a one-cell
    separator."""
    limit = width - (palette.width + 2 if palette is not None else 0)
    placed: list[Placed] = []
    x = 0
    for key in keys:
        if x + key.width > limit:
            break
        placed.append(Placed(key, x, x + key.width))
        x += key.width + 1
    if palette is not None and palette.width + 1 <= width:
        placed.append(Placed(palette, width - palette.width, width))
    return placed


class FitFooter(Guarded, Widget):
    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "footer-key--key", "footer-key--description", "footer-key--hover",
        "footer-key--separator",
    }
    DEFAULT_CSS = """
    FitFooter {
        dock: bottom;
        height: 1;
        width: 1fr;
        color: $footer-foreground;
        background: $footer-background;
        & > .footer-key--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .footer-key--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .footer-key--hover {
            background: $block-hover-background;
        }
        & > .footer-key--separator {
            color: $foreground 20%;
        }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._keys: tuple[FooterKey, ...] = ()
        self._palette: FooterKey | None = None
        self._placed: list[Placed] = []
        self._hover: FooterKey | None = None
        self._read_pending = False

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._read_soon()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._read_soon()

    def _read_soon(self) -> None:
        # Signals come in bursts (a focus change, a refresh_bindings): read them once a frame.
        if not self._read_pending:
            self._read_pending = True
            self.call_after_refresh(self._read_bindings)

    def _read_bindings(self) -> None:
        self._read_pending = False
        if not self.is_attached:  # its screen went away before this frame
            return
        try:
            active = self.screen.active_bindings
        except NoScreen:
            return
        app = self.app
        keys: list[FooterKey] = []
        actions: set[str] = set()
        for _, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in actions:  # one key per action
                actions.add(binding.action)
                keys.append(FooterKey(binding.key, app.get_key_display(binding),
                                      binding.description, enabled, tooltip))
        palette = None
        if app.ENABLE_COMMAND_PALETTE and app.COMMAND_PALETTE_BINDING in active:
            _, binding, enabled, tooltip = active[app.COMMAND_PALETTE_BINDING]
            palette = FooterKey(binding.key, app.get_key_display(binding), binding.description,
                                enabled, binding.tooltip or binding.description)
        if (tuple(keys), palette) != (self._keys, self._palette):
            self._keys, self._palette = tuple(keys), palette
            self.refresh()

    @property
    def shown(self) -> list[FooterKey]:
        """The keys drawn now, the palette key last."""
        return [p.key for p in self._placed]

    def render(self) -> Text:
        self._placed = fit(self._keys, self._palette, self.size.width)
        key_style = self.get_component_rich_style("footer-key--key")
        description_style = self.get_component_rich_style("footer-key--description")
        hover = self.get_component_rich_style("footer-key--hover", partial=True)
        line = Text(no_wrap=True, overflow="crop", end="")
        for placed in self._placed:
            if placed.key is self._palette:
                line.append(" " * (placed.start - 1 - line.cell_len))
                line.append("▏", self.get_component_rich_style("footer-key--separator"))
            elif line:
                line.append(" ")
            extra = Style(dim=not placed.key.enabled) + (hover if placed.key == self._hover
                                                         else Style())
            line.append(placed.key.display, key_style + extra)
            if placed.key.description:
                line.append(" " + placed.key.description, description_style + extra)
        return line

    def _at(self, x: int) -> FooterKey | None:
        return next((p.key for p in self._placed if p.start <= x < p.end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        key = self._at(event.x)
        if key != self._hover:
            self._hover = key
            self.tooltip = key.tooltip if key is not None and key.tooltip else None
            self.refresh()

    def on_leave(self) -> None:
        if self._hover is not None:
            self._hover = None
            self.tooltip = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        key = self._at(event.x)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()
