"""Per-container probe timelines for the pod describe screen, free of Textual.

The kubelet's recent results (``KubeletManager.probe_history``) are laid on a time axis that
ends now: one cell per ``seconds_per_cell``, chosen so that one period of the most frequent
probe is a whole number of cells (the marks are evenly spaced) and the kept history fits.
The axis is anchored to whole cells, so marks move left one cell at a time as time passes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from k9play.api.meta import Obj, parse_time, uid_of
from k9play.kubelet.kubelet import KubeletManager
from k9play.kubelet.probes import HISTORY, ProbeResult

KINDS = ("startup", "liveness", "readiness")
OK, FAIL, RESTART, EMPTY = "✓", "✗", "↻", "·"


@dataclass(frozen=True, slots=True)
class Track:
    kind: str
    marks: str  # one character per cell, oldest left
    last: ProbeResult | None
    failing: int  # consecutive failures up to now


@dataclass(frozen=True, slots=True)
class ContainerProbes:
    name: str
    state: str  # "Running", "Waiting: CrashLoopBackOff", "Terminated: Error" …
    ready: bool
    restarts: int
    backoff: str  # "back-off 40s, restarting in 12s" while in CrashLoopBackOff, else ""
    tracks: tuple[Track, ...]


@dataclass(frozen=True, slots=True)
class ProbeTimeline:
    seconds_per_cell: float
    width: int
    containers: tuple[ContainerProbes, ...]

    @property
    def span(self) -> float:
        return self.seconds_per_cell * self.width


def _probes(c: Obj) -> dict[str, Obj]:
    return {k: c[f"{k}Probe"] for k in KINDS if isinstance(c.get(f"{k}Probe"), dict)}


def _state(status: Obj) -> str:
    state = status.get("state") or {}
    for key, label in (("waiting", "Waiting"), ("terminated", "Terminated")):
        if key in state:
            reason = (state[key] or {}).get("reason", "")
            return f"{label}: {reason}" if reason else label
    return "Running" if "running" in state else "Waiting"


def _backoff_text(kubelets: KubeletManager, uid: str, name: str, now: float) -> str:
    b = kubelets.backoff(uid, name)
    if b is None:
        return ""
    return f"back-off {int(b.delay)}s, restarting in {max(0, math.ceil(b.restart_at - now))}s"


def _cell_seconds(period: float, width: int) -> float:
    """The finest whole-or-half-second cell that divides ``period`` and still fits the history."""
    for per_period in range(max(1, width // HISTORY), 0, -1):
        spc = period / per_period
        if (spc * 2).is_integer():
            return spc
    return period


def probe_timeline(kubelets: KubeletManager, pod: Obj, now: float, width: int) -> ProbeTimeline | None:
    """Timelines for every container that has probes, restarts or a crash loop (None: nothing to show)."""
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    statuses = {s.get("name"): s for s in [*(status.get("initContainerStatuses") or []),
                                           *(status.get("containerStatuses") or [])]}
    uid = uid_of(pod)
    shown = []
    for c in [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]:
        st = statuses.get(c.get("name"), {})
        backoff = _backoff_text(kubelets, uid, c.get("name", ""), now)
        if _probes(c) or int(st.get("restartCount") or 0) or backoff:
            shown.append((c, st, backoff))
    if not shown:
        return None
    periods = [float(p.get("periodSeconds", 10) or 10) for c, _, _ in shown for p in _probes(c).values()]
    period = min(periods, default=10.0)
    spc = _cell_seconds(period, width)
    end = math.ceil(now / spc) * spc
    start = end - width * spc

    def cell(t: float) -> int:
        return math.floor((t - start) / spc + 1e-9)

    out = []
    for c, st, backoff in shown:
        history = kubelets.probe_history(uid, c.get("name", ""))
        restarted = None
        started = ((st.get("state") or {}).get("running") or {}).get("startedAt")
        if int(st.get("restartCount") or 0) and started:
            restarted = cell(parse_time(started))
        tracks = []
        for kind in _probes(c):
            results = [r for r in history if r.kind == kind]
            marks = [EMPTY] * width
            if restarted is not None and 0 <= restarted < width:
                marks[restarted] = RESTART
            for r in results:
                i = cell(r.time)
                if 0 <= i < width and marks[i] != FAIL:  # a failure is never hidden by a success
                    marks[i] = OK if r.ok else FAIL
            failing = 0
            for r in reversed(results):
                if r.ok:
                    break
                failing += 1
            tracks.append(Track(kind, "".join(marks), results[-1] if results else None, failing))
        out.append(ContainerProbes(c.get("name", ""), _state(st), bool(st.get("ready")),
                                   int(st.get("restartCount") or 0), backoff, tuple(tracks)))
    return ProbeTimeline(spc, width, tuple(out))
