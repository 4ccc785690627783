"""The object store: the simulated apiserver and etcd in one.

Every component reads and writes cluster state only through this API, as a real client
would: ``create``/``get``/``list``/``update``/``update_status``/``patch``/``delete`` and
watches. Semantics follow the apiserver — uid, a global resourceVersion, ``generation``
bumped on spec changes only, graceful deletion with ``deletionTimestamp`` and finalizers,
admission (defaulting + validation) on every write.

Reads return the stored dicts themselves, like client-go's informer caches: callers must
treat them as read-only and write back a modified copy (:func:`~k9play.api.meta.copy_obj`).
Writes copy what they are given, so a caller can never alter stored state behind the
store's back.

Two kinds of watchers:

* synchronous handlers (``add_handler``) — the engine's informers; they must only enqueue
  work, never write, so a write never re-enters the store;
* asynchronous iterators (``watch``) — for the TUI and ``kubectl get -w``.
"""

from __future__ import annotations

import asyncio
import random
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from k9play.api import errors, resources
from k9play.api.meta import (
    Obj,
    copy_obj,
    format_time,
    labels_of,
    name_of,
    namespace_of,
    new_uid,
    random_suffix,
    uid_of,
)
from k9play.api.selectors import (
    EVERYTHING,
    FieldSelector,
    LabelSelector,
    parse_field_selector,
    parse_label_selector,
)

if TYPE_CHECKING:
    from k9play.api.admission import Admission
    from k9play.clock import VirtualClock

ADDED, MODIFIED, DELETED = "ADDED", "MODIFIED", "DELETED"

#: Kinds whose strategy records ``metadata.generation``.
GENERATION_KINDS = frozenset({
    "Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob",
    "ReplicationController", "PodDisruptionBudget", "Ingress",
    "NetworkPolicy",
})
#: Kinds with a status subresource: the main endpoint ignores status, ``update_status`` the rest.
STATUS_KINDS = frozenset({
    "Pod", "Node", "Namespace", "Service", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet",
    "Job", "CronJob", "ReplicationController", "HorizontalPodAutoscaler", "PersistentVolume",
    "PersistentVolumeClaim", "ResourceQuota", "PodDisruptionBudget", "Ingress",
})
#: Kinds whose status strategy lets ``update_status`` also change annotations (the deployment
#: controller records ``deployment.kubernetes.io/revision`` that way).
STATUS_UPDATES_ANNOTATIONS = frozenset({"Deployment"})
#: Kinds whose status a client may set on create (everything else starts from a fresh status).
STATUS_ON_CREATE = frozenset({"Node"})

DEFAULT_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")


@dataclass(frozen=True, slots=True)
class WatchEvent:
    type: str
    object: Obj
    old: Obj | None
    resource_version: int

    @property
    def kind(self) -> str:
        return self.object.get("kind", "")


Handler = Callable[[WatchEvent], None]
Key = tuple[str, str]  # (namespace, name)


class _KindStore:
    __slots__ = ("by_ns", "handlers", "label_index", "rt", "watches")

    def __init__(self, rt: resources.ResourceType) -> None:
        self.rt = rt
        self.by_ns: dict[str, dict[str, Obj]] = {}
        self.label_index: dict[str, dict[str, set[Key]]] = {}
        self.handlers: list[Handler] = []
        self.watches: list[Watch] = []

    def get(self, ns: str, name: str) -> Obj | None:
        bucket = self.by_ns.get(ns)
        return bucket.get(name) if bucket else None


