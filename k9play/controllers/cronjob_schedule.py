"""CronJob schedules: what ``robfig/cron/v3``'s ``ParseStandard`` accepts, computed with croniter.

The CronJob controller parses ``spec.schedule`` with ``cron.ParseStandard`` after prefixing
``TZ=<spec.timeZone>`` (``formatSchedule``). This module reproduces that surface:

* five fields (minute hour day-of-month month day-of-week), names like ``JAN``/``MON``,
  ``?`` as ``*``; day-of-month and day-of-week restricted together match either (cron's OR);
* descriptors ``@yearly``/``@annually``, ``@monthly``, ``@weekly``, ``@daily``/``@midnight``,
  ``@hourly`` and ``@every <duration>`` (Go duration syntax, a constant delay);
* an optional ``TZ=<zone>`` or ``CRON_TZ=<zone>`` prefix (IANA zone names via ``zoneinfo``).

``Schedule.next(t)`` is robfig's ``Next``: the first activation strictly after ``t`` (epoch
seconds), with ``t`` rounded to whole seconds. Error messages are robfig's.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

DESCRIPTORS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}

_UTC = _dt.UTC


class ScheduleError(ValueError):
    """An unparseable schedule; ``str()`` is robfig's message."""


def load_location(name: str) -> _dt.tzinfo:
    """Go's ``time.LoadLocation``: ``""`` and ``"UTC"`` are UTC; otherwise an IANA zone."""
    if name in ("", "UTC"):
        return _UTC
    try:
        return _zone(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ScheduleError(f"unknown time zone {name}") from None


@lru_cache(maxsize=256)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@dataclass(frozen=True)
class Schedule:
    """A parsed schedule: cron fields in a location, or a constant ``@every`` delay."""

    expr: str | None
    location: _dt.tzinfo
    every: float | None = None

    def next(self, t: float) -> float:
        """The first activation strictly after ``t``; raises ScheduleError if there is none."""
        if self.every is not None:
            return math.floor(t) + self.every
        start = _dt.datetime.fromtimestamp(math.floor(t), self.location)
        try:
            nxt = croniter(self.expr, start).get_next(_dt.datetime)
        except Exception as e:  # croniter's CroniterBadDateError and friends
            raise ScheduleError(str(e)) from None
        return nxt.timestamp()


_DURATION_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")


def parse_go_duration(text: str) -> float:
    """``time.ParseDuration`` for non-negative durations, in seconds."""
    s = text.strip().lstrip("+")
    if s == "":
        raise ScheduleError(f'time: invalid duration "{text}"')
    if s == "0":
        return 0.0
    pos, total = 0, 0.0
    while pos < len(s):
        m = _DURATION_PART.match(s, pos)
        if m is None:
            raise ScheduleError(f'time: invalid duration "{text}"')
        total += float(m.group(1)) * _DURATION_UNITS[m.group(2)]
        pos = m.end()
    return total


def parse_standard(spec: str) -> Schedule:
    """``cron.ParseStandard``."""
    if not spec:
        raise ScheduleError("empty spec string")
    location: _dt.tzinfo = _UTC
    if spec.startswith("TZ=") or spec.startswith("CRON_TZ="):
        i = spec.find(" ")
        eq = spec.find("=")
        zone = spec[eq + 1:i] if i >= 0 else spec[eq + 1:]
        try:
            location = load_location(zone)
        except ScheduleError as e:
            raise ScheduleError(f"provided bad location {zone}: {e}") from None
        spec = spec[i:].strip() if i >= 0 else ""
    if spec.startswith("@"):
        if spec.startswith("@every "):
            delay = parse_go_duration(spec[len("@every "):])
            if delay < 1:
                delay = 1.0
            return Schedule(None, location, every=float(math.floor(delay)))
        expr = DESCRIPTORS.get(spec)
        if expr is None:
            raise ScheduleError(f"unrecognized descriptor: {spec}")
        return Schedule(expr, location)
    fields = spec.split()
    if len(fields) != 5:
        raise ScheduleError(f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]")
    expr = " ".join("*" if f == "?" else f for f in fields)
    if not croniter.is_valid(expr):
        raise ScheduleError(f"failed to parse schedule: {spec}")
    return Schedule(expr, location)
