"""A read-only, scrolling view of a Rich renderable, drawn line by line (Textual's Line API).

The panes beside the candidate list (diff, critics, why) change with every key that
moves the cursor. As a ``Static`` inside a ``VerticalScroll`` each change re-rendered the
renderable (a highlighted diff: ~20 ms) and re-laid out the whole screen twice (the
Static's height, then the scroll area's virtual size). Here a content is rendered once
per width and kept (the last KEEP), and a new one only changes the view's virtual size:
no relayout unless its scrollbar appears or goes (``scrollbar-gutter: stable`` keeps the
width the same either way, so the lines need not be rendered again).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Callable, Hashable

from rich.console import RenderableType
from rich.segment import Segment
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget


def set_virtual_size(widget: Widget, size: Size) -> None:
    """Give a scrolling widget a new virtual size without a relayout of the screen.

    Only the widget's scrollbars depend on its virtual size: they are updated in place,
    and showing or hiding one still asks for a relayout (that changes the widget's
    regions). Leans on ``Widget._scroll_update``; without it, plain assignment (a relayout).
    """
    if size == widget.virtual_size:
        return
    if not hasattr(widget, "_scroll_update"):
        widget.virtual_size = size
        return
    widget.set_reactive(Widget.virtual_size, size)
    widget._scroll_update(size)
    widget.refresh()


def text_key(text: Text) -> tuple:
    """What a Text shows, hashable: its characters and styles."""
    return (text.plain, str(text.style), tuple(text.spans))


class LinesView(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    LinesView {
        height: 1fr;
        overflow-x: hidden;
        scrollbar-gutter: stable;
    }
    """
    KEEP = 32

    def __init__(self, placeholder: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self.key: Hashable = ("placeholder", placeholder)
        self.renderable: RenderableType = Text(placeholder)
        self.kept: OrderedDict[tuple, list[Strip]] = OrderedDict()
        self.drawing: list[Strip] | None = None

    @property
    def text(self) -> str:
        """What the view shows, as plain text: a Text's characters, a Syntax's code, any other
        renderable as drawn at the view's width (all of it, scrolled or not)."""
        if isinstance(self.renderable, Text):
            return self.renderable.plain
        if hasattr(self.renderable, "code"):
            return self.renderable.code
        return "\n".join(strip.text.rstrip() for strip in self.strips())

    def show(self, key: Hashable, make: Callable[[], RenderableType]) -> bool:
        """Show the renderable ``make()`` returns, known by ``key`` (the same key: the same
        lines, not rendered again). False if it was already shown."""
        if key == self.key:
            return False
        self.key, self.renderable = key, make()
        self.scroll_to(0, 0, animate=False, immediate=True)
        set_virtual_size(self, Size(self.width(), len(self.strips())))
        self.refresh()
        return True

    def prepare(self, key: Hashable, make: Callable[[], RenderableType]) -> None:
        """Render ``make()``'s lines ahead of showing it (idle time), keeping what is shown."""
        if key != self.key and self.width() > 0:
            self.strips(key, make)

    def width(self) -> int:
        return self.scrollable_content_region.width

    def strips(self, key: Hashable = None, make: Callable[[], RenderableType] | None = None) -> list[Strip]:
        """A content's lines (the one shown, unless ``key`` and ``make`` say another) at the
        view's width in the view's style, rendered once and kept."""
        width = self.width()
        if width <= 0:
            return []
        style = self.rich_style  # its background and colour: the theme's, and whether it has focus
        cache = (self.key if make is None else key, width, self.app.theme, style)
        if cache in self.kept:
            self.kept.move_to_end(cache)
            return self.kept[cache]
        console = self.app.console
        options = console.options.update_width(width)
        renderable = self.renderable if make is None else make()
        lines = Segment.split_and_crop_lines(console.render(renderable, options), width, pad=False, include_new_lines=False)
        strips = [Strip(line).adjust_cell_length(width).apply_style(style) for line in lines]
        while strips and not strips[-1].text.strip():
            strips.pop()  # a renderable's trailing blank lines would only lengthen the scroll
        self.kept[cache] = strips
        while len(self.kept) > self.KEEP:
            self.kept.popitem(last=False)
        return strips

    def on_resize(self) -> None:
        set_virtual_size(self, Size(self.width(), len(self.strips())))

    def render_lines(self, crop):
        self.drawing = self.strips()  # once per frame, not once per line
        try:
            return super().render_lines(crop)
        finally:
            self.drawing = None

    def render_line(self, y: int) -> Strip:
        strips = self.drawing if self.drawing is not None else self.strips()
        index = self.scroll_offset.y + y  # no horizontal scroll: lines are cut or wrapped at the width
        if index >= len(strips):
            return Strip.blank(self.width(), self.rich_style)
        return strips[index]
