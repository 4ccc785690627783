"""The four forms of k9s' ``/`` filter, parsed once per query (k9s ``model1/table_data.go``).

* ``fred`` — case-insensitive regex over the row's cells (a query with a space filters
  nothing, as in k9s; an unfinished regex such as ``web-[`` is matched literally);
* ``!fred`` — the rows that do *not* match;
* ``-l app=x,tier!=db`` (or a bare ``app=x``) — a label selector;
* ``-f fred`` — fuzzy (subsequence) match on ``namespace/name``.

Text matching runs on a lower-cased, cached string per row (the cells joined by spaces,
ages left out because they change every second — k9s leaves AGE out too), so a keystroke
costs one pass of ``in`` or one compiled regex over strings that already exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from k9play.api.selectors import LabelSelector, SelectorError, parse_label_selector

# the stdlib's regex parser (public as ``sre_parse`` before 3.11, which now warns on import)
_sre_parser = re._parser  # type: ignore[attr-defined]
_sre = re._constants  # type: ignore[attr-defined]

Mode = Literal["none", "text", "inverse", "labels", "fuzzy", "nothing"]

_FUZZY = re.compile(r"-f\s?([\w-]+)")
_LABEL_TERM = re.compile(r"[\w./-]+(==|!=|=)[\w.-]*")
_REGEX_SPECIALS = frozenset(".^$*+?{}[]\\|()")


@dataclass(frozen=True)
class RowFilter:
    """A parsed query. ``literal`` is set when the text needs no regex (a plain ``in`` test)."""

    query: str = ""
    mode: Mode = "none"
    literal: str | None = None
    regex: re.Pattern[str] | None = None
    #: a substring every regex match must contain (checked first: ``in`` is ~10x cheaper)
    required: str = ""
    selector: LabelSelector | None = None

    @property
    def active(self) -> bool:
        return self.mode != "none"

    @property
    def needs_text(self) -> bool:
        return self.mode in ("text", "inverse")

    def narrows(self, previous: RowFilter) -> bool:
        """True when every row this filter keeps was kept by ``previous`` (typing more
        characters), so the new result can be computed from the old one."""
        if previous.mode != self.mode or self.mode not in ("text", "fuzzy"):
            return False
        if self.mode == "fuzzy":
            return self.query.startswith(previous.query)
        return previous.literal is not None and self.literal is not None and previous.literal in self.literal


NO_FILTER = RowFilter()


def _is_label_query(q: str) -> bool:
    return " " not in q and all(_LABEL_TERM.fullmatch(part) for part in q.split(","))


def _required_literal(pattern: str) -> str:
    """The longest run of plain characters at the top level of ``pattern`` (every match
    contains it), or "" when there is none or the pattern is too clever to tell."""
    try:
        parsed = _sre_parser.parse(pattern)
    except (re.error, RecursionError):
        return ""
    best, run = "", []
    for op, av in parsed:
        if op is _sre.LITERAL:
            run.append(chr(av))
        else:
            if len(run) > len(best):
                best = "".join(run)
            run = []
        if op is _sre.BRANCH:
            return ""
    if len(run) > len(best):
        best = "".join(run)
    return best.lower()


def _text_filter(q: str, mode: Mode) -> RowFilter:
    text = q.lower()
    if not (_REGEX_SPECIALS & set(q)):
        return RowFilter(q, mode, literal=text)
    try:
        rx = re.compile(q, re.IGNORECASE)
    except re.error:
        return RowFilter(q, mode, literal=text)  # half-typed regex: match it as typed
    return RowFilter(q, mode, regex=rx, required=_required_literal(q))


def parse_filter(query: str) -> RowFilter:
    """What the filter box holds (without the leading ``/``) → a :class:`RowFilter`."""
    q = query.strip()
    if not q:
        return NO_FILTER
    if q.startswith("-f"):
        m = _FUZZY.match(q)
        if not m:
            return RowFilter(q, "none")  # "-f" alone: nothing to match yet
        return RowFilter(q, "fuzzy", regex=re.compile(".*?".join(map(re.escape, m.group(1).lower()))))
    if q.startswith("-l") or _is_label_query(q):
        text = q[2:].strip() if q.startswith("-l") else q
        try:
            return RowFilter(q, "labels", selector=parse_label_selector(text))
        except SelectorError:
            return RowFilter(q, "nothing")
    if q.startswith("!"):
        body = q[1:]
        return _text_filter(body, "inverse") if body and " " not in body else RowFilter(q, "none")
    if " " in q:
        return RowFilter(q, "none")  # k9s: a query with a space is ignored
    return _text_filter(q, "text")
