"""The kubelet's record of one container across its restarts, and its API status."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from k9play.api.meta import format_time
from k9play.kubelet import images
from k9play.kubelet.probes import ProbeWorker
from k9play.kubelet.runtime import ContainerProcess

Obj = dict[str, Any]

#: CrashLoopBackOff: first restart at once, then 10 s doubling to 300 s; reset after 10 min up.
BACKOFF_INITIAL = 10.0
BACKOFF_MAX = 300.0
BACKOFF_RESET = 600.0


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
    pull_backoff: float = 0.0
    process: ContainerProcess | None = None
    previous: ContainerProcess | None = None
    probes: dict[str, ProbeWorker] = field(default_factory=dict)
    killing: bool = False
    pending: bool = False  # a start (pull/create/restart) is in flight

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
        for p in self.probes.values():
            p.stop()
        self.probes.clear()

    def next_backoff(self, ran_for: float) -> float:
        """The delay before the next restart, advancing the back-off (kubelet's flowcontrol)."""
        if ran_for >= BACKOFF_RESET:
            self.backoff = 0.0
        delay = self.backoff
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
