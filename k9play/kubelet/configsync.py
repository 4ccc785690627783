"""ConfigMap and Secret updates reaching mounted files, as the kubelet's periodic pod sync does.

The kubelet re-runs volume SetUp for a pod on every pod sync, which happens at least every
``--sync-frequency`` (1 minute by default); with the default ``Watch`` change-detection
strategy its ConfigMap/Secret cache is current, so "the total delay … can be as long as the
kubelet sync period + cache propagation delay" (concepts/configuration/configmap, "Mounted
ConfigMaps are updated automatically"). Here a change to a ConfigMap or Secret schedules
each pod that mounts it for its next sync tick (one per minute from the pod's start), where
the volume's files are rewritten in place. Environment variables never change (they were
read when the container was created) and ``subPath`` mounts are copies
(:func:`k9play.kubelet.volumes.mount_volumes`), so neither updates.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from k9play.api.events import WARNING
from k9play.api.meta import Obj
from k9play.api.store import WatchEvent
from k9play.kubelet.volumes import MountError, ProjectedFiles, projected_files

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore
    from k9play.kubelet.kubelet import Kubelet
    from k9play.kubelet.podworker import PodWorker

SYNC_PERIOD = 60.0


def _references(vol: Obj, kind: str, name: str) -> bool:
    key = "configMap" if kind == "ConfigMap" else "secret"
    if key in vol:
        src = vol[key] or {}
        return (src.get("name") if kind == "ConfigMap" else src.get("secretName")) == name
    for source in (vol.get("projected") or {}).get("sources") or []:
        if (source.get(key) or {}).get("name") == name:
            return True
    return False


class ConfigSync:
    """Refreshes configMap/secret/projected volume files at each pod's next sync."""

    def __init__(self, store: ObjectStore, kubelets: Callable[[], list[Kubelet]]) -> None:
        self.store = store
        self._kubelets = kubelets
        self._pending: set[int] = set()

    def start(self) -> list[Callable[[], None]]:
        return [self.store.add_handler("ConfigMap", self._on_change),
                self.store.add_handler("Secret", self._on_change)]

    def _on_change(self, ev: WatchEvent) -> None:
        obj, old = ev.object, ev.old
        if ev.type == "DELETED":
            return
        if old is not None and all(old.get(k) == obj.get(k) for k in ("data", "binaryData", "stringData")):
            return
        kind, md = obj.get("kind", ""), obj.get("metadata") or {}
        for kubelet in self._kubelets():
            for worker in list(kubelet.workers.values()):
                if worker.namespace != md.get("namespace") or worker.terminating or not worker.volumes:
                    continue
                pod = worker.pod()
                if pod is not None and any(_references(v, kind, md.get("name", ""))
                                           for v in (pod.get("spec") or {}).get("volumes") or []):
                    self._schedule(worker)

    def _schedule(self, worker: PodWorker) -> None:
        if id(worker) in self._pending:
            return
        self._pending.add(id(worker))
        now = self.store.clock.now()
        start = worker.start_time if worker.start_time is not None else now
        delay = SYNC_PERIOD - ((now - start) % SYNC_PERIOD)
        self.store.clock.call_later(delay, self._refresh, worker)

    def _refresh(self, worker: PodWorker) -> None:
        self._pending.discard(id(worker))
        pod = worker.pod()
        if pod is None or worker.terminating:
            return
        for vol in (pod.get("spec") or {}).get("volumes") or []:
            current = worker.volumes.get(vol.get("name", ""))
            if current is None or not isinstance(current[0], ProjectedFiles):
                continue
            try:
                files = projected_files(self.store, pod, vol)
            except MountError as e:
                worker.event(WARNING, "FailedMount", str(e))
                continue
            fs = current[0]
            fs.files.clear()
            fs.files.update(files or {})
