"""Pulses: per-kind health counters sampled on virtual time, plus the newest Events (k9s Pulses).

Why counters are folded, not recounted: the store handler only records the latest object per
key (as every view-model here does); :meth:`PulsesModel.apply_pending` then moves each changed
object from its old category to its new one, so a frame costs O(changes) at any cluster size.

Why samples are taken on *virtual* time: one sample per ``PULSE_RATE`` virtual seconds (k9s'
``pulseRate``), taken for every period boundary the clock has passed since the last frame, so
the same clock advance always draws the same chart — in real time and in snapshot tests.
Event occurrences are counted as they happen (see ``_on_event``), so event rates do not
depend on when the frames happened either.
"""

from __future__ import annotations

import math
from bisect import bisect_left, insort
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

from k9play.api.meta import Obj, human_duration, parse_time
from k9play.api.quantity import QuantityError, milli, whole
from k9play.api.store import DELETED, ObjectStore, WatchEvent
from k9play.kubectl.columns import event_object

#: Virtual seconds between two samples (k9s ``model/pulse_health.go`` pulseRate).
PULSE_RATE = 10.0
#: Samples kept per series (20 virtual minutes): more than any panel is wide.
HISTORY = 120
#: Events the feed keeps ready to draw (the widget shows as many as fit).
FEED_SIZE = 50
#: Above this many changes in one batch, re-sort the event order instead of bisecting.
BULK = 256

Key = tuple[str, str, str]  # (kind, namespace, name)


class NodeMetricsSource(Protocol):
    """What the dashboard needs of ``cluster.metrics`` (k9play.kubelet.metrics.Metrics)."""

    def list_node_metrics(self) -> list[Obj]: ...


@dataclass(frozen=True, slots=True)
class PanelSpec:
    """One chart panel: which kind it counts, which categories are healthy, where ``enter`` goes."""

    id: str
    title: str
    kind: str
    command: str
    ok: tuple[str, ...] = ()
    bad: tuple[str, ...] = ()


PANELS: tuple[PanelSpec, ...] = (
    PanelSpec("pods", "pods", "Pod", "pods", ("Running", "Succeeded"), ("Pending", "Failed", "Unknown")),
    PanelSpec("deployments", "deployments", "Deployment", "deploy", ("ready",), ("not ready",)),
    PanelSpec("statefulsets", "statefulsets", "StatefulSet", "sts", ("ready",), ("not ready",)),
    PanelSpec("daemonsets", "daemonsets", "DaemonSet", "ds", ("ready",), ("not ready",)),
    PanelSpec("jobs", "jobs", "Job", "jobs", ("complete", "running"), ("failed",)),
    PanelSpec("nodes", "nodes", "Node", "nodes", ("ready",), ("not ready",)),
    PanelSpec("events", "events", "Event", "events", ("Normal",), ("Warning",)),
    PanelSpec("cpu", "cpu", "Node", "nodes"),
    PanelSpec("memory", "memory", "Node", "nodes"),
)
#: Categories listed in a panel's legend even at zero (others appear once they occur).
LEGENDS = {"pods": ("Running", "Pending", "Failed", "Succeeded")}
COUNTED_KINDS = ("Pod", "Deployment", "StatefulSet", "DaemonSet", "Job", "Node")


@dataclass(frozen=True, slots=True)
class PanelView:
    """What a panel draws: a legend, the healthy and faulty series, and (cpu/memory) a gauge."""

    spec: PanelSpec
    legend: tuple[tuple[str, str, bool], ...]  # (label, value, is_bad)
    ok: tuple[float, ...]
    bad: tuple[float, ...]
    gauge: float | None = None  # used / allocatable, 0..1


@dataclass(frozen=True, slots=True)
class FeedRow:
    age: str
    type: str
    reason: str
    object: str
    message: str

    @property
    def warning(self) -> bool:
        return self.type != "Normal"


