"""XRay: the live dependency tree of one kind (k9s ``internal/xray``), free of Textual.

Shape (k9s semantics): namespace → owner → … → pod → its containers and the ConfigMaps,
Secrets, ServiceAccount and PVCs it references; the chain between the root and the pods
depends on the root kind (:data:`CHAINS`), e.g. deployment → replicaset → pod, cronjob → job →
pod, and service → the pods it selects.

Why node ids are strings that sort in pre-order: a node's id is the path of components from
its namespace, joined by ``SEP`` (smaller than any character of a name). Sorting ids then
yields the tree's depth-first order, a subtree is one contiguous id range, and "has a next
sibling" is one bisection. The model keeps two sorted lists — every node, and the visible
ones (all ancestors expanded) — and, like the resource table, only *records* store events;
:meth:`XRayModel.apply_pending` folds a frame's batch once, touching only the objects that
changed (O(changes · log n)); above ``BULK`` changes it re-sorts instead. Labels are rendered
only for the lines drawn, cached per (object version, virtual second).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from k9play.api.meta import Obj
from k9play.api.selectors import LabelSelector, selector_from_labels
from k9play.api.store import DELETED, ObjectStore, WatchEvent
from k9play.kubectl.columns import columns_for, pod_status_reason
from k9play.tui.viewmodels.status import RowStatus, pod_status, row_status

NodeId = str
ObjKey = tuple[str, str, str]  # (kind, namespace, name)

#: Separates path components; sorts before every character a Kubernetes name may hold.
SEP = "\x00"
#: ``id + END`` bounds the id's subtree from above (``SEP`` < ``END`` < any name character).
END = "\x01"
#: Above this many node insertions/removals in one batch (or 1/16 of the tree, if more),
#: re-sort every id instead of bisecting each one in.
BULK = 256

#: The kinds between the root and the pods, by root kind (each is owned by the one before).
CHAINS: dict[str, tuple[str, ...]] = {
    "Deployment": ("Deployment", "ReplicaSet", "Pod"),
    "StatefulSet": ("StatefulSet", "Pod"),
    "DaemonSet": ("DaemonSet", "Pod"),
    "ReplicaSet": ("ReplicaSet", "Pod"),
    "Job": ("Job", "Pod"),
    "CronJob": ("CronJob", "Job", "Pod"),
    "Pod": ("Pod",),
    "Service": ("Service", "Pod"),  # pods by the service's selector, not by owner
}

#: Leaves under a pod, in display order (the rank is the component's first character).
LEAF_RANKS = {"InitContainer": "1", "Container": "2", "ConfigMap": "3", "Secret": "4",
              "ServiceAccount": "5", "PersistentVolumeClaim": "6"}
LEAF_KINDS = {rank: kind for kind, rank in LEAF_RANKS.items()}
OBJECT_RANK = "0"

#: k9s' short names, shown before each node's name.
TAGS = {
    "Namespace": "ns", "Deployment": "dp", "StatefulSet": "sts", "DaemonSet": "ds", "ReplicaSet": "rs",
    "Job": "job", "CronJob": "cj", "Service": "svc", "Pod": "po", "Container": "co", "InitContainer": "init",
    "ConfigMap": "cm", "Secret": "sec", "ServiceAccount": "sa", "PersistentVolumeClaim": "pvc",
}
#: Volumes the ServiceAccount admission plugin injects: not references the user wrote (k9s skips them too).
AUTO_VOLUME_PREFIX = "kube-api-access-"


@dataclass(frozen=True, slots=True)
class Node:
    """What one line stands for; ``owner`` is the object whose state it shows (a leaf shows its pod)."""

    kind: str
    namespace: str
    name: str
    owner: ObjKey | None = None

    @property
    def is_object(self) -> bool:
        return self.owner is not None and self.owner[0] == self.kind


@dataclass(slots=True)
class Line:
    """One drawn line: tree graphics, the label and its k9s status colour."""

    guide: str
    marker: str
    tag: str
    label: str
    status: RowStatus


@dataclass(slots=True)
class XRayDelta:
    """What one :meth:`XRayModel.apply_pending` changed."""

    structural: bool = False
    objects: set[ObjKey] = field(default_factory=set)

    def __bool__(self) -> bool:
        return self.structural or bool(self.objects)


def parent_of(node_id: NodeId) -> NodeId:
    return node_id[:node_id.rfind(SEP)] if SEP in node_id else ""


def depth_of(node_id: NodeId) -> int:
    return node_id.count(SEP)


def _child(parent: NodeId, rank: str, name: str) -> NodeId:
    return f"{parent}{SEP}{rank}{name}" if parent else f"{rank}{name}"


def _controller(obj: Obj, kind: str) -> tuple[str, str] | None:
    """(name, uid) of ``obj``'s controller owner when it is of ``kind``."""
    for ref in obj["metadata"].get("ownerReferences") or []:
        if ref.get("controller") and ref.get("kind") == kind:
            return ref.get("name", ""), ref.get("uid", "")
    return None


