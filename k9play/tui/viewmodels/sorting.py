"""Sort keys from cells: numbers as numbers, ages as durations, READY as a fraction.

A column's cells are what the user sees, so sorting parses them the way a reader would
(k9s sorts its rendered fields too). The key of a row is computed once per object version
and cached by the model, so it must not go stale as the clock runs: an age becomes the
instant it counts from (``now - age``), which stays put while the text grows.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from k9play.api.meta import Obj, parse_time
from k9play.api.quantity import QuantityError, parse_quantity
from k9play.kubectl.columns import AGE, Column

SortKey = tuple[int, float | str, str]

_DURATION = re.compile(r"(\d+)([smhdy])")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400, "y": 365 * 86400}
_LEADING_INT = re.compile(r"-?\d+")
_FRACTION = re.compile(r"(\d+)/(\d+)$")
_MISSING = frozenset({"", "<none>", "<unknown>", "<unset>", "<invalid>", "<pending>", "n/a", "N/A"})


def parse_duration(text: str) -> float | None:
    """``5m30s``, ``3d4h``, ``45s`` (kubectl's HumanDuration) → seconds; None if it is not one."""
    head = text.split(" ", 1)[0]
    pos, total = 0, 0
    for m in _DURATION.finditer(head):
        if m.start() != pos:
            return None
        total += int(m.group(1)) * _UNIT[m.group(2)]
        pos = m.end()
    return float(total) if pos and pos == len(head) else None


def _number(text: str) -> float | None:
    m = _LEADING_INT.match(text)  # RESTARTS "3 (5m ago)" sorts as 3
    return float(m.group()) if m else None


def _text_value(text: str) -> tuple[int, float | str]:
    """Fractions (``2/3``) and quantities (``10Gi``) by value, anything else as text."""
    m = _FRACTION.match(text)
    if m:
        den = int(m.group(2))
        return 0, (int(m.group(1)) / den if den else 0.0) + int(m.group(1)) * 1e-9
    if text[:1].isdigit():
        try:
            return 0, float(parse_quantity(text))
        except (QuantityError, ValueError, TypeError):
            pass
    return 1, text


def sort_value(column: Column, cell: str, obj: Obj, now: float) -> tuple[int, float | str]:
    """(rank, value): rank 0 sorts numerically, 1 as text, 2 for missing values (last)."""
    if column is AGE:
        ts = obj.get("metadata", {}).get("creationTimestamp")
        return (0, -parse_time(ts)) if ts else (2, "")
    if cell in _MISSING:
        return 2, cell
    if column.kind == "age":
        seconds = parse_duration(cell)
        return (0, seconds - now) if seconds is not None else (1, cell)
    if column.kind == "number":
        n = _number(cell)
        return (0, n) if n is not None else (1, cell)
    return _text_value(cell)


def key_function(column: Column) -> Callable[[Obj, float], tuple[int, float | str]]:
    """``obj, now → sort value`` for one column (renders only that column)."""
    render = column.render

    def value(obj: Obj, now: float) -> tuple[int, float | str]:
        return sort_value(column, render(obj, now), obj, now)

    return value