def category(kind: str, obj: Obj) -> str:
    """The health bucket of one object (what its panel counts it as)."""
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    if kind == "Pod":
        return str(status.get("phase") or "Pending")
    if kind == "Node":
        ready = any(c.get("type") == "Ready" and c.get("status") == "True" for c in status.get("conditions") or [])
        return "ready" if ready else "not ready"
    if kind == "Job":
        for c in status.get("conditions") or []:
            if c.get("status") == "True" and c.get("type") in ("Failed", "FailureTarget"):
                return "failed"
            if c.get("status") == "True" and c.get("type") == "Complete":
                return "complete"
        return "running"
    if kind == "DaemonSet":
        ready, want = status.get("numberReady", 0), status.get("desiredNumberScheduled", 0)
    else:  # Deployment, StatefulSet: READY as kubectl prints it
        ready, want = status.get("readyReplicas", 0), spec.get("replicas", 1)
    return "ready" if ready >= want and not obj["metadata"].get("deletionTimestamp") else "not ready"


def _event_time(ev: Obj) -> float:
    ts = ev.get("lastTimestamp") or ev.get("eventTime") or ev["metadata"].get("creationTimestamp")
    return _parse_time(ts) if ts else 0.0


@lru_cache(maxsize=4096)
def _parse_time(ts: str) -> float:
    """Events share their second-resolution timestamps, and parsing one costs ~30 µs: cache it."""
    return parse_time(ts)


@dataclass(slots=True)
class _Event:
    order: tuple[float, int, str, str]  # (last seen, resourceVersion, namespace, name): newest last
    obj: Obj


@dataclass(slots=True)
class _Series:
    ok: deque[float] = field(default_factory=lambda: deque(maxlen=HISTORY))
    bad: deque[float] = field(default_factory=lambda: deque(maxlen=HISTORY))

    def add(self, ok: float, bad: float) -> None:
        self.ok.append(ok)
        self.bad.append(bad)