def pod_leaves(pod: Obj) -> dict[NodeId, tuple[str, str]]:
    """``{component: (kind, name)}`` of the containers and objects a pod references."""
    spec = pod.get("spec") or {}
    out: dict[NodeId, tuple[str, str]] = {}

    def add(kind: str, name: str | None) -> None:
        if name:
            out[LEAF_RANKS[kind] + name] = (kind, name)

    for c in spec.get("initContainers") or []:
        add("InitContainer", c.get("name"))
    for c in spec.get("containers") or []:
        add("Container", c.get("name"))
    for c in (spec.get("initContainers") or []) + (spec.get("containers") or []):
        for src in c.get("envFrom") or []:
            add("ConfigMap", (src.get("configMapRef") or {}).get("name"))
            add("Secret", (src.get("secretRef") or {}).get("name"))
        for env in c.get("env") or []:
            ref = env.get("valueFrom") or {}
            add("ConfigMap", (ref.get("configMapKeyRef") or {}).get("name"))
            add("Secret", (ref.get("secretKeyRef") or {}).get("name"))
    for v in spec.get("volumes") or []:
        add("ConfigMap", (v.get("configMap") or {}).get("name"))
        add("Secret", (v.get("secret") or {}).get("secretName"))
        add("PersistentVolumeClaim", (v.get("persistentVolumeClaim") or {}).get("claimName"))
        if not str(v.get("name", "")).startswith(AUTO_VOLUME_PREFIX):
            for src in (v.get("projected") or {}).get("sources") or []:
                add("ConfigMap", (src.get("configMap") or {}).get("name"))
                add("Secret", (src.get("secret") or {}).get("name"))
    for s in spec.get("imagePullSecrets") or []:
        add("Secret", s.get("name"))
    add("ServiceAccount", spec.get("serviceAccountName") or "default")
    return out


