"""The health overview's list: a cursor move repaints the two lines it changes, and options
that wrap keep every line once the scrollbar takes its columns (at 80x24 the overview's causes
wrap over three or four lines and the list scrolls)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets.option_list import Option

from kubetui.widgets.cause_list import CauseList

#: the demo's stalled rollout, as the overview words it: three lines at 80 columns, four at 78
CAUSE = (" ✗ deployment checkout{}  the rollout to revision 2 is stalled "
         "(ProgressDeadlineExceeded): 1 of 1 new pods: the node cannot reach the registry "
         "kubetui.local to pull `kubetui.local/checkout:2.0` (its name does not resolve)")


class Listing(App):
    CSS = "CauseList { border: none; padding: 0; height: 1fr; }"  # as the overview has it

    def compose(self) -> ComposeResult:
        yield CauseList()

    def on_mount(self) -> None:
        """Filled once it is on screen, as the overview fills it: measured without a
        scrollbar until these options need one."""
        self.call_after_refresh(self.query_one(CauseList).add_options,
                                [Option(CAUSE.format(i), id=str(i)) for i in range(10)])


async def filled(pilot) -> CauseList:
    """The list once its options are in (added after the first refresh) and drawn."""
    await pilot.pause()
    await pilot.pause()
    listing = pilot.app.query_one(CauseList)
    assert listing.option_count == 10
    return listing


def screen_text(listing: CauseList) -> str:
    return " ".join(listing.render_line(y).text.strip() for y in range(listing.size.height))


async def test_wrapped_options_keep_their_last_line_when_the_list_scrolls():
    app = Listing()
    async with app.run_test(size=(80, 24)) as pilot:
        listing = await filled(pilot)
        assert listing.show_vertical_scrollbar
        text = " ".join(screen_text(listing).split())
        for i in range(5):  # the options wholly on screen, each with its last words
            assert " ".join(CAUSE.format(i).split()) in text, text


async def test_a_cursor_move_repaints_the_line_it_left_and_the_one_it_reached():
    app = Listing()
    async with app.run_test(size=(80, 24)) as pilot:
        listing = await filled(pilot)
        listing.focus()
        listing.highlighted = 0
        await pilot.pause()
        painted: list[int] = []
        real = listing.render_line

        def counting(y: int):
            painted.append(y)
            return real(y)

        listing.render_line = counting  # type: ignore[method-assign]
        await pilot.press("down")
        await pilot.pause()
        assert listing.highlighted == 1
        height = listing._heights[0]
        assert painted and set(painted) <= set(range(2 * height)), painted
        assert len(painted) < listing.size.height
