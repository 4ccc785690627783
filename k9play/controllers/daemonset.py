"""DaemonSetController: one pod per eligible node.

Port of ``pkg/controller/daemon`` (Kubernetes v1.34): construct the revision history
(a ControllerRevision per template, ``<ds>-<hash>``), then ``manage`` — for every node
decide from its node selector, required node affinity and taints whether a daemon pod
should run (or may keep running), create the missing pods pinned to their node by a
required ``matchFields metadata.name`` affinity (the default scheduler binds them), delete
pods that must go, failed pods (with back-off) and excess pods — then roll the update
(``RollingUpdate`` within ``maxUnavailable``/``maxSurge``; ``OnDelete`` waits for the user)
and publish the status counts.

Differences from the real controller, all because the store is synchronous: there are no
creation/deletion *expectations* (the next sync always sees this sync's writes), so a sync
that created or deleted pods in ``manage`` skips the rolling update, as the real one does
while its expectations are pending; node deletions also resync DaemonSets so the status
drops the node at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from k9play.api import errors
from k9play.api import pods as podutil
from k9play.api.events import NORMAL, WARNING
from k9play.api.meta import (
    Obj,
    controller_ref,
    copy_obj,
    key_of,
    labels_of,
    name_of,
    owner_reference,
    split_key,
)
from k9play.api.selectors import SelectorError, selector_from_spec
from k9play.api.store import WatchEvent
from k9play.controllers import daemonset_util as du
from k9play.controllers import history
from k9play.controllers.base import Controller
from k9play.controllers.deployment_util import compute_hash

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore

SELECTING_ALL_REASON = "SelectingAll"
FAILED_DAEMON_POD_REASON = "FailedDaemonPod"
SUCCEEDED_DAEMON_POD_REASON = "SucceededDaemonPod"


class DaemonSetController(Controller):
    name = "daemonset"
    component = "daemonset-controller"

    def __init__(self, store: ObjectStore) -> None:
        super().__init__(store)
        self.failed_pods_backoff = du.Backoff()
        self._requeue: float | None = None

    def start(self) -> None:
        self.watch_self("DaemonSet")
        self.watch("ControllerRevision", self._history_keys)
        self.watch("Pod", self._pod_keys)
        self.watch("Node", self._node_keys)
        self.enqueue_all("DaemonSet")

    # ---------------------------------------------------------- informers
    def _matching_daemonsets(self, obj: Obj) -> list[str]:
        """``GetPodDaemonSets``/``GetHistoryDaemonSets``: DaemonSets whose selector matches."""
        keys = []
        for ds in self.store.list("DaemonSet", obj["metadata"].get("namespace")):
            sel = (ds.get("spec") or {}).get("selector")
            try:
                if sel and selector_from_spec(sel).matches(labels_of(obj)):
                    keys.append(key_of(ds))
            except SelectorError:
                continue
        return keys

    def _history_keys(self, ev: WatchEvent) -> Iterable[str]:
        if ev.type == "ADDED" and controller_ref(ev.object) is not None:
            return []  # addHistory only observes a controlled revision
        keys = history.owner_keys(ev.object, "DaemonSet") + history.owner_keys(ev.old, "DaemonSet")
        if not keys and ev.type != "DELETED" and controller_ref(ev.object) is None:
            if ev.old is None or labels_of(ev.old) != labels_of(ev.object) or controller_ref(ev.old) is not None:
                keys = self._matching_daemonsets(ev.object)
        return keys

    def _pod_keys(self, ev: WatchEvent) -> Iterable[str]:
        pod, old = ev.object, ev.old
        keys = history.owner_keys(pod, "DaemonSet")
        if old is not None and controller_ref(old) != controller_ref(pod):
            keys += history.owner_keys(old, "DaemonSet")
        if keys:
            if old is not None and not podutil.is_ready(old) and podutil.is_ready(pod):
                ds = self._resolve(pod)
                min_ready = int(((ds or {}).get("spec") or {}).get("minReadySeconds", 0) or 0)
                if min_ready > 0:
                    # "Add a second to avoid milliseconds skew in AddAfter."
                    self.queue.add_after(keys[0], min_ready + 1)
            return keys
        if ev.type == "DELETED" or pod["metadata"].get("deletionTimestamp"):
            return []
        if old is None or labels_of(old) != labels_of(pod) or controller_ref(old) is not None:
            return self._matching_daemonsets(pod)
        return []

    def _resolve(self, pod: Obj) -> Obj | None:
        ref = controller_ref(pod)
        if ref is None:
            return None
        ds = self.store.try_get("DaemonSet", ref["name"], pod["metadata"].get("namespace"))
        if ds is None or ds["metadata"].get("uid") != ref.get("uid"):
            return None
        return ds

    def _node_keys(self, ev: WatchEvent) -> Iterable[str]:
        node, old = ev.object, ev.old
        keys = []
        for ds in self.store.list("DaemonSet"):
            if ev.type == "DELETED":
                keys.append(key_of(ds))
            elif old is None:
                if du.node_should_run(node, ds)[0]:
                    keys.append(key_of(ds))
            elif du.node_should_run(old, ds) != du.node_should_run(node, ds):
                keys.append(key_of(ds))
        return keys

    # ---------------------------------------------------------- main loop
    def reconcile(self, key: str) -> float | None:
        ns, name = split_key(key)
        ds = self.store.try_get("DaemonSet", name, ns)
        if ds is None:
            return None
        nodes = self.store.list("Node")
        self.failed_pods_backoff.gc(self.clock.now())
        if (ds.get("spec") or {}).get("selector") == {}:
            self.event(ds, WARNING, SELECTING_ALL_REASON,
                       "This daemon set is selecting all pods. A non-empty selector is required.")
            return None
        if ds["metadata"].get("deletionTimestamp"):
            return None
        cur, old = self._construct_history(ds)
        ds = self.store.try_get("DaemonSet", name, ns) or ds
        hash_ = labels_of(cur).get(history.REVISION_HASH_LABEL, "")
        self._requeue = None
        try:
            acted = self._manage(ds, nodes, hash_)
            strategy = (ds["spec"].get("updateStrategy") or {}).get("type", "RollingUpdate")
            if not acted and strategy == "RollingUpdate":
                self._rolling_update(ds, nodes, hash_)
            self._cleanup_history(ds, old)
        finally:
            # the status is published even when the update failed (then the sync is retried)
            self._update_status(ds, nodes, hash_)
        return self._requeue

    def _later(self, delay: float) -> None:
        if delay > 0 and (self._requeue is None or delay < self._requeue):
            self._requeue = delay

    # ------------------------------------------------------------- pods
    def _daemon_pods(self, ds: Obj) -> list[Obj]:
        """``getDaemonPods``: claim (adopt/release) the pods of ``ds``."""
        selector = selector_from_spec(ds["spec"].get("selector"))
        return history.claim_objects(self.store, ds, history.claim_candidates(self.store, ds, "Pod", selector),
                                     lambda p: selector.matches(labels_of(p)))

    def _nodes_to_daemon_pods(self, ds: Obj, include_deleted_terminal: bool = False) -> dict[str, list[Obj]]:
        """``getNodesToDaemonPods``: claimed pods by the node they run on (or are pinned to)."""
        out: dict[str, list[Obj]] = {}
        for pod in self._daemon_pods(ds):
            if not include_deleted_terminal and podutil.is_terminal(pod) and pod["metadata"].get("deletionTimestamp"):
                continue
            node = du.target_node_name(pod)
            if node is None:
                continue
            out.setdefault(node, []).append(pod)
        return out

    def _pods_should_be_on_node(self, node: Obj, node_pods: dict[str, list[Obj]], ds: Obj,
                                hash_: str) -> tuple[list[str], list[str]]:
        """``podsShouldBeOnNode`` → (nodes needing a daemon pod, pods to delete)."""
        should_run, should_continue = du.node_should_run(node, ds)
        node_name = name_of(node)
        daemon_pods = node_pods.get(node_name)
        exists = node_name in node_pods
        need: list[str] = []
        delete: list[str] = []
        if should_run and not exists:
            need.append(node_name)
        elif should_continue:
            running = []
            for pod in daemon_pods or []:
                if pod["metadata"].get("deletionTimestamp"):
                    continue
                phase = (pod.get("status") or {}).get("phase")
                if phase == "Failed":
                    observed = (ds.get("status") or {}).get("observedGeneration", 0)
                    bkey = f"{ds['metadata']['uid']}/{observed}/{node_name}"  # failedPodsBackoffKey
                    now = self.clock.now()
                    if self.failed_pods_backoff.in_backoff_since_update(bkey, now):
                        self._later(self.failed_pods_backoff.get(bkey))
                        continue
                    self.failed_pods_backoff.next(bkey, now)
                    self.event(ds, WARNING, FAILED_DAEMON_POD_REASON,
                               f"Found failed daemon pod {pod['metadata']['namespace']}/{name_of(pod)} on node "
                               f"{node_name}, will try to kill it")
                    delete.append(name_of(pod))
                elif phase == "Succeeded":
                    self.event(ds, NORMAL, SUCCEEDED_DAEMON_POD_REASON,
                               f"Found succeeded daemon pod {pod['metadata']['namespace']}/{name_of(pod)} on node "
                               f"{node_name}, will try to delete it")
                    delete.append(name_of(pod))
                else:
                    running.append(pod)
            if not du.allows_surge(ds):
                if len(running) > 1:
                    running.sort(key=du.pod_order_key)
                    delete += [name_of(p) for p in running[1:]]
            elif len(running) <= 1:
                if not running and should_run:
                    need.append(node_name)
            else:
                # surge: keep the oldest new pod and the oldest old pod while the new one is not yet available
                running.sort(key=du.pod_order_key)
                oldest_new = oldest_old = None
                for pod in running:
                    if labels_of(pod).get(history.REVISION_HASH_LABEL) == hash_:
                        if oldest_new is None:
                            oldest_new = pod
                            continue
                    elif oldest_old is None:
                        oldest_old = pod
                        continue
                    delete.append(name_of(pod))
                if oldest_new is not None and oldest_old is not None:
                    min_ready = int(ds["spec"].get("minReadySeconds", 0) or 0)
                    if not podutil.is_ready(oldest_old) or podutil.is_available(oldest_new, min_ready,
                                                                                self.clock.now()):
                        delete.append(name_of(oldest_old))
        elif not should_continue and exists:
            delete += [name_of(p) for p in daemon_pods or [] if not p["metadata"].get("deletionTimestamp")]
        return need, delete

    def _manage(self, ds: Obj, nodes: list[Obj], hash_: str) -> bool:
        """``manage``: create and delete pods so each eligible node runs one; True if it acted."""
        node_pods = self._nodes_to_daemon_pods(ds)
        need: list[str] = []
        delete: list[str] = []
        for node in nodes:
            n, d = self._pods_should_be_on_node(node, node_pods, ds, hash_)
            need += n
            delete += d
        # unscheduled pods pinned to nodes that no longer exist (Pod GC never sees them)
        existing = {name_of(n) for n in nodes}
        for node_name, pods in node_pods.items():
            if node_name not in existing:
                delete += [name_of(p) for p in pods if not (p.get("spec") or {}).get("nodeName")]
        self._sync_nodes(ds, delete, need, hash_)
        return bool(need or delete)

    def _sync_nodes(self, ds: Obj, to_delete: list[str], nodes_needing: list[str], hash_: str) -> None:
        """``syncNodes``: create pods on nodes (slow start) and delete pods, within the burst."""
        create_n = min(len(nodes_needing), du.BURST_REPLICAS)
        delete_n = min(len(to_delete), du.BURST_REPLICAS)
        template = du.create_pod_template(ds["spec"].get("template") or {}, du.template_generation(ds), hash_)
        failed = False
        pos = 0
        batch = min(create_n, du.SLOW_START_INITIAL_BATCH_SIZE)
        while pos < create_n and not failed:
            for i in range(pos, pos + batch):
                if not self._create_pod(ds, template, nodes_needing[i]):
                    failed = True
            pos += batch
            batch = min(2 * batch, create_n - pos)
        for pod_name in to_delete[:delete_n]:
            self._delete_pod(ds, pod_name)
        if failed:
            raise errors.ApiError(f"failed to create pods of daemon set {ds['metadata']['namespace']}/{name_of(ds)}")

    def _create_pod(self, ds: Obj, template: Obj, node_name: str) -> bool:
        """``RealPodControl.CreatePods`` for one node; the affinity pins the pod to it."""
        tmeta = template.get("metadata") or {}
        spec = copy_obj(template.get("spec") or {})
        spec["affinity"] = du.replace_node_name_affinity(spec.get("affinity"), node_name)
        meta: Obj = {
            "generateName": f"{name_of(ds)}-",
            "namespace": ds["metadata"]["namespace"],
            "labels": copy_obj(tmeta.get("labels") or {}),
            "ownerReferences": [owner_reference(ds)],
        }
        if tmeta.get("annotations"):
            meta["annotations"] = copy_obj(tmeta["annotations"])
        if tmeta.get("finalizers"):
            meta["finalizers"] = list(tmeta["finalizers"])
        try:
            if not meta["labels"]:
                raise errors.ApiError("unable to create pods, no labels")
            created = self.store.create({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec})
        except errors.ApiError as e:
            if "because it is being terminated" in str(e):
                return True  # the namespace is going away: ignore, as the real controller does
            self.event(ds, WARNING, "FailedCreate", f"Error creating: {e}")
            return False
        self.event(ds, NORMAL, "SuccessfulCreate", f"Created pod: {name_of(created)}")
        return True

    def _delete_pod(self, ds: Obj, pod_name: str) -> None:
        try:
            self.store.delete("Pod", pod_name, ds["metadata"]["namespace"])
        except errors.ApiError as e:
            if e.reason != "NotFound":
                self.event(ds, WARNING, "FailedDelete", f"Error deleting: {e}")
            return
        self.event(ds, NORMAL, "SuccessfulDelete", f"Deleted pod: {pod_name}")

    # ------------------------------------------------------ rolling update
    def _desired_node_counts(self, ds: Obj, nodes: list[Obj],
                             node_pods: dict[str, list[Obj]]) -> tuple[int, int, int]:
        """``updatedDesiredNodeCounts`` → (maxSurge, maxUnavailable, desiredNumberScheduled)."""
        desired = 0
        for node in nodes:
            if not du.node_should_run(node, ds)[0]:
                continue
            desired += 1
            node_pods.setdefault(name_of(node), [])
        max_unavailable = du.unavailable_count(ds, desired)
        max_surge = du.surge_count(ds, desired)
        if desired > 0 and max_unavailable == 0 and max_surge == 0:
            max_unavailable = 1
        return max_surge, max_unavailable, desired

    def _find_updated_pods_on_node(self, ds: Obj, pods: list[Obj],
                                   hash_: str) -> tuple[Obj | None, Obj | None, bool]:
        """``findUpdatedPodsOnNode`` → (new pod, old pod, at most one of each)."""
        new = old = None
        generation = du.template_generation(ds)
        for pod in pods:
            if pod["metadata"].get("deletionTimestamp"):
                continue
            if du.is_pod_updated(pod, hash_, generation):
                if new is not None:
                    return None, None, False
                new = pod
            else:
                if old is not None:
                    return None, None, False
                old = pod
        return new, old, True

    def _rolling_update(self, ds: Obj, nodes: list[Obj], hash_: str) -> None:
        """``rollingUpdate``: delete old pods within maxUnavailable, or surge new ones within maxSurge."""
        node_pods = self._nodes_to_daemon_pods(ds)
        max_surge, max_unavailable, desired = self._desired_node_counts(ds, nodes, node_pods)
        now = self.clock.now()
        min_ready = int(ds["spec"].get("minReadySeconds", 0) or 0)
        nodes_by_name = {name_of(n): n for n in nodes}
        if max_surge == 0:
            num_unavailable = 0
            allowed: list[str] = []
            candidates: list[str] = []
            for node_name in sorted(node_pods):
                new, old, ok = self._find_updated_pods_on_node(ds, node_pods[node_name], hash_)
                if not ok or (old is None) == (new is None):
                    num_unavailable += 1
                elif new is not None:
                    if not podutil.is_available(new, min_ready, now):
                        num_unavailable += 1
                elif old is not None:
                    if not podutil.is_available(old, min_ready, now):
                        allowed.append(name_of(old))
                        num_unavailable += 1
                    elif num_unavailable < max_unavailable:
                        candidates.append(name_of(old))
            remaining = max(0, min(max_unavailable - num_unavailable, len(candidates)))
            self._sync_nodes(ds, allowed + candidates[:remaining], [], hash_)
            return
        to_delete: list[str] = []
        should_not_run: list[str] = []
        candidate_nodes: list[str] = []
        allowed_nodes: list[str] = []
        num_surge = num_available = 0
        for node_name in sorted(node_pods):
            new, old, ok = self._find_updated_pods_on_node(ds, node_pods[node_name], hash_)
            if not ok:
                num_surge += 1
                continue
            if old is not None:
                if podutil.is_available(old, min_ready, now):
                    num_available += 1
            elif new is not None and podutil.is_available(new, min_ready, now):
                num_available += 1
            if old is None:
                continue
            node = nodes_by_name.get(node_name)
            if new is None:
                if node is None:
                    # the real controller errors here until Pod GC removes pods of deleted nodes
                    continue
                should_run = du.node_should_run(node, ds)[0]
                if not podutil.is_available(old, min_ready, now):
                    if not should_run:
                        to_delete.append(name_of(old))
                        continue
                    allowed_nodes.append(node_name)
                else:
                    if not should_run:
                        should_not_run.append(name_of(old))
                        continue
                    if num_surge >= max_surge:
                        continue
                    candidate_nodes.append(node_name)
            else:
                if not podutil.is_available(new, min_ready, now):
                    num_surge += 1
                    continue
                to_delete.append(name_of(old))
        remaining_surge = max_surge - num_surge
        deletable = num_available - desired
        if deletable > 0:
            to_delete += should_not_run[:min(deletable, len(should_not_run))]
        remaining_surge = max(0, min(remaining_surge, len(candidate_nodes)))
        self._sync_nodes(ds, to_delete, allowed_nodes + candidate_nodes[:remaining_surge], hash_)

    # -------------------------------------------------------------- history
    def _controlled_histories(self, ds: Obj) -> list[Obj]:
        selector = selector_from_spec(ds["spec"].get("selector"))
        candidates = history.claim_candidates(self.store, ds, "ControllerRevision", selector)
        return history.claim_objects(self.store, ds, candidates, lambda cr: selector.matches(labels_of(cr)))

    def _construct_history(self, ds: Obj) -> tuple[Obj, list[Obj]]:
        """``constructHistory`` → (current revision, old revisions)."""
        patch = history.template_patch(ds)
        current: list[Obj] = []
        old: list[Obj] = []
        for cr in self._controlled_histories(ds):
            if history.REVISION_HASH_LABEL not in labels_of(cr):
                new = copy_obj(cr)
                new["metadata"].setdefault("labels", {})[history.REVISION_HASH_LABEL] = name_of(cr)
                cr = self.store.update(new)
            if history.go_json(cr.get("data")) == history.go_json(patch):
                current.append(cr)
            else:
                old.append(cr)
        curr_revision = max((history.revision_of(r) for r in old), default=0) + 1
        if not current:
            return self._snapshot(ds, curr_revision), old
        cur = self._dedup_cur_histories(ds, current)
        if history.revision_of(cur) < curr_revision:
            cur = history.update_controller_revision(self.store, cur, curr_revision)
        return cur, old

    def _dedup_cur_histories(self, ds: Obj, current: list[Obj]) -> Obj:
        if len(current) == 1:
            return current[0]
        keep = current[0]
        for cr in current:
            if history.revision_of(cr) >= history.revision_of(keep):
                keep = cr
        keep_hash = labels_of(keep).get(history.REVISION_HASH_LABEL)
        for pod in self._daemon_pods(ds):
            if labels_of(pod).get(history.REVISION_HASH_LABEL) != keep_hash:
                self.store.patch("Pod", name_of(pod), ds["metadata"]["namespace"],
                                 {"metadata": {"labels": {history.REVISION_HASH_LABEL: keep_hash}}})
        for cr in current:
            if name_of(cr) != name_of(keep):
                self.store.delete("ControllerRevision", name_of(cr), ds["metadata"]["namespace"])
        return keep

    def _snapshot(self, ds: Obj, revision: int) -> Obj:
        """``snapshot``: record the current template as ControllerRevision ``<ds>-<hash>``."""
        status = ds.get("status") or {}
        template = ds["spec"].get("template") or {}
        hash_ = compute_hash(template, status.get("collisionCount"))
        name = f"{name_of(ds)}-{hash_}"
        labels = dict((template.get("metadata") or {}).get("labels") or {})
        labels[history.REVISION_HASH_LABEL] = hash_
        meta: Obj = {"name": name, "namespace": ds["metadata"]["namespace"], "labels": labels,
                     "ownerReferences": [owner_reference(ds)]}
        if ds["metadata"].get("annotations"):
            meta["annotations"] = copy_obj(ds["metadata"]["annotations"])
        cr = {"apiVersion": history.CR_API_VERSION, "kind": "ControllerRevision", "metadata": meta,
              "data": history.template_patch(ds), "revision": int(revision)}
        try:
            return self.store.create(cr)
        except errors.ApiError as e:
            if e.reason != "AlreadyExists":
                raise
            existing = self.store.get("ControllerRevision", name, ds["metadata"]["namespace"])
            if history.go_json(existing.get("data")) == history.go_json(cr["data"]):
                return existing
            fresh = self.store.get("DaemonSet", name_of(ds), ds["metadata"]["namespace"])
            if (fresh.get("status") or {}).get("collisionCount") != status.get("collisionCount"):
                raise
            new_status = copy_obj(fresh.get("status") or {})
            new_status["collisionCount"] = int(new_status.get("collisionCount", 0) or 0) + 1
            self.store.update_status({**fresh, "status": new_status})
            raise

    def _cleanup_history(self, ds: Obj, old: list[Obj]) -> None:
        """``cleanupHistory``: keep ``revisionHistoryLimit`` old revisions no pod still uses."""
        limit = int(ds["spec"].get("revisionHistoryLimit", 10))
        to_kill = len(old) - limit
        if to_kill <= 0:
            return
        live = {labels_of(p).get(history.REVISION_HASH_LABEL)
                for pods in self._nodes_to_daemon_pods(ds, True).values() for p in pods}
        live.discard(None)
        for cr in sorted(old, key=history.revision_of):
            if to_kill <= 0:
                break
            if labels_of(cr).get(history.REVISION_HASH_LABEL) in live:
                continue
            self.store.delete("ControllerRevision", name_of(cr), ds["metadata"]["namespace"])
            to_kill -= 1

    # --------------------------------------------------------------- status
    def _update_status(self, ds: Obj, nodes: list[Obj], hash_: str) -> None:
        """``updateDaemonSetStatus`` + ``storeDaemonSetStatus``."""
        ds = self.store.try_get("DaemonSet", name_of(ds), ds["metadata"]["namespace"]) or ds
        node_pods = self._nodes_to_daemon_pods(ds)
        now = self.clock.now()
        min_ready = int(ds["spec"].get("minReadySeconds", 0) or 0)
        generation = du.template_generation(ds)
        desired = current = misscheduled = ready = updated = available = 0
        for node in nodes:
            should_run, _ = du.node_should_run(node, ds)
            pods = node_pods.get(name_of(node)) or []
            if should_run:
                desired += 1
                if not pods:
                    continue
                current += 1
                pod = sorted(pods, key=du.pod_order_key)[0]
                if podutil.is_ready(pod):
                    ready += 1
                    if podutil.is_available(pod, min_ready, now):
                        available += 1
                if du.is_pod_updated(pod, hash_, generation):
                    updated += 1
            elif pods:
                misscheduled += 1
        unavailable = desired - available
        old = ds.get("status") or {}
        counts = {"currentNumberScheduled": current, "numberMisscheduled": misscheduled,
                  "desiredNumberScheduled": desired, "numberReady": ready, "updatedNumberScheduled": updated,
                  "numberAvailable": available, "numberUnavailable": unavailable}
        generation_now = ds["metadata"].get("generation", 1)
        same = all(int(old.get(k, 0) or 0) == v for k, v in counts.items())
        if not (same and int(old.get("observedGeneration", 0) or 0) >= generation_now):
            status: Obj = {"observedGeneration": generation_now, **counts}
            for k in ("updatedNumberScheduled", "numberAvailable", "numberUnavailable"):
                if not status[k]:
                    del status[k]
            if old.get("collisionCount") is not None:
                status["collisionCount"] = old["collisionCount"]
            if old.get("conditions"):
                status["conditions"] = copy_obj(old["conditions"])
            self.store.update_status({**ds, "status": status})
        if min_ready > 0 and ready != available:
            self._later(float(min_ready))
