"""A candidate's code: a read-only, highlighted TextArea that keeps what it parsed for the last texts."""

from __future__ import annotations

from collections import OrderedDict, defaultdict

from textual.cache import LRUCache
from textual.geometry import Size
from textual.widgets import TextArea
from textual.widgets.text_area import Document, DocumentNavigator, SyntaxAwareDocument, WrappedDocument

from divergent.app.highlight import follow_theme
from divergent.app.widgets.lines import set_virtual_size


class CodeView(TextArea):
    """Read-only code with tree-sitter highlighting, for browsing between candidates.

    Showing a text means parsing it, querying the tree for highlights and rendering every
    visible line: ~15 ms, paid on every key that moves between candidates. The view keeps
    the parsed document, its highlights and its rendered lines for the last KEEP texts, so
    showing one of them again swaps them back in. A new text gets a new document rather than
    an edit of the current one (an edit would change the kept one); the compiled highlight
    query is reused, where ``load_text`` would compile it again (~25 ms).

    Swapping leans on TextArea's internals (``_highlights``, ``_line_cache``); if they are
    not there, the view falls back to replacing the text. A swap changes the view's virtual
    size without a relayout of the screen (lines.set_virtual_size).
    """

    KEEP = 32
    SCOPED_CSS = False  # the rule below starts at the App (its :light)
    DEFAULT_CSS = """
    App:light CodeView > .text-area--gutter {
        color: $foreground 60%;  /* TextArea's 40 % reads at 2.3:1 on a light surface */
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__("", read_only=True, soft_wrap=True, **kwargs)
        self.kept: OrderedDict[str, tuple] = OrderedDict()

    def on_mount(self) -> None:
        follow_theme(self)

    def show(self, text: str) -> None:
        if text == self.text:
            return
        swappable = hasattr(self, "_highlights") and hasattr(self, "_line_cache")
        if not swappable:
            self.replace(text, (0, 0), self.document.end, maintain_selection_offset=False)
        else:
            if self.text:
                self.kept[self.text] = (self.document, self.wrapped_document, self.navigator, self._highlights, self._line_cache)
                self.kept.move_to_end(self.text)
            state = self.kept.pop(text, None) or self._parse(text)
            self.document, self.wrapped_document, self.navigator, self._highlights, self._line_cache = state
            while len(self.kept) > self.KEEP:
                self.kept.popitem(last=False)
            if self.soft_wrap:
                self.wrapped_document.wrap(self.wrap_width, self.indent_width)
            set_virtual_size(self, self.content_size())  # TextArea's _refresh_size, but no relayout of the screen
            self.refresh()
        self.history.clear()
        self.move_cursor((0, 0))
        self.scroll_home(animate=False)

    def prepare(self, text: str) -> None:
        """Parse and highlight ``text`` ahead of showing it (idle time), keeping what is shown."""
        if text == self.text or text in self.kept or not (hasattr(self, "_highlights") and hasattr(self, "_line_cache")):
            return
        shown = (self.document, self.wrapped_document, self.navigator, self._highlights, self._line_cache)
        self.kept[text] = self._parse(text)
        self.document, self.wrapped_document, self.navigator, self._highlights, self._line_cache = shown
        while len(self.kept) > self.KEEP:
            self.kept.popitem(last=False)

    def content_size(self) -> Size:
        """The virtual size TextArea's ``_refresh_size`` gives the current document."""
        if self.soft_wrap:
            return Size(0, self.wrapped_document.height)
        width, height = self.document.get_size(self.indent_width)
        return Size(width + self.gutter_width + 1, height)  # +1: room for the cursor at a line's end

    def set_language(self, language: str | None) -> None:
        """Highlight as ``language`` (a TextArea language; None for plain text)."""
        if language != self.language:
            self.kept.clear()
            self.language = language

    def _parse(self, text: str) -> tuple:
        current = self.document
        if isinstance(current, SyntaxAwareDocument):
            document = SyntaxAwareDocument(text, current.language)
        else:
            document = Document(text)
        wrapped = WrappedDocument(document, tab_width=self.indent_width)
        wrapped.wrap(self.wrap_width, self.indent_width)
        # the highlight map is built into the widget's own fields: give it fresh ones
        self.document, self.wrapped_document = document, wrapped
        self._highlights, self._line_cache = defaultdict(list), LRUCache(1024)
        self._build_highlight_map()
        return document, wrapped, DocumentNavigator(wrapped), self._highlights, self._line_cache

    def notify_style_update(self) -> None:
        super().notify_style_update()
        for state in getattr(self, "kept", {}).values():  # lines rendered in the old theme
            state[4].clear()