class Watch:
    """An async iterator of :class:`WatchEvent` for one kind, namespace and selector."""

    def __init__(self, store: ObjectStore, kind: str, namespace: str | None, selector: LabelSelector) -> None:
        self._store = store
        self.kind = kind
        self.namespace = namespace
        self.selector = selector
        self.queue: asyncio.Queue[WatchEvent | None] = asyncio.Queue()
        self.closed = False

    def _wants(self, obj: Obj | None) -> bool:
        if obj is None:
            return False
        if self.namespace is not None and namespace_of(obj) != self.namespace:
            return False
        return self.selector.matches(labels_of(obj))

    def _offer(self, ev: WatchEvent) -> None:
        """Filter one event, turning selector transitions into ADDED/DELETED like the apiserver."""
        now_in = ev.type != DELETED and self._wants(ev.object)
        was_in = (ev.type == DELETED and self._wants(ev.object)) or (ev.type == MODIFIED and self._wants(ev.old))
        if ev.type == ADDED:
            if now_in:
                self.queue.put_nowait(ev)
        elif ev.type == DELETED:
            if was_in:
                self.queue.put_nowait(ev)
        elif now_in and was_in:
            self.queue.put_nowait(ev)
        elif now_in:
            self.queue.put_nowait(WatchEvent(ADDED, ev.object, None, ev.resource_version))
        elif was_in:
            self.queue.put_nowait(WatchEvent(DELETED, ev.object, ev.old, ev.resource_version))

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._store._kind(self.kind).watches.remove(self)
            self.queue.put_nowait(None)

    def __aiter__(self) -> Watch:
        return self

    async def __anext__(self) -> WatchEvent:
        if self.closed and self.queue.empty():
            raise StopAsyncIteration
        ev = await self.queue.get()
        if ev is None:
            raise StopAsyncIteration
        return ev

    def drain(self) -> list[WatchEvent]:
        """Everything queued so far, without waiting (handy for batching per frame)."""
        out: list[WatchEvent] = []
        while not self.queue.empty():
            ev = self.queue.get_nowait()
            if ev is not None:
                out.append(ev)
        return out


