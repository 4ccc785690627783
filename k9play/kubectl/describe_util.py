"""Text plumbing shared by the ``kubectl describe`` describers.

Ports of the helpers in ``k8s.io/kubectl/pkg/describe/describe.go`` (kubectl v1.34):
``PrefixWriter`` (two spaces per level, terminal escaping), ``tabbedString``'s
``tabwriter.NewWriter(out, 0, 8, 2, ' ', 0)``, the multi-line label/annotation/taint/
toleration printers, ``DescribeEvents`` and the Go value formatting (``%v``, RFC 1123Z
times, canonical ``resource.Quantity`` strings) the describers rely on.

Times are printed in UTC: kubectl prints them in the local zone of the machine it runs on.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

from k9play.api.meta import Obj, human_duration, parse_time
from k9play.api.selectors import selector_from_spec

LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3, LEVEL_4 = range(5)
#: ``printers.WriteEscaped``: terminal escape characters never reach the screen.
_ESCAPES = (("\x1b", "^["), ("\r", "\\r"))
#: ``maxAnnotationLen``: longer annotations are folded onto their own lines and shortened.
MAX_ANNOTATION_LEN = 140


# ------------------------------------------------------------------ tabwriter
def tabwrite(text: str, padding: int = 2) -> str:
    """Go's ``text/tabwriter`` with minwidth 0, padding ``padding``, space padding, no flags.

    Cells are tab-terminated; the text after a line's last tab is not part of any column.
    A column block is a run of consecutive lines that all have a cell in that column, and
    each block is as wide as its widest cell plus the padding (Go finds the blocks
    recursively, column by column; the runs below are the same blocks).
    """
    lines = [line.split("\t") for line in text.split("\n")]
    aligned = [len(cells) - 1 for cells in lines]  # tab-terminated cells per line
    widths = [[0] * n for n in aligned]
    for column in range(max(aligned, default=0)):
        i = 0
        while i < len(lines):
            if aligned[i] <= column:
                i += 1
                continue
            start, width = i, 0
            while i < len(lines) and aligned[i] > column:
                width = max(width, len(lines[i][column]) + padding)
                i += 1
            for k in range(start, i):
                widths[k][column] = width
    return "\n".join(
        "".join(cell.ljust(widths[i][j]) if j < aligned[i] else cell for j, cell in enumerate(cells))
        for i, cells in enumerate(lines)
    )


class PrefixWriter:
    """kubectl's ``prefixWriter`` over a ``tabwriter``: ``write`` indents by two spaces a level.

    kubectl's ``Flush`` never reaches the tabwriter (whose ``Flush`` returns an error, so it
    is not a ``flusher``): the whole description is aligned in one pass, as here.
    """

    def __init__(self) -> None:
        self._parts: list[str] = []

    def write(self, level: int, text: str) -> None:
        self._parts.append(_escape("  " * level + text))

    def write_line(self, *parts: str) -> None:
        """``WriteLine``: ``fmt.Sprintln`` of the parts, no indentation."""
        self._parts.append(_escape(" ".join(parts) + "\n"))

    def render(self) -> str:
        return tabwrite("".join(self._parts))


def _escape(text: str) -> str:
    for old, new in _ESCAPES:
        text = text.replace(old, new)
    return text


# ------------------------------------------------------------ Go formatting
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def rfc1123z(timestamp: str | None) -> str:
    """``t.Format(time.RFC1123Z)`` in UTC; a missing time is Go's zero time."""
    if not timestamp:
        return "Mon, 01 Jan 0001 00:00:00 +0000"
    t = _dt.datetime.fromtimestamp(int(parse_time(timestamp)), _dt.UTC)
    return f"{_DAYS[t.weekday()]}, {t.day:02d} {_MONTHS[t.month - 1]} {t.year:04d} {t:%H:%M:%S} +0000"


def since(timestamp: str | None, now: float) -> str:
    """``translateTimestampSince``: ``duration.HumanDuration`` of the time elapsed."""
    if not timestamp:
        return "<unknown>"
    return human_duration(now - parse_time(timestamp))


def go_bool(value: Any) -> str:
    return "true" if value else "false"


def go_value(value: Any) -> str:
    """``fmt.Sprintf("%v", v)`` for JSON-decoded values."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return go_bool(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, list):
        return "[" + " ".join(go_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{go_value(value[k])}" for k in sorted(value)) + "]"
    return str(value)


def go_float(value: float) -> str:
    """``%v`` of a float64 (``%g``, shortest): ``%e`` style below 1e-4 and from 1e6 up."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if math.copysign(1, value) < 0 else "0"
    sign = "-" if value < 0 else ""
    mantissa, _, exp_text = f"{abs(value)!r}".replace("E", "e").partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    # position of the decimal point relative to the first significant digit
    point = len(whole.lstrip("0")) if whole.strip("0") else -(len(frac) - len(frac.lstrip("0")))
    point += int(exp_text or 0)
    digits = digits.rstrip("0") or "0"
    exp = point - 1
    if exp < -4 or exp >= 6:
        tail = f"e{'-' if exp < 0 else '+'}{abs(exp):02d}"
        return sign + digits[0] + ("." + digits[1:] if len(digits) > 1 else "") + tail
    if point <= 0:
        return sign + "0." + "0" * -point + digits
    if point >= len(digits):
        return sign + digits + "0" * (point - len(digits))
    return sign + digits[:point] + "." + digits[point:]


