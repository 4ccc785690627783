"""A followed container log, as ``kubectl logs -f`` (and k9s' log view) reads it.

The lines are the simulated runtime's (the same source as :mod:`k9play.kubectl.logs`), with
the kubelet's refusals (``log_problem``) when there is nothing to serve. :meth:`LogStream.poll`
is cheap and incremental, so a screen can call it every frame: it returns only the lines
appended since the last poll, or a fresh start when the options change or, for
``previous``, when a newer instance has become the previous one. While following the current
instance across a restart, the new instance's lines simply continue the stream.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from k9play.api.errors import not_found
from k9play.kubectl.logs import log_problem

if TYPE_CHECKING:
    from k9play.cluster import Cluster
    from k9play.kubelet.runtime import ContainerProcess

Line = tuple[float, str]

#: k9s' log ranges (keys ``0``–``6``): None = the last :data:`TAIL_LINES`; 0 = from the start.
SINCE: dict[str, float | None] = {"tail": None, "head": 0, "1m": 60, "5m": 300, "15m": 900, "30m": 1800, "1h": 3600}
#: k9s' ``logger.tail`` default.
TAIL_LINES = 100


def timestamp(t: float) -> str:
    """``--timestamps``: RFC 3339 with nanoseconds, as the kubelet prefixes lines."""
    d = _dt.datetime.fromtimestamp(t, _dt.UTC)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond * 1000:09d}Z"


@dataclass
class LogChunk:
    """What changed since the last poll."""

    lines: list[Line] = field(default_factory=list)
    reset: bool = False  # clear what is shown (lines, an earlier problem) before adding ``lines``
    problem: str | None = None  # why the kubelet serves no logs (None: it does)


@dataclass
class LogStream:
    cluster: Cluster
    namespace: str
    pod: str
    container: str
    previous: bool = False
    since: str = "tail"
    _proc: ContainerProcess | None = None
    _last: Line | None = None
    _fresh: bool = True
    _problem: str | None = None

    def restart(self, *, container: str | None = None, previous: bool | None = None, since: str | None = None) -> None:
        """Change what is streamed; the next :meth:`poll` starts over."""
        if container is not None:
            self.container = container
        if previous is not None:
            self.previous = previous
        if since is not None:
            self.since = since
        self._fresh, self._proc, self._last, self._problem = True, None, None, None

    def poll(self) -> LogChunk | None:
        """New lines (or a restart, or a changed problem); None when nothing changed."""
        pod = self.cluster.store.try_get("Pod", self.pod, self.namespace)
        problem = str(not_found("pods", self.pod)) if pod is None else log_problem(pod, self.container, self.previous)
        proc = between = None
        if pod is not None and problem is None:
            worker = self.cluster.kubelets.worker(pod)
            run = worker.find(self.container) if worker is not None else None
            proc = (run.previous if self.previous else run.process) if run is not None else None
            between = run.previous if run is not None and not self.previous else None
        if proc is None:
            if problem is None:
                problem = f'container "{self.container}" in pod "{self.pod}" has no logs'
            if problem == self._problem and not self._fresh:
                return None
            reset, self._fresh, self._problem = self._fresh, False, problem
            return LogChunk(reset=reset, problem=problem)
        lines = proc.logs
        if proc is not self._proc:
            # the first instance seen (or, for ``previous``, a newer one) starts the view over;
            # following across restarts, the rest of the old instance (and of one that came and
            # went between two polls) comes first
            old, start = self._proc, self._proc is None or self.previous
            if start:
                new = self._select(lines)
            else:
                assert old is not None
                new = self._after(old.logs) + (list(between.logs) if between not in (None, old) else []) + lines
            self._proc, self._fresh, self._problem = proc, False, None
            self._last = lines[-1] if lines else None
            return LogChunk(new, reset=start)
        new = self._after(lines)
        if not new and self._problem is None:
            return None
        self._problem = None
        self._last = lines[-1] if lines else self._last
        return LogChunk(new)

    def _after(self, lines: list[Line]) -> list[Line]:
        """Lines after the last one seen (found by identity: the runtime trims old lines)."""
        if self._last is None:
            return list(lines)
        for i in range(len(lines) - 1, -1, -1):
            if lines[i] is self._last:
                return lines[i + 1:]
        return list(lines)

    def _select(self, lines: list[Line]) -> list[Line]:
        window = SINCE[self.since]
        if window is None:
            return lines[-TAIL_LINES:]
        if window == 0:
            return list(lines)
        cutoff = self.cluster.clock.now() - window
        return [ln for ln in lines if ln[0] >= cutoff]
