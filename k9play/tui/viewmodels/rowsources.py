"""Where a table's rows come from: the store (optionally narrowed by a drill-down scope),
one pod's containers, or a fixed list (the aliases view).

A source hands the model its first rows and then reports changes as ``(key, obj | None)``
from the store's synchronous handler — it must stay O(1) per event and never write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from k9play.api.meta import Obj, labels_of
from k9play.api.resources import ResourceType
from k9play.api.selectors import LabelSelector
from k9play.api.store import DELETED, ObjectStore, WatchEvent
from k9play.kubectl.container_columns import containers_of

Key = tuple[str, str]  # (namespace, name); namespace is "" for cluster-scoped kinds
Change = Callable[[Key, Obj | None], None]


def key_of(obj: Obj) -> Key:
    m = obj["metadata"]
    return (m.get("namespace", ""), m["name"])


class RowSource(Protocol):
    def initial(self) -> list[Obj]: ...

    def subscribe(self, on_change: Change) -> Callable[[], None]: ...


@dataclass(frozen=True)
class Scope:
    """A drill-down's restriction: the pods of a deployment, of a node, the jobs of a cronjob …

    ``label`` is what the title and the crumbs show (``app=nginx``, ``node=worker``).
    """

    label: str
    selector: LabelSelector | None = None
    node: str | None = None
    owner_uid: str | None = None

    def matches(self, obj: Obj) -> bool:
        if self.selector is not None and not self.selector.matches(labels_of(obj)):
            return False
        if self.node is not None and (obj.get("spec") or {}).get("nodeName") != self.node:
            return False
        if self.owner_uid is not None and not any(
                r.get("uid") == self.owner_uid for r in obj["metadata"].get("ownerReferences") or []):
            return False
        return True


@dataclass
class StoreSource:
    """Objects of one kind in one namespace (None = all), within ``scope``."""

    store: ObjectStore
    rt: ResourceType
    namespace: str | None
    scope: Scope | None = None

    def initial(self) -> list[Obj]:
        scope = self.scope
        if scope is None:
            return self.store.list(self.rt.kind, self.namespace)
        fields = f"spec.nodeName={scope.node}" if scope.node is not None else None
        objs = self.store.list(self.rt.kind, self.namespace, scope.selector, fields)
        return [o for o in objs if scope.matches(o)]

    def subscribe(self, on_change: Change) -> Callable[[], None]:
        ns, scope = self.namespace, self.scope

        def handler(ev: WatchEvent) -> None:
            obj = ev.object
            if ns is not None and obj["metadata"].get("namespace") != ns:
                return
            gone = ev.type == DELETED or (scope is not None and not scope.matches(obj))
            on_change(key_of(obj), None if gone else obj)

        return self.store.add_handler(self.rt.kind, handler)


@dataclass
class ContainerSource:
    """The containers of one pod as rows (k9s ``dao/container.go``), keyed (pod ns, container)."""

    store: ObjectStore
    pod: Key
    _last: dict[Key, Obj] = field(default_factory=dict)

    def _rows(self, pod: Obj | None) -> dict[Key, Obj]:
        if pod is None:
            return {}
        rows = {}
        for row in containers_of(pod):
            key = key_of(row)
            old = self._last.get(key)
            # keep the old row object when nothing it shows changed (no "modified" flash)
            same = old is not None and old["container"] is row["container"] and old["status"] is row["status"] \
                and old["pod"]["metadata"].get("deletionTimestamp") == pod["metadata"].get("deletionTimestamp")
            rows[key] = old if same and old is not None else row
        return rows

    def initial(self) -> list[Obj]:
        ns, name = self.pod
        self._last = self._rows(self.store.try_get("Pod", name, ns or None))
        return list(self._last.values())

    def subscribe(self, on_change: Change) -> Callable[[], None]:
        def handler(ev: WatchEvent) -> None:
            if key_of(ev.object) != self.pod:
                return
            rows = self._rows(None if ev.type == DELETED else ev.object)
            for key in self._last.keys() - rows.keys():
                on_change(key, None)
            for key, row in rows.items():
                on_change(key, row)
            self._last = rows

        return self.store.add_handler("Pod", handler)


@dataclass
class StaticSource:
    """Rows that never change (the aliases view)."""

    rows: Iterable[Obj]

    def initial(self) -> list[Obj]:
        return list(self.rows)

    def subscribe(self, on_change: Change) -> Callable[[], None]:
        return lambda: None