# --------------------------------------------------------------- quantities
_QUANTITY = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$")
_DEC_SUFFIX = {-9: "n", -6: "u", -3: "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E"}
_BIN_SUFFIX = ("", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei")
_BIN_POWER = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DEC_POWER = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}

DECIMAL_SI, BINARY_SI, DECIMAL_EXPONENT = "DecimalSI", "BinarySI", "DecimalExponent"


def parse_quantity(value: Any) -> tuple[Fraction, str]:
    """A quantity's exact value and its ``resource.Format``; unparsable values are 0."""
    if isinstance(value, bool) or value is None:
        return Fraction(0), DECIMAL_SI
    if isinstance(value, int):
        return Fraction(value), DECIMAL_SI
    if isinstance(value, float):
        return Fraction(str(value)), DECIMAL_SI
    m = _QUANTITY.match(str(value).strip())
    if not m:
        return Fraction(0), DECIMAL_SI
    number = Fraction(m.group(1))
    if m.group(2):
        return number * Fraction(10) ** int(m.group(2)[1:]), DECIMAL_EXPONENT
    suffix = m.group(3) or ""
    if suffix in _BIN_POWER:
        return number * 2 ** _BIN_POWER[suffix], BINARY_SI
    return number * Fraction(10) ** _DEC_POWER[suffix], DECIMAL_SI


def format_quantity(amount: Fraction, fmt: str = DECIMAL_SI) -> str:
    """``Quantity.String()``: the canonical form (``500m``, ``1536Mi``, ``2Gi``, ``1e3``)."""
    if amount == 0:
        return "0"
    sign = "-" if amount < 0 else ""
    a = abs(amount)
    nanos = math.ceil(a * 10**9)  # quantities carry at most nano precision, rounded up
    if fmt == BINARY_SI and a >= 1024 and a.denominator == 1:
        n, exp = int(a), 0
        while n % 1024 == 0 and exp < len(_BIN_SUFFIX) - 1:
            n //= 1024
            exp += 1
        return f"{sign}{n}{_BIN_SUFFIX[exp]}"
    mantissa, exp = nanos, -9
    while mantissa % 10 == 0:
        mantissa //= 10
        exp += 1
    shift = exp % 3
    mantissa *= 10**shift
    exp -= shift
    if fmt == DECIMAL_EXPONENT:
        return f"{sign}{mantissa}" + (f"e{exp}" if exp else "")
    suffix = _DEC_SUFFIX.get(exp)
    return f"{sign}{mantissa}{suffix if suffix is not None else f'e{exp}'}"


def quantity_string(value: Any) -> str:
    """The canonical string of a stored quantity (what ``quantity.String()`` prints)."""
    amount, fmt = parse_quantity(value)
    return format_quantity(amount, fmt)


# ---------------------------------------------------------------- selectors
def format_labels(labels: Mapping[str, str] | None) -> str:
    """``labels.FormatLabels``: sorted ``k=v`` pairs, ``<none>`` when empty."""
    text = ",".join(f"{k}={v}" for k, v in sorted((labels or {}).items()))
    return text or "<none>"


def selector_string(spec: Mapping[str, Any] | None) -> str:
    """``metav1.LabelSelectorAsSelector(spec).String()`` (empty for an empty selector)."""
    if spec is None:
        return ""
    try:
        sel = selector_from_spec(spec)
    except ValueError:
        return "<error>"
    return ",".join(str(r) for r in sorted(sel.requirements, key=lambda r: r.key))


def controlled_by(obj: Obj) -> str:
    """``printController``: ``Kind/name`` of the controller owner reference."""
    for ref in obj.get("metadata", {}).get("ownerReferences") or []:
        if ref.get("controller"):
            return f"{ref.get('kind', '')}/{ref.get('name', '')}"
    return ""


# ------------------------------------------------------- multi-line printers
def print_labels_multiline(w: PrefixWriter, title: str, labels: Mapping[str, str] | None,
                           initial_indent: str = "", inner_indent: str = "\t") -> None:
    """``printLabelsMultilineWithIndent``: one ``key=value`` a line, aligned on the values."""
    w.write(LEVEL_0, f"{initial_indent}{title}:{inner_indent}")
    if not labels:
        w.write_line("<none>")
        return
    for i, key in enumerate(sorted(labels)):
        if i:
            w.write(LEVEL_0, initial_indent + inner_indent)
        w.write(LEVEL_0, f"{key}={labels[key]}\n")


