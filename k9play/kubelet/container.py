"""The kubelet's record of one container across its restarts, and its API status."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from k9play.api.meta import format_time
from k9play.kubelet import images
from k9play.kubelet.probes import HISTORY, ProbeResult, ProbeWorker
from k9play.kubelet.runtime import ContainerProcess

Obj = dict[str, Any]

#: CrashLoopBackOff: first restart at once, then 10 s doubling to 300 s; reset after 10 min up.
BACKOFF_INITIAL = 10.0
BACKOFF_MAX = 300.0
BACKOFF_RESET = 600.0


@dataclass(frozen=True, slots=True)
class BackOff:
    """A container waiting out CrashLoopBackOff: the delay and when the restart is due."""

    delay: float
    restart_at: float


@dataclass
class ContainerRun:
    spec: Obj
    init: bool = False
    state: str = "waiting"  # waiting | running | terminated
    reason: str = "ContainerCreating"
    message: str = ""
    started_at: float | None = None
    finished_at: float | None = None
    exit_code: int = 0
    container_id: str = ""
    image_ready: bool = False
    ready: bool = False
    started: bool = False
    restart_count: int = 0
    last_state: Obj = field(default_factory=dict)
    backoff: float = 0.0
    backoff_delay: float = 0.0  # the delay chosen for the restart being waited for
    pull_backoff: float = 0.0
    process: ContainerProcess | None = None
    previous: ContainerProcess | None = None
    probes: dict[str, ProbeWorker] = field(default_factory=dict)
    killing: bool = False
    respec: bool = False  # killed because its image changed: start again at once with the new one
    pending: bool = False  # a start (pull/create/restart) is in flight
    #: results of probe workers already stopped (earlier instances), so restarts keep the timeline
    probe_log: dict[str, deque[ProbeResult]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.spec.get("name", ""))

    @property
    def image(self) -> str:
        return str(self.spec.get("image", ""))

    @property
    def sidecar(self) -> bool:
        return self.init and self.spec.get("restartPolicy") == "Always"

    def stop_probes(self) -> None:
        for kind, p in self.probes.items():
            p.stop()
            self.probe_log.setdefault(kind, deque(maxlen=HISTORY)).extend(p.history)
        self.probes.clear()

    def probe_results(self) -> list[ProbeResult]:
        """The last :data:`HISTORY` results of each probe kind across restarts, oldest first."""
        out: list[ProbeResult] = []
        for kind in ("startup", "liveness", "readiness"):
            live = self.probes.get(kind)
            kept = [*self.probe_log.get(kind, ()), *(live.history if live is not None else ())]
            out += kept[-HISTORY:]
        out.sort(key=lambda r: r.time)
        return out

    def crash_loop(self) -> BackOff | None:
        """The back-off being waited out, while the container is in CrashLoopBackOff."""
        if self.state != "waiting" or self.reason != "CrashLoopBackOff" or self.finished_at is None:
            return None
        return BackOff(self.backoff_delay, self.finished_at + self.backoff_delay)

    def next_backoff(self, ran_for: float) -> float:
        """The delay before the next restart, advancing the back-off (kubelet's flowcontrol)."""
        if ran_for >= BACKOFF_RESET:
            self.backoff = 0.0
        delay = self.backoff_delay = self.backoff
        self.backoff = BACKOFF_INITIAL if self.backoff == 0 else min(BACKOFF_MAX, self.backoff * 2)
        return delay

    def terminated_status(self) -> Obj:
        term: Obj = {"containerID": self.container_id, "exitCode": self.exit_code,
                     "finishedAt": format_time(self.finished_at or 0), "reason": self.reason,
                     "startedAt": format_time(self.started_at or 0)}
        if self.message:
            term["message"] = self.message
        return term

    def status(self) -> Obj:
        st: Obj = {
            "image": images.parse_image(self.image).full if self.image_ready else self.image,
            "imageID": images.image_id(self.image) if self.image_ready else "",
            "lastState": self.last_state,
            "name": self.name,
            "ready": self.ready,
            "restartCount": self.restart_count,
            "started": self.state == "running" and self.started,
        }
        if self.container_id:
            st["containerID"] = self.container_id
        if self.state == "waiting":
            waiting: Obj = {"reason": self.reason}
            if self.message:
                waiting["message"] = self.message
            st["state"] = {"waiting": waiting}
        elif self.state == "running":
            st["state"] = {"running": {"startedAt": format_time(self.started_at or 0)}}
        else:
            st["state"] = {"terminated": self.terminated_status()}
        return dict(sorted(st.items()))
