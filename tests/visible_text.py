"""The text a person sees on a page, and the ASCII identifiers in it that betray code
leaking into a Chinese page ("registry.household_register", "monitoring_line")."""

import re
from html.parser import HTMLParser

# Never shown as text: scripts, styles, the head, what only a browser without scripts shows,
# and drawings (a QR code's SVG carries its address as its title).
_INVISIBLE = {"script", "style", "template", "head", "noscript", "svg"}
_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
# Attributes a person reads (tooltips, placeholders, labels read aloud).
_VISIBLE_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")

# Words a Chinese office writes in Latin letters itself: file formats and product names, the
# paper size, the English language's own name in the language switcher, units.
ALLOWED_WORDS = frozenset(
    {"Excel", "WPS", "CSV", "csv", "xlsx", "xls", "PDF", "QR", "A4", "English", "GB", "MB",
     "KB", "km", "kg", "OpenAPI", "API", "JSON", "UTF-8", "GBK", "GB18030", "BOM", "WAL",
     "SQLite", "PostgreSQL", "IP", "U+200B", "zh-hans", "N+2"}
)  # fmt: skip

WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[_.\-+][A-Za-z0-9]+)*")


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.parts: list[str] = []

    def _hidden(self) -> bool:
        return any(hidden for _tag, hidden in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        # translate="no" marks text that is deliberately not language, such as a rule
        # condition written in the rule language or a national code shown beside its label.
        hidden = tag in _INVISIBLE or values.get("translate") == "no" or "hidden" in values
        if not hidden and not self._hidden():
            self.parts.extend(str(values[name]) for name in _VISIBLE_ATTRIBUTES if values.get(name))
        if tag not in _VOID:
            self.stack.append((tag, hidden))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if not self._hidden():
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def ascii_identifiers(html: str, *, data_words: frozenset[str] = frozenset()) -> list[str]:
    """Latin words in the visible text that are neither allowed nor data users typed."""
    return sorted(
        {
            word
            for word in WORD.findall(visible_text(html))
            if word not in ALLOWED_WORDS and word not in data_words and len(word) > 1
        }
    )
