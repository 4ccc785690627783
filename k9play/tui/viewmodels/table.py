"""The live, sorted row set behind one resource table.

Why a view-model: the store emits one event per write (a 10k-pod rollout is ~50k events),
but the screen can only show ~60 frames a second. The store handler therefore only
*records* the latest object per key; :meth:`ResourceTableModel.apply_pending` folds the
whole batch into the sorted key list once per frame. Cells are rendered lazily, only for
rows that are actually drawn, and cached per (object version, virtual second), so the
cost of a frame does not grow with the number of rows.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Callable
from dataclasses import dataclass, field

from k9play.api.meta import Obj
from k9play.api.resources import ResourceType
from k9play.api.store import DELETED, ObjectStore, WatchEvent
from k9play.kubectl.columns import Column, columns_for
from k9play.tui.viewmodels.status import RowStatus, row_status

Key = tuple[str, str]  # (namespace, name); namespace is "" for cluster-scoped kinds

#: How long (virtual seconds) an added/modified row keeps k9s' add/modify colour.
FLASH_SECONDS = 2.0
#: Above this many inserts (or removals) in one batch, rebuild the key list instead of bisecting.
BULK = 256

NAMESPACE_COLUMN = Column("NAMESPACE", lambda o, n: o["metadata"].get("namespace", ""))


@dataclass(slots=True)
class Row:
    """Display state of one object, created only once it is drawn or changes live."""

    key: Key
    changed_at: float = float("-inf")  # virtual time of the last add/modify seen live
    change: str = ""  # "add" | "modify" | "" (loaded with the view)
    stamp: int | None = None  # virtual second the cells were rendered for; None = stale
    cells: tuple[str, ...] = ()
    status: RowStatus = RowStatus.NORMAL


@dataclass(slots=True)
class Delta:
    """What one :meth:`ResourceTableModel.apply_pending` changed."""

    added: int = 0
    removed: int = 0
    modified: int = 0
    keys: set[Key] = field(default_factory=set)

    @property
    def structural(self) -> bool:
        return bool(self.added or self.removed)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.modified)


class ResourceTableModel:
    """Rows of one kind in one namespace (``None`` = all), sorted by (namespace, name)."""

    def __init__(
        self,
        store: ObjectStore,
        rt: ResourceType,
        namespace: str | None,
        *,
        wide: bool = False,
        on_dirty: Callable[[], None] | None = None,
    ) -> None:
        self.store = store
        self.rt = rt
        self.namespace = namespace if rt.namespaced else None
        self.all_namespaces = rt.namespaced and namespace is None
        cols = columns_for(rt.kind, wide=wide)
        self.columns: list[Column] = [NAMESPACE_COLUMN, *cols] if self.all_namespaces else cols
        self.names = [c.name for c in self.columns]
        # the column the ↑ marks: rows sort by (namespace, name), so NAMESPACE leads when shown
        self.sort_column = 0 if self.all_namespaces else self.names.index("NAME") if "NAME" in self.names else -1
        self._on_dirty = on_dirty
        self._pending: dict[Key, Obj | None] = {}
        self._objs: dict[Key, Obj] = {_key(o): o for o in store.list(rt.kind, self.namespace)}
        self._rows: dict[Key, Row] = {}  # lazily: only rows drawn or changed since the view opened
        self.keys: list[Key] = list(self._objs)  # store.list is already sorted by (namespace, name)
        self._unsubscribe: Callable[[], None] | None = store.add_handler(rt.kind, self._on_event)

    # ------------------------------------------------------------ store side
    def _on_event(self, ev: WatchEvent) -> None:
        """Informer callback: record only, never touch the key list (that is per frame)."""
        obj = ev.object
        if self.namespace is not None and obj["metadata"].get("namespace") != self.namespace:
            return
        was_idle = not self._pending
        self._pending[_key(obj)] = None if ev.type == DELETED else obj
        if was_idle and self._on_dirty is not None:
            self._on_dirty()

    def close(self) -> None:
        """Stop listening to the store (the view was switched away)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._pending.clear()

    @property
    def pending(self) -> int:
        return len(self._pending)

    def apply_pending(self, now: float) -> Delta:
        """Fold every recorded change into the sorted rows; ``now`` stamps the add/modify colour."""
        pending, self._pending = self._pending, {}
        delta = Delta()
        if not pending:
            return delta
        objs, rows = self._objs, self._rows
        added: list[Key] = []
        removed: list[Key] = []
        for key, obj in pending.items():
            old = objs.get(key)
            if obj is None:
                if old is None:
                    continue
                del objs[key]
                rows.pop(key, None)
                removed.append(key)
            elif old is None:
                objs[key] = obj
                rows[key] = Row(key, now, "add")
                added.append(key)
            elif old is not obj:
                objs[key] = obj
                row = rows.get(key)
                if row is None:
                    rows[key] = Row(key, now, "modify")
                else:
                    row.changed_at, row.change, row.stamp = now, "modify", None
                delta.modified += 1
            else:
                continue
            delta.keys.add(key)
        if removed:
            if len(removed) > BULK:
                self.keys = [k for k in self.keys if k in objs]
            else:
                for key in removed:
                    i = bisect_left(self.keys, key)
                    del self.keys[i]
        if added:
            if len(added) > BULK:
                self.keys.extend(added)
                self.keys.sort()
            else:
                for key in added:
                    insort(self.keys, key)
        delta.added, delta.removed = len(added), len(removed)
        return delta

    # ------------------------------------------------------------- view side
    def __len__(self) -> int:
        return len(self.keys)

    def index_of(self, key: Key | None) -> int | None:
        if key is None or key not in self._objs:
            return None
        return bisect_left(self.keys, key)

    def get(self, key: Key) -> Obj | None:
        return self._objs.get(key)

    def row(self, index: int, now: float) -> Row:
        """Row ``index`` with cells rendered for ``now`` (cached per virtual second)."""
        key = self.keys[index]
        row = self._rows.get(key)
        if row is None:
            row = self._rows[key] = Row(key)
        stamp = int(now)
        if row.stamp != stamp:
            obj = self._objs[key]
            row.cells = tuple(c.render(obj, now) for c in self.columns)
            row.status = row_status(self.rt.kind, obj, dict(zip(self.names, row.cells, strict=True)))
            row.stamp = stamp
        return row

    @staticmethod
    def flash(row: Row, now: float) -> str:
        """``"add"``/``"modify"`` while the row's last change is recent, else ``""``."""
        return row.change if now - row.changed_at < FLASH_SECONDS else ""

    @property
    def title(self) -> str:
        """k9s' ``pods(default)`` part of the table title."""
        return f"{self.rt.plural}({self.namespace or 'all'})"


def _key(obj: Obj) -> Key:
    m = obj["metadata"]
    return (m.get("namespace", ""), m["name"])
