"""TTLAfterFinishedController: delete finished Jobs ``ttlSecondsAfterFinished`` after they finish.

Port of ``pkg/controller/ttlafterfinished`` (v1.34). A Job that has the ``Complete`` or
``Failed`` condition and a TTL is requeued for the moment the TTL expires (measured from that
condition's ``lastTransitionTime``); then, after re-reading the Job, it is deleted with a UID
precondition and **foreground** propagation, exactly as the real controller does (the docs say
"delete it cascadingly"), so the Job disappears once the garbage collector has removed its
pods. The controller records no events. It is started by :class:`JobController`.
"""

from __future__ import annotations

from k9play.api import errors
from k9play.api.meta import Obj, key_of, parse_time, split_key, uid_of
from k9play.api.store import WatchEvent
from k9play.controllers import job_util as ju
from k9play.controllers.base import Controller


def needs_cleanup(job: Obj) -> bool:
    return (job.get("spec") or {}).get("ttlSecondsAfterFinished") is not None and ju.is_finished(job)


def time_left(job: Obj, now: float) -> float | None:
    """Seconds until the TTL expires (negative once expired); ``None`` if not applicable."""
    if job["metadata"].get("deletionTimestamp") or not needs_cleanup(job):
        return None
    cond = ju.finished_condition(job)
    if cond is None or not cond.get("lastTransitionTime"):
        return None
    expire_at = parse_time(cond["lastTransitionTime"]) + float(job["spec"]["ttlSecondsAfterFinished"])
    return expire_at - now


class TTLAfterFinishedController(Controller):
    name = "ttlafterfinished"
    component = "ttl-after-finished-controller"

    def start(self) -> None:
        self.watch("Job", self._keys)
        for job in self.store.list("Job"):
            if needs_cleanup(job):
                self.queue.add(key_of(job))

    def _keys(self, ev: WatchEvent) -> list[str]:
        if ev.type == "DELETED" or ev.object["metadata"].get("deletionTimestamp") or not needs_cleanup(ev.object):
            return []
        return [key_of(ev.object)]

    def reconcile(self, key: str) -> float | None:
        ns, name = split_key(key)
        job = self.store.try_get("Job", name, ns)
        if job is None:
            return None
        left = time_left(job, self.clock.now())
        if left is None:
            return None
        if left > 0:
            return left
        try:
            self.store.delete("Job", name, ns, propagation="Foreground", uid=uid_of(job))
        except errors.ApiError as e:
            if e.code == 404:
                return None
            raise
        return None