class XRayModel:
    """The tree of ``root`` objects in ``namespace`` (``None``: all), folded from store events."""

    def __init__(self, store: ObjectStore, root: str, namespace: str | None, *,
                 on_dirty: Callable[[], None] | None = None) -> None:
        if root not in CHAINS:
            raise ValueError(f"xray does not start from {root}")
        self.store = store
        self.root = root
        self.namespace = namespace
        self.chain = CHAINS[root]
        self._order = {kind: i for i, kind in enumerate(self.chain)}
        self._on_dirty = on_dirty
        self._objs: dict[str, dict[tuple[str, str], Obj]] = {kind: {} for kind in self.chain}
        self._pending: dict[ObjKey, Obj | None] = {}
        self._nodes: dict[NodeId, Node] = {}
        self._children: dict[NodeId, set[NodeId]] = {}
        self._placed: dict[ObjKey, list[NodeId]] = {}  # where each object's own node sits
        self._owner: dict[ObjKey, ObjKey] = {}  # child → its controller (by name; uid checked when placed)
        self._owned: dict[ObjKey, set[ObjKey]] = {}  # controller → children (by name)
        self._selectors: dict[ObjKey, LabelSelector | None] = {}  # services, when the root is Service
        self._roots_in_ns: dict[str, int] = {}
        self._added: list[NodeId] = []
        self._removed: list[NodeId] = []
        self._labels: dict[NodeId, tuple[object, int, Line]] = {}
        #: every node id, sorted (pre-order); and the ids whose ancestors are all expanded
        self.paths: list[NodeId] = []
        self.visible: list[NodeId] = []
        self.collapsed_by_default = False
        self._toggled: set[NodeId] = set()  # nodes whose state differs from the default
        self._unsubscribe = [store.add_handler(kind, self._on_event) for kind in self.chain]
        for kind in self.chain:
            for obj in store.list(kind, namespace):
                self._pending[_okey(kind, obj)] = obj
        self.apply_pending(store.clock.now())

    # ------------------------------------------------------------ store side
    def _on_event(self, ev: WatchEvent) -> None:
        """Informer callback: record only (the fold is per frame)."""
        obj = ev.object
        if self.namespace is not None and obj["metadata"].get("namespace") != self.namespace:
            return
        was_idle = not self._pending
        self._pending[_okey(obj.get("kind", ""), obj)] = None if ev.type == DELETED else obj
        if was_idle and self._on_dirty is not None:
            self._on_dirty()

    def close(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        self._pending.clear()

    @property
    def pending(self) -> int:
        return len(self._pending)

    def apply_pending(self, now: float) -> XRayDelta:
        """Fold every recorded change into the tree (parents before children)."""
        pending, self._pending = self._pending, {}
        delta = XRayDelta()
        if not pending:
            return delta
        self._added, self._removed = [], []
        for key in sorted(pending, key=lambda k: self._order[k[0]]):
            if self._fold(key, pending[key]):
                delta.objects.add(key)
        delta.structural = bool(self._added or self._removed)
        if delta.structural:
            self._reindex()
        return delta

    def _fold(self, key: ObjKey, obj: Obj | None) -> bool:
        kind, ns, name = key
        objs = self._objs[kind]
        old = objs.get((ns, name))
        if obj is None:
            if old is None:
                return False
            del objs[(ns, name)]
            self._set_owner(key, None)
            for node_id in list(self._placed.get(key, ())):
                self._remove_subtree(node_id)
            self._placed.pop(key, None)
            if kind == self.root:
                self._count_root(ns, -1)
            self._selectors.pop(key, None)
            return True
        if old is obj:
            return False
        objs[(ns, name)] = obj
        if old is None and kind == self.root:
            self._count_root(ns, 1)
        if len(self.chain) > 1 and kind != self.root and self.root != "Service":
            parent_kind = self.chain[self._order[kind] - 1]
            ref = _controller(obj, parent_kind)
            self._set_owner(key, (parent_kind, ns, ref[0]) if ref else None)
        if kind == "Service" and self.root == "Service":
            sel = _service_selector(obj)
            changed = key not in self._selectors or self._selectors[key] != sel
            self._selectors[key] = sel
            self._place(key)
            if changed:
                for pod_name in [n for (pns, n) in self._objs["Pod"] if pns == ns]:
                    self._place(("Pod", ns, pod_name))
            return True
        if not self._place(key) and kind == "Pod":
            for node_id in self._placed.get(key, ()):
                self._sync_leaves(node_id, key, obj)
        return True

    # ----------------------------------------------------------- structure
    def _set_owner(self, key: ObjKey, owner: ObjKey | None) -> None:
        old = self._owner.get(key)
        if old == owner:
            return
        if old is not None:
            kids = self._owned.get(old)
            if kids is not None:
                kids.discard(key)
                if not kids:
                    del self._owned[old]
        if owner is None:
            self._owner.pop(key, None)
        else:
            self._owner[key] = owner
            self._owned.setdefault(owner, set()).add(key)

    def _count_root(self, ns: str, step: int) -> None:
        count = self._roots_in_ns.get(ns, 0) + step
        ns_id = _child("", OBJECT_RANK, ns)
        if count > 0:
            self._roots_in_ns[ns] = count
            if ns_id not in self._nodes:
                self._add(ns_id, Node("Namespace", "", ns))
        else:
            self._roots_in_ns.pop(ns, None)
            if ns_id in self._nodes:
                self._remove_subtree(ns_id)

    def _desired(self, key: ObjKey) -> list[NodeId]:
        """Where ``key``'s node belongs now: under each placement of its parent(s)."""
        kind, ns, name = key
        if kind == self.root:
            return [_child(_child("", OBJECT_RANK, ns), OBJECT_RANK, name)]
        if self.root == "Service":  # a pod, under every service of its namespace that selects it
            pod = self._objs["Pod"].get((ns, name))
            labels = (pod or {}).get("metadata", {}).get("labels") or {}
            out = []
            for svc_key, sel in self._selectors.items():
                if svc_key[1] == ns and sel is not None and sel.matches(labels):
                    out.extend(_child(p, OBJECT_RANK, name) for p in self._placed.get(svc_key, ()))
            return sorted(out)
        owner = self._owner.get(key)
        if owner is None:
            return []
        parent = self._objs[owner[0]].get((owner[1], owner[2]))
        obj = self._objs[kind].get((ns, name))
        ref = _controller(obj, owner[0]) if obj is not None else None
        if parent is None or ref is None or parent["metadata"].get("uid") != ref[1]:
            return []
        return [_child(p, OBJECT_RANK, name) for p in self._placed.get(owner, ())]

    def _place(self, key: ObjKey) -> bool:
        """Move ``key``'s node(s) to where they belong; True if anything moved."""
        want = self._desired(key)
        have = self._placed.get(key, [])
        if want == have:
            return False
        for node_id in [p for p in have if p not in want]:
            self._remove_subtree(node_id)
        for node_id in want:
            if node_id not in self._nodes:
                self._add_object(key, node_id)
        return True

    def _add_object(self, key: ObjKey, node_id: NodeId) -> None:
        kind, ns, name = key
        self._add(node_id, Node(kind, ns, name, key))
        self._placed.setdefault(key, []).append(node_id)
        self._placed[key].sort()
        if kind == "Pod":
            obj = self._objs["Pod"].get((ns, name))
            if obj is not None:
                self._sync_leaves(node_id, key, obj)
        elif kind == "Service":
            for pod_name in [n for (pns, n) in self._objs["Pod"] if pns == ns]:
                self._place(("Pod", ns, pod_name))
        for kid in sorted(self._owned.get(key, ())):
            self._place(kid)

    def _sync_leaves(self, pod_id: NodeId, key: ObjKey, pod: Obj) -> None:
        want = {_child(pod_id, comp[0], comp[1:]): kn for comp, kn in pod_leaves(pod).items()}
        have = self._children.get(pod_id, set())
        for node_id in [c for c in have if c not in want]:
            self._remove_subtree(node_id)
        for node_id, (kind, name) in want.items():
            if node_id not in have:
                self._add(node_id, Node(kind, key[1], name, key))

    def _add(self, node_id: NodeId, node: Node) -> None:
        self._nodes[node_id] = node
        self._children.setdefault(parent_of(node_id), set()).add(node_id)
        self._added.append(node_id)

    def _remove_subtree(self, node_id: NodeId) -> None:
        siblings = self._children.get(parent_of(node_id))
        if siblings is not None:
            siblings.discard(node_id)
        stack = [node_id]
        while stack:
            current = stack.pop()
            node = self._nodes.pop(current, None)
            if node is None:
                continue
            self._removed.append(current)
            self._labels.pop(current, None)
            if node.is_object and node.owner is not None:
                placed = self._placed.get(node.owner)
                if placed is not None and current in placed:
                    placed.remove(current)
            stack.extend(self._children.pop(current, ()))

    def _reindex(self) -> None:
        """Bring the sorted id lists up to the structure: bisect a few ids, re-sort many."""
        added, removed = self._added, self._removed
        self._added, self._removed = [], []
        if len(added) + len(removed) > max(BULK, len(self.paths) // 16):
            self.paths = sorted(self._nodes)
            self.visible = self._shown_range(0, len(self.paths))
            return
        nodes = self._nodes
        for node_id in removed:
            if node_id not in nodes:
                _discard(self.paths, node_id)
                _discard(self.visible, node_id)
        for node_id in added:
            if node_id in nodes:
                _insert(self.paths, node_id)
                if self._shown(node_id):
                    _insert(self.visible, node_id)

    # ----------------------------------------------------- expand / collapse
    def is_collapsed(self, node_id: NodeId) -> bool:
        return (node_id in self._toggled) != self.collapsed_by_default

    def has_children(self, node_id: NodeId) -> bool:
        return bool(self._children.get(node_id))

    def _shown(self, node_id: NodeId) -> bool:
        """All ancestors expanded."""
        i = node_id.find(SEP)
        while i >= 0:
            if self.is_collapsed(node_id[:i]):
                return False
            i = node_id.find(SEP, i + 1)
        return True

    def _shown_range(self, lo: int, hi: int) -> list[NodeId]:
        """The ids of ``paths[lo:hi]`` that are shown, skipping collapsed subtrees by bisection."""
        paths, out = self.paths, []
        i = lo
        while i < hi:
            node_id = paths[i]
            out.append(node_id)
            i = bisect_left(paths, node_id + END, i + 1, hi) if self.is_collapsed(node_id) else i + 1
        return out

    def toggle(self, node_id: NodeId) -> bool:
        """Collapse or expand one node (``space``); False for a leaf."""
        if not self.has_children(node_id):
            return False
        self._toggled.symmetric_difference_update({node_id})
        if not self._shown(node_id):
            return True  # inside a collapsed subtree: nothing on screen changes
        lo = bisect_right(self.visible, node_id)
        hi = bisect_left(self.visible, node_id + END, lo)
        if self.is_collapsed(node_id):
            del self.visible[lo:hi]
        else:
            first = bisect_right(self.paths, node_id)
            last = bisect_left(self.paths, node_id + END, first)
            self.visible[lo:hi] = self._shown_range(first, last)
        return True

    def toggle_all(self) -> None:
        """Collapse everything, or expand everything if it was collapsed (``x``, as in k9s)."""
        self.collapsed_by_default = not self.collapsed_by_default
        self._toggled.clear()
        self.visible = self._shown_range(0, len(self.paths))

    # ------------------------------------------------------------- view side
    def __len__(self) -> int:
        return len(self.visible)

    @property
    def count(self) -> int:
        """How many root objects the tree holds (the title's ``[N]``)."""
        return len(self._objs[self.root])

    def node(self, node_id: NodeId) -> Node | None:
        return self._nodes.get(node_id)

    def index_of(self, node_id: NodeId | None) -> int | None:
        if node_id is None:
            return None
        i = bisect_left(self.visible, node_id)
        return i if i < len(self.visible) and self.visible[i] == node_id else None

    def object(self, key: ObjKey) -> Obj | None:
        objs = self._objs.get(key[0])
        return objs.get((key[1], key[2])) if objs is not None else None

    def find(self, kind: str, namespace: str, name: str) -> NodeId | None:
        """The first node of an object (tests and callers that know the object, not the id)."""
        placed = self._placed.get((kind, namespace, name))
        return placed[0] if placed else None

    def iter_lines(self, now: float) -> Iterator[tuple[NodeId, Line]]:
        for i in range(len(self.visible)):
            yield self.visible[i], self.line(i, now)

    def _has_next_sibling(self, node_id: NodeId) -> bool:
        j = bisect_left(self.paths, node_id + END)
        if j >= len(self.paths):
            return False
        parent = parent_of(node_id)
        return not parent or self.paths[j].startswith(parent + SEP)

    def line(self, index: int, now: float) -> Line:
        """Line ``index`` of the visible tree; the label is cached per (object, virtual second)."""
        node_id = self.visible[index]
        node = self._nodes[node_id]
        stamp = int(now)
        obj = self.object(node.owner) if node.owner is not None else None
        cached = self._labels.get(node_id)
        if cached is not None and cached[0] is obj and cached[1] == stamp:
            line = cached[2]
        else:
            label, status = self._label(node, obj, now)
            line = Line("", "", TAGS.get(node.kind, node.kind), label, status)
            self._labels[node_id] = (obj, stamp, line)
        line.guide = self._guide(node_id)
        line.marker = ("▸" if self.is_collapsed(node_id) else "▾") if self.has_children(node_id) else "─"
        return line

    def _guide(self, node_id: NodeId) -> str:
        """``│ │ ├─``: one column pair per ancestor below the namespace, then the connector."""
        depth = depth_of(node_id)
        if depth == 0:
            return ""
        parts = []
        ancestor = parent_of(node_id)
        for _ in range(depth - 1):
            parts.append("│ " if self._has_next_sibling(ancestor) else "  ")
            ancestor = parent_of(ancestor)
        parts.reverse()
        parts.append("├─" if self._has_next_sibling(node_id) else "└─")
        return "".join(parts)

    # ---------------------------------------------------------------- labels
    def _label(self, node: Node, obj: Obj | None, now: float) -> tuple[str, RowStatus]:
        kind = node.kind
        if kind == "Namespace":
            return node.name, RowStatus.NORMAL
        if obj is None:
            return f"{node.name} [gone]", RowStatus.KILL
        if kind in ("Container", "InitContainer"):
            return container_label(obj, node.name, kind == "InitContainer")
        if kind in ("ConfigMap", "Secret", "ServiceAccount", "PersistentVolumeClaim"):
            return self._ref_label(node)
        cells = {c.name: c.render(obj, now) for c in columns_for(kind)}
        status = row_status(kind, obj, cells)
        if kind == "Pod":
            info = f"{cells['READY']} {cells['STATUS']}"
            restarts = cells.get("RESTARTS", "0")
            if restarts != "0":
                info += f" ↻{restarts.split()[0]}"
        elif kind in ("ReplicaSet", "DaemonSet"):
            info = f"{cells.get('READY', '0')}/{cells.get('DESIRED', '0')}"
        elif kind == "Job":
            info = f"{cells.get('COMPLETIONS', '')} {cells.get('STATUS', '')}".strip()
        elif kind == "CronJob":
            info = cells.get("SCHEDULE", "") + (" suspended" if cells.get("SUSPEND") == "True" else "")
        elif kind == "Service":
            info = f"{cells.get('TYPE', '')} {cells.get('CLUSTER-IP', '')}".strip()
        else:
            info = cells.get("READY", "")
        if obj["metadata"].get("deletionTimestamp") and kind != "Pod":
            status = RowStatus.KILL
        return f"{node.name} [{info}]" if info else node.name, status

    def _ref_label(self, node: Node) -> tuple[str, RowStatus]:
        ref = self.store.try_get(node.kind, node.name, node.namespace)
        if ref is None:
            return f"{node.name} [missing]", RowStatus.ERROR
        if node.kind == "PersistentVolumeClaim":
            phase = (ref.get("status") or {}).get("phase", "Pending")
            status = {"Bound": RowStatus.NORMAL, "Pending": RowStatus.PENDING}.get(phase, RowStatus.ERROR)
            return f"{node.name} [{phase}]", status
        return node.name, RowStatus.NORMAL


def container_label(pod: Obj, name: str, init: bool) -> tuple[str, RowStatus]:
    """``nginx [nginx:1.14.2 Running]``: image and state, coloured like a pod with that STATUS."""
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    specs = spec.get("initContainers" if init else "containers") or []
    image = next((c.get("image", "") for c in specs if c.get("name") == name), "")
    statuses = status.get("initContainerStatuses" if init else "containerStatuses") or []
    cs = next((s for s in statuses if s.get("name") == name), None)
    if cs is None:
        state, ready = ("Terminating" if pod["metadata"].get("deletionTimestamp") else "Pending"), ""
    else:
        st = cs.get("state") or {}
        if "running" in st:
            state = "Running"
        elif "terminated" in st:
            term = st["terminated"]
            state = term.get("reason") or f"ExitCode:{term.get('exitCode', 0)}"
        else:
            state = (st.get("waiting") or {}).get("reason") or "Pending"
        ready = "1/1" if cs.get("ready") else "0/1"
        if state == "Running" and init and not cs.get("ready"):
            ready = "1/1"  # a running init container has no readiness of its own
    restarts = int((cs or {}).get("restartCount", 0))
    info = f"{image} {state}" + (f" ↻{restarts}" if restarts else "")
    if state == "Completed":
        colour = RowStatus.COMPLETED
    elif pod_status_reason(pod) == "Terminating":
        colour = RowStatus.KILL
    else:
        colour = pod_status({"STATUS": state, "READY": ready} if ready else {"STATUS": state})
    return f"{name} [{info}]", colour


def _service_selector(svc: Obj) -> LabelSelector | None:
    """A service selects nothing without a selector (its endpoints are managed by hand)."""
    labels = (svc.get("spec") or {}).get("selector")
    return selector_from_labels(labels) if labels else None


def _okey(kind: str, obj: Obj) -> ObjKey:
    m = obj["metadata"]
    return kind, m.get("namespace", ""), m["name"]


def _insert(ids: list[NodeId], node_id: NodeId) -> None:
    i = bisect_left(ids, node_id)
    if i == len(ids) or ids[i] != node_id:
        ids.insert(i, node_id)


def _discard(ids: list[NodeId], node_id: NodeId) -> None:
    i = bisect_left(ids, node_id)
    if i < len(ids) and ids[i] == node_id:
        del ids[i]


__all__ = ["CHAINS", "Line", "Node", "XRayDelta", "XRayModel", "container_label", "pod_leaves"]