class PulsesModel:
    """Counters, samples and the event feed for ``namespace`` (``None``: all; nodes are cluster-wide)."""

    def __init__(self, store: ObjectStore, metrics: NodeMetricsSource | None, namespace: str | None, *,
                 on_dirty: Callable[[], None] | None = None) -> None:
        self.store = store
        self.metrics = metrics
        self.namespace = namespace
        self._on_dirty = on_dirty
        self._pending: dict[Key, Obj | None] = {}
        self._category: dict[Key, str] = {}
        self.counts: dict[str, dict[str, int]] = {kind: {} for kind in COUNTED_KINDS}
        self._allocatable: dict[str, tuple[int, int]] = {}  # node → (cpu millis, memory bytes)
        self._events: dict[Key, _Event] = {}
        self._event_order: list[tuple[float, int, str, str]] = []
        self._occurrences: dict[int, list[int]] = {}  # period index → [normal, warning]
        self.series: dict[str, _Series] = {p.id: _Series() for p in PANELS}
        self.usage: tuple[int, int] = (0, 0)  # cluster cpu millis, memory bytes at the last sample
        self.feed_version = 0
        self._unsubscribe = [store.add_handler(kind, self._on_event) for kind in (*COUNTED_KINDS, "Event")]
        now = store.clock.now()
        for kind in COUNTED_KINDS:
            for obj in store.list(kind, namespace if kind != "Node" else None):
                self._fold_counted(_key(kind, obj), obj)
        for obj in store.list("Event", namespace):  # tens of thousands in a big cluster: one tight loop
            m = obj["metadata"]
            key = ("Event", m.get("namespace", ""), m["name"])
            order = (_event_time(obj), int(m.get("resourceVersion") or 0), key[1], key[2])
            self._events[key] = _Event(order, obj)
        self._event_order = sorted(ev.order for ev in self._events.values())
        self._period = math.floor(now / PULSE_RATE)  # index of the period that is still open
        self._take_sample()

    # ------------------------------------------------------------ store side
    def _on_event(self, ev: WatchEvent) -> None:
        """Informer callback: record only (the fold is per frame).

        Event occurrences are the exception: they are counted here, into the period of the
        virtual instant they happen at, because an aggregated Event's count may grow several
        times between two frames and only the frame-independent count gives the same chart
        however the frames fall. That is a counter bump, O(1), and never a write."""
        obj = ev.object
        kind = obj.get("kind", "")
        if kind != "Node" and self.namespace is not None and obj["metadata"].get("namespace") != self.namespace:
            return
        if kind == "Event" and ev.type != DELETED:
            occurred = int(obj.get("count") or 1) - (int(ev.old.get("count") or 1) if ev.old is not None else 0)
            if occurred > 0:
                bucket = self._occurrences.setdefault(math.floor(self.store.clock.now() / PULSE_RATE), [0, 0])
                bucket[0 if obj.get("type", "Normal") == "Normal" else 1] += occurred
        was_idle = not self._pending
        self._pending[_key(kind, obj)] = None if ev.type == DELETED else obj
        if was_idle and self._on_dirty is not None:
            self._on_dirty()

    def close(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        self._pending.clear()

    def apply_pending(self, now: float) -> bool:
        """Fold the batch, then take a sample for each period boundary passed; True if anything changed."""
        changed = self._fold()
        due = math.floor(now / PULSE_RATE) - self._period
        if due <= 0:
            return changed
        self._period += max(0, due - HISTORY)  # a jump of hours: only the samples kept matter
        usage = self._cluster_usage()  # what the frame sees, for every period it closes
        while (self._period + 1) * PULSE_RATE <= now:
            self._period += 1
            self._take_sample(usage)
        return True

    def _fold(self) -> bool:
        pending, self._pending = self._pending, {}
        bulk = len(pending) > BULK
        for key, obj in pending.items():
            if key[0] == "Event":
                self._fold_event(key, obj, bulk)
            else:
                self._fold_counted(key, obj)
        if bulk:
            self._event_order = sorted(ev.order for ev in self._events.values())
        return bool(pending)

    def _fold_counted(self, key: Key, obj: Obj | None) -> None:
        kind = key[0]
        counts = self.counts[kind]
        old = self._category.pop(key, None)
        if old is not None:
            counts[old] -= 1
        if kind == "Node":
            self._allocatable.pop(key[2], None)
        if obj is None:
            return
        new = self._category[key] = category(kind, obj)
        counts[new] = counts.get(new, 0) + 1
        if kind == "Node":
            alloc = (obj.get("status") or {}).get("allocatable") or {}
            try:
                self._allocatable[key[2]] = (milli(alloc.get("cpu", 0)), whole(alloc.get("memory", 0)))
            except (QuantityError, TypeError, ValueError):
                self._allocatable[key[2]] = (0, 0)

    def _fold_event(self, key: Key, obj: Obj | None, bulk: bool) -> None:
        """Keep the feed's order; ``bulk``: the order list is re-sorted after the batch."""
        old = self._events.pop(key, None)
        if old is not None and not bulk:
            del self._event_order[bisect_left(self._event_order, old.order)]
        if obj is None:
            return
        when = _event_time(obj)
        rv = int(obj["metadata"].get("resourceVersion") or 0)
        ev = self._events[key] = _Event((when, rv, key[1], key[2]), obj)
        if not bulk:
            insort(self._event_order, ev.order)
        self.feed_version += 1

    # --------------------------------------------------------------- samples
    def _take_sample(self, usage: tuple[int, int] | None = None) -> None:
        """Close one period: gauges as they stand now, event occurrences of the period that ended."""
        for spec in PANELS:
            if spec.ok and spec.kind in self.counts:  # the count panels (cpu/memory/events: below)
                counts = self.counts[spec.kind]
                self.series[spec.id].add(sum(counts.get(c, 0) for c in spec.ok),
                                         sum(counts.get(c, 0) for c in spec.bad))
        normal, warning = self._occurrences.pop(self._period - 1, [0, 0])
        for stale in [p for p in self._occurrences if p < self._period - 1]:
            del self._occurrences[stale]
        self.series["events"].add(normal, warning)
        cpu, memory = self.usage = usage if usage is not None else self._cluster_usage()
        alloc_cpu, alloc_memory = self.allocatable
        self.series["cpu"].add(cpu, alloc_cpu)
        self.series["memory"].add(memory, alloc_memory)

    def _cluster_usage(self) -> tuple[int, int]:
        """Sum of the metrics-server's NodeMetrics (what ``kubectl top nodes`` adds up)."""
        if self.metrics is None:
            return 0, 0
        cpu = memory = 0
        for item in self.metrics.list_node_metrics():
            usage = item.get("usage") or {}
            try:
                cpu += milli(usage.get("cpu", 0))
                memory += whole(usage.get("memory", 0))
            except (QuantityError, TypeError, ValueError):
                continue
        return cpu, memory

    @property
    def allocatable(self) -> tuple[int, int]:
        return (sum(a[0] for a in self._allocatable.values()), sum(a[1] for a in self._allocatable.values()))

    @property
    def samples(self) -> int:
        return len(self.series["pods"].ok)

    # ------------------------------------------------------------- view side
    def panels(self) -> list[PanelView]:
        return [self.panel(spec) for spec in PANELS]

    def panel(self, spec: PanelSpec) -> PanelView:
        series = self.series[spec.id]
        if spec.id in ("cpu", "memory"):
            used, alloc = (self.usage[0], self.allocatable[0]) if spec.id == "cpu" else (self.usage[1],
                                                                                        self.allocatable[1])
            fmt = format_cpu if spec.id == "cpu" else format_memory
            pct = used / alloc if alloc else 0.0
            legend = (("used", fmt(used), False), ("allocatable", fmt(alloc), False), ("", f"{pct:.0%}", pct >= 0.9))
            return PanelView(spec, legend, tuple(series.ok), (), min(1.0, pct))
        if spec.id == "events":
            last = int(60 // PULSE_RATE)  # the legend sums the last virtual minute of samples
            normal, warning = sum(list(series.ok)[-last:]), sum(list(series.bad)[-last:])
            legend = (("Normal", f"{normal:g}/min", False), ("Warning", f"{warning:g}/min", warning > 0))
            return PanelView(spec, legend, tuple(series.ok), tuple(series.bad))
        counts = self.counts[spec.kind]
        names = list(LEGENDS.get(spec.id, spec.ok + spec.bad))
        names += sorted(c for c, n in counts.items() if n and c not in names)
        legend = tuple((c, str(counts.get(c, 0)), c not in spec.ok) for c in names)
        return PanelView(spec, legend, tuple(series.ok), tuple(series.bad))

    def feed(self, now: float, limit: int = FEED_SIZE) -> list[FeedRow]:
        """The newest events first: (age, type, reason, object, message)."""
        rows = []
        for order in reversed(self._event_order[-limit:]):
            ev = self._events[("Event", order[2], order[3])].obj
            rows.append(FeedRow(human_duration(now - order[0]), str(ev.get("type") or "Normal"),
                                str(ev.get("reason") or ""), event_object(ev, now),
                                " ".join(str(ev.get("message") or "").split())))
        return rows


def format_cpu(millis: int) -> str:
    """``250m`` below a core, ``1.5`` cores above (k9s' header style)."""
    return f"{millis}m" if millis < 1000 else f"{millis / 1000:.1f}".removesuffix(".0")


def format_memory(n: int) -> str:
    for suffix, unit in (("Gi", 1 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)):
        if n >= unit:
            value = n / unit
            return f"{value:.1f}{suffix}".replace(".0" + suffix, suffix)
    return f"{n}"


def _key(kind: str, obj: Obj) -> Key:
    m = obj["metadata"]
    return kind, m.get("namespace", ""), m["name"]


__all__ = ["FEED_SIZE", "PANELS", "PULSE_RATE", "FeedRow", "PanelSpec", "PanelView", "PulsesModel", "category"]
