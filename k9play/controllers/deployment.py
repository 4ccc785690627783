"""DeploymentController: roll ReplicaSets toward a Deployment's template.

Port of ``pkg/controller/deployment`` (Kubernetes v1.34): claim ReplicaSets; when paused
or on a scaling event, scale proportionally; otherwise run the strategy —
``RollingUpdate`` takes exactly one scale action per sync (scale the new ReplicaSet up
within ``maxSurge``, else scale old ones down within ``maxUnavailable``), ``Recreate``
scales old to zero and waits for their pods to go before scaling the new one up. Then it
publishes status and the Available/Progressing conditions, and trims old revisions.
"""

from __future__ import annotations

from collections.abc import Iterable

from k9play.api import errors
from k9play.api.events import NORMAL, WARNING
from k9play.api.meta import (
    Obj,
    controller_ref,
    copy_obj,
    format_time,
    key_of,
    labels_of,
    name_of,
    owner_reference,
    parse_time,
    split_key,
    uid_of,
)
from k9play.api.selectors import selector_from_spec
from k9play.api.store import WatchEvent
from k9play.controllers import deployment_util as du
from k9play.controllers.base import Controller


class DeploymentController(Controller):
    name = "deployment"
    component = "deployment-controller"

    def start(self) -> None:
        self.watch_self("Deployment")
        self.watch("ReplicaSet", self._rs_keys)
        self.watch_owned_pods()
        self.enqueue_all("Deployment")

    def watch_owned_pods(self) -> None:
        """Recreate waits for old pods to go: a deleted pod re-syncs its Deployment."""

        def keys(ev: WatchEvent) -> Iterable[str]:
            if ev.type != "DELETED":
                return ()
            ref = controller_ref(ev.object)
            if not ref or ref.get("kind") != "ReplicaSet":
                return ()
            rs = self.store.try_get("ReplicaSet", ref["name"], ev.object["metadata"]["namespace"])
            dref = controller_ref(rs) if rs else None
            if dref and dref.get("kind") == "Deployment":
                return (f"{rs['metadata']['namespace']}/{dref['name']}",)
            return ()

        self.watch("Pod", keys)

    def _rs_keys(self, ev: WatchEvent) -> Iterable[str]:
        keys = []
        for obj in (ev.object, ev.old):
            if obj is None:
                continue
            ns = obj["metadata"]["namespace"]
            ref = controller_ref(obj)
            if ref is not None:
                if ref.get("kind") == "Deployment":
                    keys.append(f"{ns}/{ref['name']}")
            elif obj is ev.object and ev.type != "DELETED":
                for d in self.store.list("Deployment", ns):
                    if selector_from_spec(d["spec"].get("selector")).matches(labels_of(obj)):
                        keys.append(key_of(d))
        return keys

    def _now(self) -> str:
        return format_time(self.clock.now())

    # ------------------------------------------------------------ main loop
    def reconcile(self, key: str) -> float | None:
        ns, name = split_key(key)
        stored = self.store.try_get("Deployment", name, ns)
        if stored is None:
            return None
        d = copy_obj(stored)
        sel = d["spec"].get("selector")
        if sel == {}:
            self.event(d, WARNING, "SelectingAll", "This deployment is selecting all pods. A non-empty selector "
                                                   "is required.")
            if d.get("status", {}).get("observedGeneration", 0) < d["metadata"].get("generation", 1):
                d.setdefault("status", {})["observedGeneration"] = d["metadata"].get("generation", 1)
                self.store.update_status(d)
            return None
        rs_list = self._claim_replicasets(d)
        if d["metadata"].get("deletionTimestamp"):
            new_rs, old_rss = self._get_all_rss(d, rs_list, create=False)
            return self._sync_status(d, [*old_rss, new_rs], new_rs)
        d = self._check_paused_conditions(d)
        if d["spec"].get("paused"):
            return self._sync(d, rs_list)
        if self._is_scaling_event(d, rs_list):
            return self._sync(d, rs_list)
        if (d["spec"].get("strategy") or {}).get("type") == "Recreate":
            return self._rollout_recreate(d, rs_list)
        return self._rollout_rolling(d, rs_list)

    def _claim_replicasets(self, d: Obj) -> list[Obj]:
        ns = d["metadata"]["namespace"]
        uid = uid_of(d)
        selector = selector_from_spec(d["spec"].get("selector"))
        deleting = bool(d["metadata"].get("deletionTimestamp"))
        claimed = []
        for rs in self.store.list("ReplicaSet", ns):
            ref = controller_ref(rs)
            matches = selector.matches(labels_of(rs))
            if ref is not None:
                if ref.get("uid") != uid:
                    continue
                if matches or deleting:
                    claimed.append(rs)
                else:
                    new = copy_obj(rs)
                    new["metadata"]["ownerReferences"] = [
                        r for r in new["metadata"]["ownerReferences"] if r.get("uid") != uid]
                    self.store.update(new)
            elif matches and not deleting and not rs["metadata"].get("deletionTimestamp"):
                new = copy_obj(rs)
                new["metadata"].setdefault("ownerReferences", []).append(owner_reference(d))
                try:
                    claimed.append(self.store.update(new))
                except errors.ApiError:
                    pass
        return claimed

    # --------------------------------------------------------- replica sets
    def _get_all_rss(self, d: Obj, rs_list: list[Obj], create: bool) -> tuple[Obj | None, list[Obj]]:
        existing_new = du.find_new_rs(d, rs_list)
        old_rss = [rs for rs in rs_list if rs is not existing_new]
        new_rs = self._get_new_rs(d, rs_list, old_rss, existing_new, create)
        return new_rs, old_rss

    def _get_new_rs(self, d: Obj, rs_list: list[Obj], old_rss: list[Obj], existing: Obj | None,
                    create: bool) -> Obj | None:
        new_revision = str(du.max_revision(old_rss) + 1)
        status = d.setdefault("status", {})
        if existing is not None:
            existing = self.store.try_get("ReplicaSet", name_of(existing), existing["metadata"]["namespace"]) \
                or existing
            rs = copy_obj(existing)
            annotations_updated = du.set_new_rs_annotations(d, rs, new_revision, True)
            min_ready = d["spec"].get("minReadySeconds", 0)
            if annotations_updated or rs["spec"].get("minReadySeconds", 0) != min_ready:
                if min_ready:
                    rs["spec"]["minReadySeconds"] = min_ready
                else:
                    rs["spec"].pop("minReadySeconds", None)
                return self.store.update(rs)
            needs_update = self._set_revision(d, rs["metadata"].get("annotations", {}).get(du.REVISION, ""))
            if d["spec"].get("progressDeadlineSeconds") is not None and du.get_condition(status, "Progressing") is None:
                du.set_condition(status, du.new_condition(
                    "Progressing", "True", du.FOUND_NEW_RS_REASON, f'Found new replica set "{name_of(rs)}"',
                    self._now()))
                needs_update = True
            if needs_update:
                self._write_status(d)
            return existing
        if not create:
            return None
        template = copy_obj(d["spec"]["template"])
        collision = status.get("collisionCount")
        pod_hash = du.compute_hash(template, collision)
        template.setdefault("metadata", {}).setdefault("labels", {})[du.HASH_LABEL] = pod_hash
        selector = copy_obj(d["spec"]["selector"])
        selector.setdefault("matchLabels", {})[du.HASH_LABEL] = pod_hash
        rs: Obj = {
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {
                "name": f"{name_of(d)}-{pod_hash}",
                "namespace": d["metadata"]["namespace"],
                "labels": copy_obj(template["metadata"]["labels"]),
                "ownerReferences": [owner_reference(d)],
            },
            "spec": {"replicas": 0, "selector": selector, "template": template},
        }
        if d["spec"].get("minReadySeconds"):
            rs["spec"]["minReadySeconds"] = d["spec"]["minReadySeconds"]
        count = du.new_rs_new_replicas(d, [*old_rss, rs], rs)
        rs["spec"]["replicas"] = count
        du.set_new_rs_annotations(d, rs, new_revision, False)
        try:
            created = self.store.create(rs)
        except errors.ApiError as e:
            if e.reason == "AlreadyExists":
                other = self.store.try_get("ReplicaSet", rs["metadata"]["name"], rs["metadata"]["namespace"])
                ref = controller_ref(other) if other else None
                if other is not None and ref and ref.get("uid") == uid_of(d) and du.equal_ignore_hash(
                        other["spec"].get("template"), d["spec"]["template"]):
                    return other
                status["collisionCount"] = (collision or 0) + 1
                self._write_status(d)
                raise
            msg = f'Failed to create new replica set "{rs["metadata"]["name"]}": {e}'
            if d["spec"].get("progressDeadlineSeconds") is not None:
                du.set_condition(status, du.new_condition("Progressing", "False", du.FAILED_RS_CREATE_REASON,
                                                          msg, self._now()))
                self._write_status(d)
            self.event(d, WARNING, du.FAILED_RS_CREATE_REASON, msg)
            raise
        if count > 0:
            self.event(d, NORMAL, "ScalingReplicaSet", f"Scaled up replica set {name_of(created)} from 0 to {count}")
        self._set_revision(d, new_revision)
        if d["spec"].get("progressDeadlineSeconds") is not None:
            du.set_condition(status, du.new_condition(
                "Progressing", "True", du.NEW_RS_REASON, f'Created new replica set "{name_of(created)}"', self._now()))
        self._write_status(d)
        return created

    def _set_revision(self, d: Obj, revision: str) -> bool:
        ann = d["metadata"].setdefault("annotations", {})
        if ann.get(du.REVISION) == revision:
            return False
        ann[du.REVISION] = revision
        return True

    def _write_status(self, d: Obj) -> None:
        """UpdateStatus (which also persists the revision annotation, as the apiserver allows)."""
        stored = self.store.update_status(d)
        d.clear()
        d.update(copy_obj(stored))

    def _scale_rs(self, rs: Obj, new_scale: int, d: Obj, operation: str | None = None) -> tuple[bool, Obj]:
        old_scale = du.replicas(rs)
        new = copy_obj(rs)
        size_changed = old_scale != new_scale
        ann_changed = du.set_replicas_annotations(new, du.replicas(d), du.replicas(d) + du.max_surge(d))
        if not size_changed and not ann_changed:
            return False, rs
        new["spec"]["replicas"] = new_scale
        stored = self.store.update(new)
        if size_changed:
            op = operation or ("up" if old_scale < new_scale else "down")
            self.event(d, NORMAL, "ScalingReplicaSet",
                       f"Scaled {op} replica set {name_of(rs)} from {old_scale} to {new_scale}")
        return size_changed, stored

    # ---------------------------------------------------------------- sync
    def _sync(self, d: Obj, rs_list: list[Obj]) -> float | None:
        """Scaling event or paused: proportional scaling only (``sync`` + ``scale``)."""
        new_rs, old_rss = self._get_all_rss(d, rs_list, create=False)
        self._scale(d, new_rs, old_rss)
        old_rss = [self.store.try_get("ReplicaSet", name_of(r), r["metadata"]["namespace"]) or r for r in old_rss]
        if new_rs is not None:
            new_rs = self.store.try_get("ReplicaSet", name_of(new_rs), new_rs["metadata"]["namespace"]) or new_rs
        if d["spec"].get("paused"):  # clean up while paused (no rollback is ever in flight here)
            self._cleanup(d, old_rss)
        self._sync_deployment_status(d, [*old_rss, new_rs], new_rs)
        return None

    def _sync_deployment_status(self, d: Obj, all_rss: list[Obj | None], new_rs: Obj | None) -> None:
        """``syncDeploymentStatus``: counts and Available only; the Progressing condition is
        left as it is (a paused deployment keeps DeploymentPaused; a scaling event is not progress)."""
        status = self._calculate_status(all_rss, new_rs, d)
        status = {k: v for k, v in status.items() if v not in (0, None)}  # Go's omitempty
        if status != (d.get("status") or {}):
            d["status"] = status
            self._write_status(d)

    def _scale(self, d: Obj, new_rs: Obj | None, old_rss: list[Obj]) -> None:
        want = du.replicas(d)
        target = du.find_active_or_latest(new_rs, old_rss)
        if target is not None:
            if du.replicas(target) != want:
                self._scale_rs(target, want, d)
            return
        if du.is_saturated(d, new_rs):
            for old in old_rss:
                if du.replicas(old) > 0:
                    self._scale_rs(old, 0, d)
            return
        if not du.is_rolling(d):
            return
        active = [rs for rs in [*old_rss, new_rs] if rs is not None and du.replicas(rs) > 0]
        total = du.spec_replica_count(active)
        allowed = want + du.max_surge(d) if want > 0 else 0
        to_add = allowed - total
        if to_add > 0:  # bigger first; newer first among equals
            active.sort(key=lambda r: (-du.replicas(r), _neg_time(r)))
            operation = "up"
        elif to_add < 0:  # bigger first; older first among equals
            active.sort(key=lambda r: (-du.replicas(r), r["metadata"].get("creationTimestamp", ""), name_of(r)))
            operation = "down"
        else:
            operation = None
        sizes: dict[str, int] = {}
        added = 0
        for rs in active:
            if to_add != 0:
                prop = du.get_proportion(rs, d, to_add, added)
                sizes[name_of(rs)] = du.replicas(rs) + prop
                added += prop
            else:
                sizes[name_of(rs)] = du.replicas(rs)
        for i, rs in enumerate(active):
            if i == 0 and to_add != 0:
                sizes[name_of(rs)] = max(0, sizes[name_of(rs)] + to_add - added)
            self._scale_rs(rs, sizes[name_of(rs)], d, operation)

    def _is_scaling_event(self, d: Obj, rs_list: list[Obj]) -> bool:
        new_rs, old_rss = self._get_all_rss(d, rs_list, create=False)
        for rs in [*old_rss, new_rs]:
            if rs is None or du.replicas(rs) == 0:
                continue
            desired = rs["metadata"].get("annotations", {}).get(du.DESIRED_REPLICAS)
            if desired is None:
                continue
            if desired != str(du.replicas(d)):
                return True
        return False

    def _check_paused_conditions(self, d: Obj) -> Obj:
        if d["spec"].get("progressDeadlineSeconds") is None:
            return d
        status = d.setdefault("status", {})
        cond = du.get_condition(status, "Progressing")
        if cond is not None and cond.get("reason") == du.TIMED_OUT_REASON:
            return d
        paused_cond = cond is not None and cond.get("reason") == du.PAUSED_REASON
        if d["spec"].get("paused") and not paused_cond:
            du.set_condition(status, du.new_condition("Progressing", "Unknown", du.PAUSED_REASON,
                                                      "Deployment is paused", self._now()))
        elif not d["spec"].get("paused") and paused_cond:
            du.set_condition(status, du.new_condition("Progressing", "Unknown", du.RESUMED_REASON,
                                                      "Deployment is resumed", self._now()))
        else:
            return d
        self._write_status(d)
        return d

    # -------------------------------------------------------------- rolling
    def _rollout_rolling(self, d: Obj, rs_list: list[Obj]) -> float | None:
        new_rs, old_rss = self._get_all_rss(d, rs_list, create=True)
        assert new_rs is not None
        all_rss: list[Obj | None] = [*old_rss, new_rs]
        scaled, new_rs = self._reconcile_new_rs(all_rss, new_rs, d)
        all_rss = [*old_rss, new_rs]
        if scaled:
            return self._sync_status(d, all_rss, new_rs)
        scaled, old_rss = self._reconcile_old_rss(all_rss, [r for r in old_rss if du.replicas(r) > 0], old_rss,
                                                  new_rs, d)
        all_rss = [*old_rss, new_rs]
        if scaled:
            return self._sync_status(d, all_rss, new_rs)
        if du.deployment_complete(d, d.get("status") or {}):
            self._cleanup(d, old_rss)
        return self._sync_status(d, all_rss, new_rs)

    def _reconcile_new_rs(self, all_rss: list[Obj | None], new_rs: Obj, d: Obj) -> tuple[bool, Obj]:
        want = du.replicas(d)
        if du.replicas(new_rs) == want:
            return False, new_rs
        if du.replicas(new_rs) > want:
            return self._scale_rs(new_rs, want, d)
        return self._scale_rs(new_rs, du.new_rs_new_replicas(d, all_rss, new_rs), d)

    def _reconcile_old_rss(self, all_rss: list[Obj | None], active_old: list[Obj], old_rss: list[Obj],
                           new_rs: Obj, d: Obj) -> tuple[bool, list[Obj]]:
        if du.spec_replica_count(active_old) == 0:
            return False, old_rss
        all_count = du.spec_replica_count(all_rss)
        min_available = du.replicas(d) - du.max_unavailable(d)
        new_unavailable = du.replicas(new_rs) - int((new_rs.get("status") or {}).get("availableReplicas", 0) or 0)
        max_scaled_down = all_count - min_available - new_unavailable
        if max_scaled_down <= 0:
            return False, old_rss
        updated = {name_of(r): r for r in old_rss}
        # clean up unhealthy replicas first (oldest ReplicaSet first)
        cleaned = 0
        for rs in du.by_creation(active_old):
            if cleaned >= max_scaled_down:
                break
            cur = updated[name_of(rs)]
            available = int((cur.get("status") or {}).get("availableReplicas", 0) or 0)
            if du.replicas(cur) == 0 or du.replicas(cur) == available:
                continue
            n = min(max_scaled_down - cleaned, du.replicas(cur) - available)
            _, updated[name_of(rs)] = self._scale_rs(cur, du.replicas(cur) - n, d)
            cleaned += n
        # then scale down within maxUnavailable
        olds = [updated[name_of(r)] for r in old_rss]
        available_all = du.status_count([*olds, new_rs], "availableReplicas")
        scaled_down = 0
        if available_all > min_available:
            budget = available_all - min_available
            for rs in du.by_creation(olds):
                if scaled_down >= budget:
                    break
                if du.replicas(rs) == 0:
                    continue
                n = min(du.replicas(rs), budget - scaled_down)
                _, updated[name_of(rs)] = self._scale_rs(rs, du.replicas(rs) - n, d)
                scaled_down += n
        return cleaned + scaled_down > 0, [updated[name_of(r)] for r in old_rss]

    # ------------------------------------------------------------- recreate
    def _rollout_recreate(self, d: Obj, rs_list: list[Obj]) -> float | None:
        new_rs, old_rss = self._get_all_rss(d, rs_list, create=False)
        scaled = False
        updated_old = []
        for rs in old_rss:
            if du.replicas(rs) > 0:
                _, rs = self._scale_rs(rs, 0, d)
                scaled = True
            updated_old.append(rs)
        old_rss = updated_old
        if scaled:
            return self._sync_status(d, [*old_rss, new_rs], new_rs)
        if self._old_pods_running(old_rss):
            return self._sync_status(d, [*old_rss, new_rs], new_rs)
        if new_rs is None:
            new_rs, old_rss = self._get_all_rss(d, self._claim_replicasets(d), create=True)
        assert new_rs is not None
        if du.replicas(new_rs) != du.replicas(d):
            _, new_rs = self._scale_rs(new_rs, du.replicas(d), d)
        if d["spec"].get("paused"):  # clean up while paused (no rollback is ever in flight here)
            self._cleanup(d, old_rss)
        self._sync_deployment_status(d, [*old_rss, new_rs], new_rs)
        return None

    def _old_pods_running(self, old_rss: list[Obj]) -> bool:
        for rs in old_rss:
            if int((rs.get("status") or {}).get("replicas", 0) or 0) > 0:
                return True
            for pod in self.store.dependents_of(uid_of(rs)):
                if pod.get("kind") == "Pod" and pod.get("status", {}).get("phase") not in ("Succeeded", "Failed"):
                    return True
        return False

    # -------------------------------------------------------------- cleanup
    def _cleanup(self, d: Obj, old_rss: list[Obj]) -> None:
        limit = d["spec"].get("revisionHistoryLimit")
        if limit is None:
            return
        alive = [rs for rs in old_rss if not rs["metadata"].get("deletionTimestamp")]
        diff = len(alive) - limit
        if diff <= 0:
            return
        for rs in du.by_creation(alive)[:diff]:
            st = rs.get("status") or {}
            if st.get("replicas", 0) != 0 or du.replicas(rs) != 0 or \
                    rs["metadata"].get("generation", 1) > st.get("observedGeneration", 0):
                continue
            try:
                self.store.delete("ReplicaSet", name_of(rs), rs["metadata"]["namespace"])
            except errors.ApiError:
                pass

    # --------------------------------------------------------------- status
    def _calculate_status(self, all_rss: list[Obj | None], new_rs: Obj | None, d: Obj) -> Obj:
        available = du.status_count(all_rss, "availableReplicas")
        total = du.spec_replica_count(all_rss)
        status: Obj = {
            "observedGeneration": d["metadata"].get("generation", 1),
            "replicas": du.status_count(all_rss, "replicas"),
            "updatedReplicas": du.status_count([new_rs], "replicas"),
            "readyReplicas": du.status_count(all_rss, "readyReplicas"),
            "availableReplicas": available,
            "unavailableReplicas": max(0, total - available),
        }
        old = d.get("status") or {}
        if "collisionCount" in old:
            status["collisionCount"] = old["collisionCount"]
        if old.get("conditions"):
            status["conditions"] = copy_obj(old["conditions"])
        now = self._now()
        if available >= du.replicas(d) - du.max_unavailable(d):
            du.set_condition(status, du.new_condition("Available", "True", du.MIN_AVAILABLE_REASON,
                                                      "Deployment has minimum availability.", now))
        else:
            du.set_condition(status, du.new_condition("Available", "False", du.MIN_UNAVAILABLE_REASON,
                                                      "Deployment does not have minimum availability.", now))
        return status

    def _sync_status(self, d: Obj, all_rss: list[Obj | None], new_rs: Obj | None) -> float | None:
        """``syncRolloutStatus``: status, Progressing/ReplicaFailure conditions, requeue if stuck."""
        status = self._calculate_status(all_rss, new_rs, d)
        has_deadline = d["spec"].get("progressDeadlineSeconds") is not None
        if not has_deadline:
            du.remove_condition(status, "Progressing")
        current = du.get_condition(d.get("status") or {}, "Progressing")
        complete_rollout = (status["replicas"] == status["updatedReplicas"] and current is not None
                            and current.get("reason") == du.NEW_RS_AVAILABLE_REASON)
        now = self._now()
        rs_name = name_of(new_rs) if new_rs is not None else None
        if has_deadline and not complete_rollout:
            if du.deployment_complete(d, status):
                msg = (f'ReplicaSet "{rs_name}" has successfully progressed.' if rs_name
                       else f'Deployment "{name_of(d)}" has successfully progressed.')
                du.set_condition(status, du.new_condition("Progressing", "True", du.NEW_RS_AVAILABLE_REASON, msg, now))
            elif du.deployment_progressing(d, status):
                msg = (f'ReplicaSet "{rs_name}" is progressing.' if rs_name
                       else f'Deployment "{name_of(d)}" is progressing.')
                cond = du.new_condition("Progressing", "True", du.RS_UPDATED_REASON, msg, now)
                if current is not None:
                    if current.get("status") == "True":
                        cond["lastTransitionTime"] = current.get("lastTransitionTime")
                    du.remove_condition(status, "Progressing")
                du.set_condition(status, cond)
            elif du.deployment_timed_out(d, status, self.clock.now()):
                msg = (f'ReplicaSet "{rs_name}" has timed out progressing.' if rs_name
                       else f'Deployment "{name_of(d)}" has timed out progressing.')
                du.set_condition(status, du.new_condition("Progressing", "False", du.TIMED_OUT_REASON, msg, now))
        failure = None
        for rs in all_rss:
            if rs is None:
                continue
            c = du.get_condition(rs.get("status") or {}, "ReplicaFailure")
            if c is not None:
                failure = c
                break
        if failure is not None:
            du.set_condition(status, {"type": "ReplicaFailure", "status": failure.get("status"),
                                      "lastUpdateTime": now,
                                      "lastTransitionTime": failure.get("lastTransitionTime", now),
                                      "reason": failure.get("reason"), "message": failure.get("message")})
        else:
            du.remove_condition(status, "ReplicaFailure")
        status = {k: v for k, v in status.items() if v not in (0, None)}  # Go's omitempty
        if status != (d.get("status") or {}):
            d["status"] = status
            self._write_status(d)
            return None
        return self._requeue_stuck(d, status)

    def _requeue_stuck(self, d: Obj, status: Obj) -> float | None:
        deadline = d["spec"].get("progressDeadlineSeconds")
        cond = du.get_condition(status, "Progressing")
        if deadline is None or cond is None:
            return None
        if cond.get("reason") in (du.NEW_RS_AVAILABLE_REASON, du.TIMED_OUT_REASON):
            return None
        if du.deployment_complete(d, status):
            return None
        after = parse_time(cond["lastUpdateTime"]) + deadline - self.clock.now()
        return max(after + 1.0, 1.0)


def _neg_time(rs: Obj) -> tuple[float, str]:
    ts = rs["metadata"].get("creationTimestamp")
    t = parse_time(ts) if ts else 0.0
    return (-t, "".join(chr(0x10FFFF - ord(c)) for c in name_of(rs)))
