"""The eviction manager's local-storage check (``localStorageEviction`` in
``pkg/kubelet/eviction/eviction_manager.go``): a pod whose emptyDir holds more than its
``sizeLimit`` is evicted — Warning ``Evicted``, containers killed with a 1 s grace period,
the pod left ``Failed`` with reason ``Evicted`` for its controller to replace.

The manager runs every 10 s (``evictionMonitoringPeriod``) but reads volume usage from the
kubelet's stats, which measures each pod's volumes once a minute (``volumeStatsAggPeriod``),
so a volume filled past its limit is noticed within about 70 s, as on a real node.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k9play.api.events import WARNING
from k9play.api.quantity import QuantityError, quantity_string, whole

if TYPE_CHECKING:
    from k9play.kubelet.podworker import PodWorker

#: ``emptyDirMessageFmt`` (the trailing space is the kubelet's: messages are concatenated)
EMPTY_DIR_MESSAGE = 'Usage of EmptyDir volume "{}" exceeds the limit "{}". '
#: ``immediateEvictionGracePeriodSeconds``
IMMEDIATE_GRACE = 1
#: ``volumeStatsAggPeriod``: how old the volume usage the manager sees may be
VOLUME_STATS_PERIOD = 60.0


class VolumeStats:
    """Per pod: the bytes each volume held when last measured, and when that was."""

    def __init__(self) -> None:
        self._seen: dict[str, tuple[float, dict[str, int]]] = {}

    def usage(self, worker: PodWorker, now: float) -> dict[str, int]:
        seen = self._seen.get(worker.uid)
        if seen is None or now - seen[0] >= VOLUME_STATS_PERIOD:
            seen = (now, {name: fs.used_bytes() for name, (fs, _) in worker.volumes.items()})
            self._seen[worker.uid] = seen
        return seen[1]

    def forget(self, uid: str) -> None:
        self._seen.pop(uid, None)


def empty_dir_over_limit(worker: PodWorker, used: dict[str, int]) -> str | None:
    """``emptyDirLimitEviction``: the eviction message for the first emptyDir over its limit."""
    pod = worker.pod()
    for vol in ((pod or {}).get("spec") or {}).get("volumes") or []:
        limit = (vol.get("emptyDir") or {}).get("sizeLimit") if "emptyDir" in vol else None
        if limit is None:
            continue
        try:
            size = whole(limit)
        except QuantityError:
            continue
        if size > 0 and used.get(vol.get("name", ""), 0) > size:
            return EMPTY_DIR_MESSAGE.format(vol.get("name", ""), quantity_string(limit))
    return None


def local_storage_eviction(workers: list[PodWorker], stats: VolumeStats, now: float) -> None:
    for worker in workers:
        if worker.terminating or worker.terminal_phase or not worker.volumes:
            continue
        message = empty_dir_over_limit(worker, stats.usage(worker, now))
        if message is not None:
            worker.event(WARNING, "Evicted", message)
            worker.evict("Evicted", message, IMMEDIATE_GRACE)