def print_annotations_multiline(w: PrefixWriter, title: str, annotations: Mapping[str, str] | None) -> None:
    """``printAnnotationsMultiline``: long or multi-line values go on lines of their own."""
    w.write(LEVEL_0, f"{title}:\t")
    keys = sorted(k for k in annotations or {} if k != "kubectl.kubernetes.io/last-applied-configuration")
    if not keys:
        w.write_line("<none>")
        return
    indent = "\t"
    for i, key in enumerate(keys):
        if i:
            w.write(LEVEL_0, indent)
        value = str((annotations or {})[key]).removesuffix("\n")
        if _blen(value) + _blen(key) + 2 > MAX_ANNOTATION_LEN or "\n" in value:
            w.write(LEVEL_0, f"{key}:\n")
            for line in value.split("\n"):
                w.write(LEVEL_0, f"{indent}  {_shorten(line, MAX_ANNOTATION_LEN - 2)}\n")
        else:
            w.write(LEVEL_0, f"{key}: {value}\n")


def _blen(text: str) -> int:
    """Go's ``len``: bytes, not characters."""
    return len(text.encode())


def _shorten(text: str, max_length: int) -> str:
    raw = text.encode()
    if len(raw) > max_length:
        return raw[:max_length].decode(errors="replace") + "..."
    return text


def taint_string(taint: Mapping[str, Any]) -> str:
    """``Taint.ToString``: ``key=value:Effect`` (``key:Effect`` without a value)."""
    if taint.get("value"):
        return f"{taint.get('key', '')}={taint['value']}:{taint.get('effect', '')}"
    return f"{taint.get('key', '')}:{taint.get('effect', '')}"


def print_taints_multiline(w: PrefixWriter, title: str, taints: Iterable[Mapping[str, Any]] | None) -> None:
    """``printNodeTaintsMultiline``: sorted by effect then key."""
    w.write(LEVEL_0, f"{title}:\t")
    items = sorted(taints or [], key=lambda t: f"{t.get('effect', '')},{t.get('key', '')}")
    if not items:
        w.write_line("<none>")
        return
    for i, taint in enumerate(items):
        if i:
            w.write(LEVEL_0, "\t")
        w.write(LEVEL_0, taint_string(taint) + "\n")


def print_tolerations_multiline(w: PrefixWriter, title: str, tolerations: Iterable[Mapping[str, Any]] | None,
                                initial_indent: str = "") -> None:
    """``printTolerationsMultilineWithIndent``: ``key=value:Effect op=Exists for 300s``."""
    w.write(LEVEL_0, f"{initial_indent}{title}:\t")
    items = sorted(tolerations or [], key=lambda t: t.get("key") or "")
    if not items:
        w.write_line("<none>")
        return
    for i, tol in enumerate(items):
        if i:
            w.write(LEVEL_0, initial_indent + "\t")
        key, value, effect = tol.get("key") or "", tol.get("value") or "", tol.get("effect") or ""
        text = key
        if value:
            text += f"={value}"
        if effect:
            text += f":{effect}"
        if tol.get("operator") == "Exists" and not value:
            text += " op=Exists" if key or effect else "op=Exists"
        if tol.get("tolerationSeconds") is not None:
            text += f" for {tol['tolerationSeconds']}s"
        w.write(LEVEL_0, text + "\n")


# -------------------------------------------------------------------- events
def _event_time(ev: Obj) -> float:
    """``eventTime`` of kubectl's ``SortableEvents``: series, then lastTimestamp, then eventTime."""
    series = ev.get("series") or {}
    stamp = series.get("lastObservedTime") or ev.get("lastTimestamp") or ev.get("eventTime")
    return parse_time(stamp) if stamp else float("-inf")


def describe_events(w: PrefixWriter, events: list[Obj], now: float) -> None:
    """``DescribeEvents``: the ``Type Reason Age From Message`` table, or ``Events: <none>``."""
    if not events:
        w.write(LEVEL_0, "Events:\t<none>\n")
        return
    w.write(LEVEL_0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    w.write(LEVEL_1, "----\t------\t----\t----\t-------\n")
    for ev in sorted(events, key=_event_time):
        event_time = ev.get("eventTime")
        first_since = since(event_time, now) if event_time else since(ev.get("firstTimestamp"), now)
        series = ev.get("series")
        count = int(ev.get("count") or 0)
        if series:
            interval = f"{since(series.get('lastObservedTime'), now)} (x{series.get('count', 0)} over {first_since})"
        elif count > 1:
            interval = f"{since(ev.get('lastTimestamp'), now)} (x{count} over {first_since})"
        else:
            interval = first_since
        source = (ev.get("source") or {}).get("component") or ev.get("reportingComponent") or ""
        message = (ev.get("message") or "").strip()
        w.write(LEVEL_1, f"{ev.get('type', '')}\t{ev.get('reason', '')}\t{interval}\t{source}\t{message}\n")