class ObjectStore:
    """Versioned objects with indexes, watches, admission and graceful deletion."""

    def __init__(self, clock: VirtualClock, *, admission: Admission | None = None, history: int = 8192) -> None:
        self.clock = clock
        self._rv = 0
        self._kinds: dict[str, _KindStore] = {}
        self._by_uid: dict[str, tuple[str, str, str]] = {}
        self._dependents: dict[str, set[tuple[str, str, str]]] = {}
        self._pods_by_node: dict[str, dict[Key, Obj]] = {}
        self._history: deque[WatchEvent] = deque(maxlen=history)
        self._global_handlers: list[Handler] = []
        #: the cluster's own objects (kube-system add-ons) and everything they own or an event is
        #: about draw uids, names and ids from a random stream of their own, so adding them
        #: leaves what a seed generates for the user's objects unchanged
        self.system_rng: random.Random | None = None
        self.system_uids: set[str] = set()
        self._system_depth = 0
        if admission is None:
            from k9play.api.admission import Admission

            admission = Admission()
        self.admission = admission
        for ns in DEFAULT_NAMESPACES:
            self.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})

    # ---------------------------------------------------------------- basics
    @property
    def resource_version(self) -> int:
        return self._rv

    def _kind(self, kind: str) -> _KindStore:
        ks = self._kinds.get(kind)
        if ks is None:
            ks = self._kinds[kind] = _KindStore(resources.by_kind(kind))
        return ks

    def _scope(self, rt: resources.ResourceType, namespace: str | None) -> str:
        if not rt.namespaced:
            return ""
        return namespace or "default"

    # ----------------------------------------------------------------- reads
    def get(self, kind: str, name: str, namespace: str | None = None) -> Obj:
        """The stored object; raises a NotFound ``ApiError``."""
        ks = self._kind(kind)
        obj = ks.get(self._scope(ks.rt, namespace), name)
        if obj is None:
            raise errors.not_found(ks.rt.resource, name)
        return obj

    def try_get(self, kind: str, name: str, namespace: str | None = None) -> Obj | None:
        ks = self._kind(kind)
        return ks.get(self._scope(ks.rt, namespace), name)

    def get_by_uid(self, uid: str) -> Obj | None:
        loc = self._by_uid.get(uid)
        if loc is None:
            return None
        return self._kind(loc[0]).get(loc[1], loc[2])

    def list(
        self,
        kind: str,
        namespace: str | None = None,
        label_selector: LabelSelector | str | None = None,
        field_selector: FieldSelector | str | None = None,
    ) -> list[Obj]:
        """Objects of ``kind`` sorted by namespace then name; ``namespace=None`` means all."""
        ks = self._kind(kind)
        sel = parse_label_selector(label_selector) if isinstance(label_selector, str) or label_selector is None \
            else label_selector
        fsel = parse_field_selector(field_selector, kind) if isinstance(field_selector, str) or field_selector is None \
            else field_selector
        if not ks.rt.namespaced:
            namespace = None
        candidates = self._candidates(ks, namespace, sel, fsel)
        out = [o for o in candidates if sel.matches(labels_of(o)) and fsel.matches(o)]
        out.sort(key=_sort_key)
        return out

    def _candidates(self, ks: _KindStore, namespace: str | None, sel: LabelSelector,
                    fsel: FieldSelector) -> Iterable[Obj]:
        if ks.rt.kind == "Pod":
            node = fsel.value_of("spec.nodeName")
            if node:
                pods = self._pods_by_node.get(node, {}).values()
                return [p for p in pods if namespace is None or namespace_of(p) == namespace]
        name = fsel.value_of("metadata.name")
        if name is not None:
            if namespace is not None:
                obj = ks.get(namespace, name)
                return [obj] if obj else []
            return [b[name] for b in ks.by_ns.values() if name in b]
        eq = sel.equalities()
        if eq:
            best: set[Key] | None = None
            for k, v in eq:
                keys = ks.label_index.get(k, {}).get(v, set())
                if best is None or len(keys) < len(best):
                    best = keys
            assert best is not None
            found = []
            for ns, nm in best:
                if namespace is None or ns == namespace:
                    obj = ks.get(ns, nm)
                    if obj is not None:
                        found.append(obj)
            return found
        if namespace is not None:
            return list(ks.by_ns.get(namespace, {}).values())
        return [o for b in ks.by_ns.values() for o in b.values()]

    def count(self, kind: str, namespace: str | None = None) -> int:
        ks = self._kind(kind)
        if namespace is not None and ks.rt.namespaced:
            return len(ks.by_ns.get(namespace, {}))
        return sum(len(b) for b in ks.by_ns.values())

    def pods_on_node(self, node: str) -> list[Obj]:
        return sorted(self._pods_by_node.get(node, {}).values(), key=_sort_key)

    def dependents_of(self, uid: str) -> list[Obj]:
        out = []
        for kind, ns, name in sorted(self._dependents.get(uid, ())):
            obj = self._kind(kind).get(ns, name)
            if obj is not None:
                out.append(obj)
        return out

    def kinds_present(self) -> list[str]:
        return [k for k, ks in self._kinds.items() if any(ks.by_ns.values())]

    # ------------------------------------------------------ system objects
    @contextmanager
    def system(self) -> Iterator[None]:
        """Objects created inside belong to the cluster itself (see ``system_rng``)."""
        self._system_depth += 1
        try:
            yield
        finally:
            self._system_depth -= 1

    def is_system(self, obj: Obj) -> bool:
        uids = self.system_uids
        if not uids:
            return False
        m = obj.get("metadata") or {}
        if m.get("uid") in uids or (obj.get("involvedObject") or {}).get("uid") in uids:
            return True
        return any(ref.get("uid") in uids for ref in m.get("ownerReferences") or [])

    def rng_for(self, obj: Obj) -> random.Random:
        """The random stream for what is done to ``obj`` (container ids, scheduling ties …)."""
        if self.system_rng is not None and self.is_system(obj):
            return self.system_rng
        return self.clock.rng

    # ---------------------------------------------------------------- writes
    def create(self, obj: Obj, namespace: str | None = None, *, field_validation: str = "Ignore",
               dry_run: bool = False) -> Obj:
        """POST: admit and store a new object; returns the stored object.

        ``field_validation="Strict"`` checks the object against the official schema first,
        as the apiserver does for kubectl's requests."""
        if self.system_rng is not None and (self._system_depth or self.is_system(obj)):
            clock = self.clock
            shared, clock.rng = clock.rng, self.system_rng
            try:
                created = self._create(obj, namespace, field_validation=field_validation, dry_run=dry_run)
            finally:
                clock.rng = shared
            if not dry_run:
                self.system_uids.add(uid_of(created))
            return created
        return self._create(obj, namespace, field_validation=field_validation, dry_run=dry_run)

    def _create(self, obj: Obj, namespace: str | None = None, *, field_validation: str = "Ignore",
                dry_run: bool = False) -> Obj:
        rt = resources.for_object(obj.get("apiVersion", ""), obj.get("kind", ""))
        ks = self._kind(rt.kind)
        new = copy_obj(obj)
        m = new.setdefault("metadata", {})
        if rt.namespaced:
            if namespace and m.get("namespace") and m["namespace"] != namespace:
                raise errors.bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request"
                )
            ns = m.get("namespace") or namespace or "default"
            m["namespace"] = ns
        else:
            m.pop("namespace", None)
            ns = ""
        request_name = m.get("name") or ""
        if not request_name:
            if m.get("generateName"):
                request_name = m["generateName"]
                m["name"] = m["generateName"] + random_suffix(self.clock.rng)
            else:
                raise errors.invalid(f"{rt.kind}.{rt.group}" if rt.group else rt.kind, "", [errors.Cause(
                    "metadata.name", "Required value: name or generateName is required", "FieldValueRequired")])
        name = m["name"]
        if rt.namespaced and not dry_run:
            self._check_namespace_open(rt, ns, name)
        for f in ("uid", "resourceVersion", "creationTimestamp", "deletionTimestamp",
                  "deletionGracePeriodSeconds", "generation", "managedFields", "selfLink"):
            m.pop(f, None)
        if rt.kind not in STATUS_ON_CREATE and "status" in new:
            del new["status"]
        m["uid"] = new_uid(self.clock.rng)  # assigned before admission: the Job strategy selects by it
        self.admission.admit("CREATE", rt, new, None, self, field_validation, request_name)
        if ks.get(ns, name) is not None:
            raise errors.already_exists(rt.resource, name)
        if dry_run:
            return _ordered(new)
        m["creationTimestamp"] = format_time(self.clock.now())
        if rt.kind in GENERATION_KINDS:
            m["generation"] = 1
        self._rv += 1
        m["resourceVersion"] = str(self._rv)
        new = _ordered(new)
        self._store(ks, ns, name, new, None)
        self._emit(ks, WatchEvent(ADDED, new, None, self._rv))
        return new

    def _check_namespace_open(self, rt: resources.ResourceType, ns: str, name: str) -> None:
        nso = self._kind("Namespace").get("", ns)
        if nso is None:
            raise errors.not_found("namespaces", ns)
        if nso["metadata"].get("deletionTimestamp") and rt.kind != "Event":
            raise errors.forbidden(
                f'{rt.resource} "{name}" is forbidden: unable to create new content in namespace {ns} '
                "because it is being terminated"
            )

    def update(self, obj: Obj, *, subresource: str | None = None, field_validation: str = "Ignore",
               dry_run: bool = False) -> Obj:
        """PUT: replace an object (``subresource="status"`` replaces only its status).

        A ``metadata.resourceVersion`` in ``obj`` is an optimistic-concurrency precondition.
        An update that changes nothing returns the stored object without a new version.
        """
        rt = resources.for_object(obj.get("apiVersion", ""), obj.get("kind", ""))
        ks = self._kind(rt.kind)
        m_in = obj.get("metadata") or {}
        ns = self._scope(rt, m_in.get("namespace"))
        name = m_in.get("name", "")
        cur = ks.get(ns, name)
        if cur is None:
            raise errors.not_found(rt.resource, name)
        want_rv = m_in.get("resourceVersion")
        if want_rv and want_rv != cur["metadata"]["resourceVersion"]:
            raise errors.conflict(rt.resource, name)
        if subresource == "status":
            # stored objects are never mutated, so the new version may share cur's spec
            new = dict(cur)
            new["metadata"] = dict(cur["metadata"])
            if "status" in obj:
                new["status"] = copy_obj(obj["status"])
            else:
                new.pop("status", None)
            if rt.kind in STATUS_UPDATES_ANNOTATIONS and "annotations" in m_in:
                new["metadata"]["annotations"] = copy_obj(m_in["annotations"])
        elif subresource == "finalize":
            if rt.kind != "Namespace":
                raise errors.ApiError(f"the server could not find the requested resource ({rt.resource}/finalize)",
                                      404, "NotFound")
            new = dict(cur)
            new["metadata"] = dict(cur["metadata"])
            new["spec"] = dict(cur.get("spec") or {})
            new.setdefault("spec", {})["finalizers"] = list((obj.get("spec") or {}).get("finalizers") or [])
            if not new["spec"]["finalizers"]:
                del new["spec"]["finalizers"]
        else:
            new = copy_obj(obj)
            m = new.setdefault("metadata", {})
            cm = cur["metadata"]
            if rt.kind == "Namespace":  # spec.finalizers changes only through namespaces/finalize
                spec = new.setdefault("spec", {})
                spec.pop("finalizers", None)
                if (cur.get("spec") or {}).get("finalizers"):
                    spec["finalizers"] = list(cur["spec"]["finalizers"])
            for f in ("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
                      "generation", "namespace"):
                if f in cm:
                    m[f] = cm[f]
                else:
                    m.pop(f, None)
            if rt.kind in STATUS_KINDS:
                if "status" in cur:
                    new["status"] = copy_obj(cur["status"])
                else:
                    new.pop("status", None)
            if cm.get("deletionTimestamp"):
                added = set(m.get("finalizers") or []) - set(cm.get("finalizers") or [])
                if added:
                    raise errors.forbidden(
                        f'{rt.resource} "{name}" is forbidden: no new finalizers can be added if the object '
                        "is being deleted"
                    )
            self.admission.admit("UPDATE", rt, new, cur, self, field_validation)
            if rt.kind in STATUS_KINDS and "status" in cur:
                # the apiserver's PrepareForUpdate: decoding the request (nulls dropped) never
                # touches the stored status, or a no-op apply would look like a change
                new["status"] = copy_obj(cur["status"])
            if rt.kind in GENERATION_KINDS and _spec_changed(cur, new):
                m["generation"] = cm.get("generation", 1) + 1
        new["metadata"]["resourceVersion"] = cur["metadata"]["resourceVersion"]
        new = _ordered(new)
        if new == cur or dry_run:
            return cur if new == cur else new
        if _deletion_complete(rt, new):
            return self._remove(ks, new)
        self._rv += 1
        new["metadata"]["resourceVersion"] = str(self._rv)
        self._store(ks, ns, name, new, cur)
        self._emit(ks, WatchEvent(MODIFIED, new, cur, self._rv))
        return new

    def update_status(self, obj: Obj) -> Obj:
        return self.update(obj, subresource="status")

    def patch(
        self,
        kind: str,
        name: str,
        namespace: str | None,
        patch: Any,
        patch_type: str = "merge",
        *,
        subresource: str | None = None,
    ) -> Obj:
        """PATCH with ``merge`` (RFC 7386), ``json`` (RFC 6902) or ``strategic`` merge."""
        from k9play.api import patches

        cur = self.get(kind, name, namespace)
        if patch_type == "merge":
            new = patches.merge_patch(cur, patch)
        elif patch_type == "json":
            new = patches.json_patch(cur, patch)
        elif patch_type == "strategic":
            new = patches.strategic_merge_patch(cur, patch)
        else:
            raise errors.ApiError(f"unsupported patch type {patch_type!r}", 415, "UnsupportedMediaType")
        new.setdefault("metadata", {})["resourceVersion"] = cur["metadata"]["resourceVersion"]
        new["metadata"]["name"] = name
        if cur["metadata"].get("namespace"):
            new["metadata"]["namespace"] = cur["metadata"]["namespace"]
        return self.update(new, subresource=subresource)

    def delete(
        self,
        kind: str,
        name: str,
        namespace: str | None = None,
        *,
        grace_period: int | None = None,
        propagation: str | None = None,
        uid: str | None = None,
    ) -> Obj:
        """DELETE. Pods on a node terminate gracefully; finalizers hold any object back.

        ``propagation`` is ``Background`` (default), ``Foreground`` or ``Orphan``; the
        garbage collector carries out the latter two through their finalizers.
        """
        ks = self._kind(kind)
        rt = ks.rt
        ns = self._scope(rt, namespace)
        cur = ks.get(ns, name)
        if cur is None:
            raise errors.not_found(rt.resource, name)
        if uid and uid_of(cur) != uid:
            raise errors.ApiError(
                f'Precondition failed: UID in precondition: {uid}, UID in object meta: {uid_of(cur)}',
                409, "Conflict")
        grace = 0
        if rt.kind == "Pod":
            spec = cur.get("spec", {})
            grace = spec.get("terminationGracePeriodSeconds", 30) if grace_period is None else grace_period
            if not spec.get("nodeName") or cur.get("status", {}).get("phase") in ("Succeeded", "Failed"):
                grace = 0
            grace = max(0, int(grace))
        new = copy_obj(cur)
        m = new["metadata"]
        finalizers = list(m.get("finalizers") or [])
        if propagation == "Orphan" and "orphan" not in finalizers:
            finalizers.append("orphan")
        elif propagation == "Foreground" and "foregroundDeletion" not in finalizers:
            finalizers.append("foregroundDeletion")
        already = bool(m.get("deletionTimestamp"))
        if already:
            if rt.kind != "Pod":
                return cur
            remaining = m.get("deletionGracePeriodSeconds", 0)
            if grace >= remaining:
                return cur
        if finalizers:
            m["finalizers"] = finalizers
        if rt.kind == "Namespace":
            new.setdefault("status", {})["phase"] = "Terminating"
        blocked = bool(finalizers) or (rt.kind == "Namespace" and (new.get("spec") or {}).get("finalizers"))
        if grace == 0 and not blocked:
            return self._remove(ks, new)
        now = self.clock.now()
        m["deletionTimestamp"] = format_time(now + grace)
        m["deletionGracePeriodSeconds"] = grace
        if "generation" in m and not already:
            m["generation"] += 1
        self._rv += 1
        m["resourceVersion"] = str(self._rv)
        self._store(ks, ns, name, new, cur)
        self._emit(ks, WatchEvent(MODIFIED, new, cur, self._rv))
        return new

    def bind(self, pod: Obj, node_name: str) -> Obj:
        """``pods/binding``: set ``spec.nodeName`` and the PodScheduled condition."""
        cur = self.get("Pod", name_of(pod), namespace_of(pod))
        if cur.get("spec", {}).get("nodeName"):
            raise errors.conflict("pods/binding", name_of(pod))
        if cur["metadata"].get("deletionTimestamp"):
            raise errors.ApiError(f'pod {name_of(pod)} is being deleted, cannot be assigned to a host',
                                  409, "Conflict")
        ks = self._kind("Pod")
        new = dict(cur)
        new["metadata"] = dict(cur["metadata"])
        new["spec"] = {**cur["spec"], "nodeName": node_name}
        new["status"] = status = copy_obj(cur.get("status") or {})
        conds = [c for c in status.get("conditions", []) if c.get("type") != "PodScheduled"]
        conds.insert(0, {"type": "PodScheduled", "status": "True", "lastProbeTime": None,
                         "lastTransitionTime": format_time(self.clock.now())})
        status["conditions"] = conds
        self._rv += 1
        new["metadata"]["resourceVersion"] = str(self._rv)
        self._store(ks, namespace_of(new), name_of(new), new, cur)
        self._emit(ks, WatchEvent(MODIFIED, new, cur, self._rv))
        return new

    def evict(self, name: str, namespace: str | None = None, *, grace_period: int | None = None,
              dry_run: bool = False) -> None:
        """``pods/eviction`` (a policy/v1 Eviction): a DELETE that respects PodDisruptionBudgets
        (:mod:`k9play.api.eviction`); raises 429 TooManyRequests when a budget forbids it."""
        from k9play.api.eviction import evict

        evict(self, name, namespace or "default", grace_period, dry_run)

    # -------------------------------------------------------------- internals
    def _remove(self, ks: _KindStore, obj: Obj) -> Obj:
        ns, name = namespace_of(obj), name_of(obj)
        cur = ks.get(ns, name)
        if cur is None:
            return obj
        self._unindex(ks, cur)
        del ks.by_ns[ns][name]
        if not ks.by_ns[ns]:
            del ks.by_ns[ns]
        self._rv += 1
        final = obj if obj is not cur else copy_obj(cur)
        final["metadata"]["resourceVersion"] = str(self._rv)
        self._emit(ks, WatchEvent(DELETED, final, cur, self._rv))
        return final

    def _store(self, ks: _KindStore, ns: str, name: str, new: Obj, old: Obj | None) -> None:
        if old is not None:
            self._unindex(ks, old)
        ks.by_ns.setdefault(ns, {})[name] = new
        key = (ns, name)
        for k, v in labels_of(new).items():
            ks.label_index.setdefault(k, {}).setdefault(v, set()).add(key)
        uid = uid_of(new)
        self._by_uid[uid] = (ks.rt.kind, ns, name)
        for ref in new["metadata"].get("ownerReferences") or []:
            self._dependents.setdefault(ref.get("uid", ""), set()).add((ks.rt.kind, ns, name))
        if ks.rt.kind == "Pod":
            node = new.get("spec", {}).get("nodeName")
            if node:
                self._pods_by_node.setdefault(node, {})[key] = new

    def _unindex(self, ks: _KindStore, old: Obj) -> None:
        ns, name = namespace_of(old), name_of(old)
        key = (ns, name)
        for k, v in labels_of(old).items():
            vals = ks.label_index.get(k)
            if vals and v in vals:
                vals[v].discard(key)
                if not vals[v]:
                    del vals[v]
        self._by_uid.pop(uid_of(old), None)
        for ref in old["metadata"].get("ownerReferences") or []:
            deps = self._dependents.get(ref.get("uid", ""))
            if deps:
                deps.discard((ks.rt.kind, ns, name))
                if not deps:
                    del self._dependents[ref.get("uid", "")]
        if ks.rt.kind == "Pod":
            node = old.get("spec", {}).get("nodeName")
            if node and node in self._pods_by_node:
                self._pods_by_node[node].pop(key, None)

    def _emit(self, ks: _KindStore, ev: WatchEvent) -> None:
        self._history.append(ev)
        for w in ks.watches:
            w._offer(ev)
        for h in ks.handlers:
            h(ev)
        for h in self._global_handlers:
            h(ev)

    # --------------------------------------------------------------- watches
    def add_handler(self, kind: str | None, handler: Handler) -> Callable[[], None]:
        """Register a synchronous informer handler (``kind=None``: every kind)."""
        target = self._global_handlers if kind is None else self._kind(kind).handlers
        target.append(handler)
        return lambda: target.remove(handler) if handler in target else None

    def watch(
        self,
        kind: str,
        namespace: str | None = None,
        selector: LabelSelector | str | None = None,
        since_rv: int | str | None = None,
    ) -> Watch:
        """An async iterator of events. Without ``since_rv`` it starts with an ADDED event
        per existing object (the apiserver's "get state and start at most recent")."""
        ks = self._kind(kind)
        sel = parse_label_selector(selector) if isinstance(selector, str) or selector is None else selector
        w = Watch(self, kind, namespace if ks.rt.namespaced else None, sel)
        if since_rv is None:
            for obj in self.list(kind, w.namespace, sel):
                w.queue.put_nowait(WatchEvent(ADDED, obj, None, self._rv))
        else:
            since = int(since_rv)
            if since < self._rv:
                if not self._history or self._history[0].resource_version > since + 1:
                    raise errors.expired(f"too old resource version: {since} ({self._rv})")
                for ev in self._history:
                    if ev.resource_version > since and ev.kind == kind:
                        w._offer(ev)
        ks.watches.append(w)
        return w

    def iter_all(self) -> Iterator[Obj]:
        for ks in self._kinds.values():
            for bucket in ks.by_ns.values():
                yield from bucket.values()


def _sort_key(obj: Obj) -> tuple[str, str]:
    m = obj["metadata"]
    return (m.get("namespace", ""), m["name"])


def _spec_changed(old: Obj, new: Obj) -> bool:
    for k in set(old) | set(new):
        if k in ("metadata", "status", "apiVersion", "kind"):
            continue
        if old.get(k) != new.get(k):
            return True
    return False


def _deletion_complete(rt: resources.ResourceType, obj: Obj) -> bool:
    m = obj["metadata"]
    if not m.get("deletionTimestamp") or m.get("finalizers"):
        return False
    if rt.kind == "Namespace" and (obj.get("spec") or {}).get("finalizers"):
        return False
    return not m.get("deletionGracePeriodSeconds")


_TOP_ORDER = ("apiVersion", "kind", "metadata")


def _ordered(obj: Obj) -> Obj:
    """Put apiVersion, kind, metadata first and status last, as the apiserver serialises."""
    out: Obj = {k: obj[k] for k in _TOP_ORDER if k in obj}
    for k, v in obj.items():
        if k not in out and k != "status":
            out[k] = v
    if "status" in obj:
        out["status"] = obj["status"]
    return out


__all__ = ["ADDED", "DELETED", "EVERYTHING", "MODIFIED", "ObjectStore", "Watch", "WatchEvent"]
