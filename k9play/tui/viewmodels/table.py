"""The live, sorted, filtered row set behind one resource table.

Why a view-model: the store emits one event per write (a 10k-pod rollout is ~50k events),
but the screen can only show ~60 frames a second. The source's handler therefore only
*records* the latest object per key; :meth:`TableModel.apply_pending` folds the whole batch
into the sorted key lists once per frame. Cells are rendered lazily, only for rows that are
actually drawn, and cached per (object version, virtual second), so the cost of a frame
does not grow with the number of rows.

Sorting and filtering live here, not in the widget, and are incremental: a batch only
re-sorts and re-filters the rows it touched (bisecting them in and out), while a new sort
column or a new query re-sorts or re-filters everything once, from cached keys and texts.
Two ordered lists are kept: ``_all`` (every row) and ``_vis`` (the filtered ones; the same
object when no filter is active), each with the rows' search texts alongside (``KeyList``).
Both hold ascending order; a descending sort is the same list read backwards, so flipping
the direction costs nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from k9play.api.meta import Obj, labels_of
from k9play.api.resources import ResourceType
from k9play.api.store import ObjectStore
from k9play.kubectl.columns import Column, columns_for
from k9play.tui.viewmodels.keylist import KeyList
from k9play.tui.viewmodels.rowfilter import NO_FILTER, RowFilter, parse_filter
from k9play.tui.viewmodels.rowsources import Key, RowSource, Scope, StoreSource, key_of
from k9play.tui.viewmodels.sorting import key_function
from k9play.tui.viewmodels.status import RowStatus, row_status

#: How long (virtual seconds) an added/modified row keeps k9s' add/modify colour.
FLASH_SECONDS = 2.0
#: Above this many moves in one batch, rebuild a key list instead of bisecting.
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
    """What one :meth:`TableModel.apply_pending` changed (counts are of visible rows)."""

    added: int = 0
    removed: int = 0
    modified: int = 0
    keys: set[Key] = field(default_factory=set)
    moved: bool = False  # rows changed places (an insert, a removal, or a new sort key)

    @property
    def structural(self) -> bool:
        return bool(self.added or self.removed or self.moved)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.modified)


class TableModel:
    """Rows from a :class:`RowSource`, sorted (natural order: namespace, name) and filtered."""

    def __init__(self, source: RowSource, columns: list[Column], *, kind: str,
                 natural_column: str | None = "NAME", on_dirty: Callable[[], None] | None = None) -> None:
        self.kind = kind
        self.columns = columns
        self.names = [c.name for c in columns]
        self._natural = self.names.index(natural_column) if natural_column in self.names else -1
        self._on_dirty = on_dirty
        self._now = 0.0
        self._pending: dict[Key, Obj | None] = {}
        self._objs: dict[Key, Obj] = {key_of(o): o for o in source.initial()}
        self._rows: dict[Key, Row] = {}  # lazily: only rows drawn or changed since the view opened
        self._all = KeyList(sorted(self._objs))
        self._vis = self._all
        self._sort_col: int | None = None  # None: natural (namespace, name) order
        self._desc = False
        self._skc: dict[Key, tuple[object, ...]] = {}
        self._keyfn: Callable[[Key], tuple[object, ...]] | None = None
        self._value_of: Callable[[Obj, float], tuple[int, float | str]] = lambda o, n: (0, 0.0)
        self._filter: RowFilter = NO_FILTER
        self._text: dict[Key, str] = {}  # entries of keys in _text_missing are outdated
        self._text_missing: set[Key] = set(self._objs)  # rows whose search text is not built (or old)
        self._text_columns = [c for c in columns if c.kind != "age"]
        self.marked: set[Key] = set()
        self._unsubscribe: Callable[[], None] | None = source.subscribe(self._on_change)

    # ------------------------------------------------------------ store side
    def _on_change(self, key: Key, obj: Obj | None) -> None:
        """Source callback: record only, never touch the key lists (that is per frame)."""
        was_idle = not self._pending
        self._pending[key] = obj
        if was_idle and self._on_dirty is not None:
            self._on_dirty()

    def close(self) -> None:
        """Stop listening (the view was switched away)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._pending.clear()

    @property
    def pending(self) -> int:
        return len(self._pending)

    def apply_pending(self, now: float) -> Delta:
        """Fold every recorded change into the rows; ``now`` stamps the add/modify colour."""
        pending, self._pending = self._pending, {}
        self._now = now
        delta = Delta()
        if not pending:
            return delta
        objs, rows, sorted_by, filtering = self._objs, self._rows, self._sort_col, self._filter.active
        all_out: list[tuple[Key, object]] = []  # (key, the sort key it is placed with)
        all_in: list[Key] = []
        vis_out: list[tuple[Key, object]] = []
        vis_in: list[Key] = []
        new_sk: dict[Key, tuple[object, ...]] = {}  # applied between removals and inserts
        dead: list[Key] = []
        for key, obj in pending.items():
            old = objs.get(key)
            if obj is None:
                if old is None:
                    continue
                sk = self._sk(key)
                all_out.append((key, sk))
                shown = not filtering or self._vis.find(key, sk, self._keyfn) is not None
                if filtering and shown:
                    vis_out.append((key, sk))
                delta.removed += shown
                del objs[key]
                rows.pop(key, None)
                self._text.pop(key, None)
                self._text_missing.discard(key)
                self.marked.discard(key)
                dead.append(key)
            elif old is None:
                objs[key] = obj
                self._text_missing.add(key)
                rows[key] = Row(key, now, "add")
                if sorted_by is not None:
                    new_sk[key] = self._sort_key(key, obj, now)
                all_in.append(key)
                if not filtering or self._matches(key):
                    vis_in.append(key)
                    delta.added += 1
            elif old is not obj:
                objs[key] = obj
                self._text_missing.add(key)  # one set add: per changed row, that is all the text costs
                row = rows.get(key)
                if row is None:
                    rows[key] = Row(key, now, "modify")
                else:
                    row.changed_at, row.change, row.stamp = now, "modify", None
                old_sk = self._sk(key)
                moved = False
                if sorted_by is not None:
                    sk = self._sort_key(key, obj, now)
                    if sk != old_sk:
                        moved = True
                        all_out.append((key, old_sk))
                        new_sk[key] = sk
                        all_in.append(key)
                if filtering:
                    at = self._vis.find(key, old_sk, self._keyfn)
                    was, now_in = at is not None, self._matches(key)
                    if was and (moved or not now_in):
                        vis_out.append((key, old_sk))
                    if now_in and (moved or not was):
                        vis_in.append(key)
                    if at is not None and now_in and not moved and self._vis.texts is not None:
                        self._vis.texts[at] = self._text.get(key)  # fresh: _matches built it
                    if not moved:
                        self._all.mark_stale(key)  # _matches rebuilt the text: _all's copy is old
                    delta.added += now_in and not was
                    delta.removed += was and not now_in
                    delta.modified += was and now_in
                else:
                    delta.modified += 1
            else:
                continue
            delta.keys.add(key)
        keyfn = self._keyfn
        bulk_all = len(all_out) + len(all_in) > BULK
        bulk_vis = len(vis_out) + len(vis_in) > BULK
        all_keys = self._all.remove(all_out, keyfn, bulk_all)
        vis_keys = self._vis.remove(vis_out, keyfn, bulk_vis) if filtering else all_keys
        self._skc.update(new_sk)  # between removal (old places) and insertion (new places)
        for key in dead:
            self._skc.pop(key, None)
        current = self._current_text
        self._all = all_keys.insert(all_in, keyfn, current, bulk_all)
        self._vis = vis_keys.insert(vis_in, keyfn, current, bulk_vis) if filtering else self._all
        delta.moved = bool(vis_out or vis_in) if filtering else bool(all_out or all_in)
        return delta

    # -------------------------------------------------------------- ordering
    def _sk(self, key: Key) -> object:
        return key if self._keyfn is None else self._skc[key]

    def _sort_key(self, key: Key, obj: Obj, now: float) -> tuple[object, ...]:
        assert self._sort_col is not None
        return (*self._value_of(obj, now), key)

    @property
    def sort_column(self) -> int:
        """Index of the column the ↑/↓ mark goes on (-1: none shown)."""
        return self._natural if self._sort_col is None else self._sort_col

    @property
    def sort_desc(self) -> bool:
        return self._desc

    def sort_by(self, name: str, desc: bool = False) -> bool:
        """Sort by the column called ``name`` (False if there is none); stable: ties by key."""
        if name not in self.names:
            return False
        index = self.names.index(name)
        self._desc = desc
        if index == self._natural:
            if self._sort_col is not None:
                self._sort_col, self._skc, self._keyfn = None, {}, None
                self._resort()
            return True
        if index != self._sort_col:
            self._sort_col = index
            self._value_of = key_function(self.columns[index])
            now = self._now
            self._skc = {k: self._sort_key(k, o, now) for k, o in self._objs.items()}
            self._keyfn = self._skc.__getitem__
            self._resort()
        return True

    def _resort(self) -> None:
        self._all.sort(self._keyfn)
        if self._vis is not self._all:
            self._vis.sort(self._keyfn)

    # -------------------------------------------------------------- filtering
    @property
    def filter(self) -> RowFilter:
        return self._filter

    def set_filter(self, query: str) -> None:
        """Apply the ``/`` box's text; narrows from the last result while the user types on."""
        f = parse_filter(query)
        prev, self._filter = self._filter, f
        if not f.active:
            self._vis = self._all
            return
        base = self._vis if prev.active and f.narrows(prev) else self._all
        self._vis = base.select(self._mask(base.keys, f, base))

    def _mask(self, keys: list[Key], f: RowFilter, base: KeyList | None = None) -> list[bool]:
        """Which of ``keys`` ``f`` keeps: one pass, specialised per form. Text forms read
        ``base``'s aligned texts when given (a whole-table filter), else the per-key cache."""
        if f.mode == "nothing":
            return [False] * len(keys)
        if f.mode == "labels":
            objs, sel = self._objs, f.selector
            assert sel is not None
            return [sel.matches(labels_of(objs[k])) for k in keys]
        if f.mode == "fuzzy":
            assert f.regex is not None
            search = f.regex.search
            return [search(f"{k[0]}/{k[1]}".lower() if k[0] else k[1].lower()) is not None for k in keys]
        texts = base.aligned(self._text_of, self._text_missing) if base is not None \
            else [self._text_of(k) for k in keys]
        if f.literal is not None:
            lit = f.literal
            return [lit in t for t in texts] if f.mode == "text" else [lit not in t for t in texts]
        assert f.regex is not None
        search, req = f.regex.search, f.required
        if req:
            hits = [req in t and search(t) is not None for t in texts]
        else:
            hits = [search(t) is not None for t in texts]
        return hits if f.mode == "text" else [not h for h in hits]

    def _text_of(self, key: Key) -> str:
        text = self._text.get(key)
        if text is None or key in self._text_missing:
            obj, now = self._objs[key], self._now
            text = self._text[key] = " ".join([c.render(obj, now) for c in self._text_columns]).lower()
            self._text_missing.discard(key)
        return text

    def _current_text(self, key: Key) -> str | None:
        return None if key in self._text_missing else self._text.get(key)

    @property
    def texts_ready(self) -> bool:
        """True when every row's search text is built and in place (a keystroke is one pass)."""
        return not self._text_missing and all(
            kl.texts is not None and not kl.stale and None not in kl.texts for kl in (self._all, self._vis))

    def build_texts(self, budget: float | None) -> bool:
        """Build missing search texts for up to ``budget`` seconds (None: all of them), then
        put them beside the ordered keys.

        The browser calls this in small slices while the UI is idle, so the first filter
        keystroke on a big table does not pay for rendering every row's cells."""
        missing, text, objs, cols, now = self._text_missing, self._text, self._objs, self._text_columns, self._now
        deadline = None if budget is None else time.perf_counter() + budget
        lists = [kl for kl in {id(self._all): self._all, id(self._vis): self._vis}.values() if kl.texts is not None]
        while missing:
            for _ in range(min(256, len(missing))):
                key = missing.pop()
                obj = objs.get(key)
                if obj is not None:
                    text[key] = " ".join([c.render(obj, now) for c in cols]).lower()
                    for kl in lists:
                        kl.stale.add(key)  # the lists may still hold its old text
            if deadline is not None and time.perf_counter() >= deadline:
                return False
        done = self._all.fill(text, deadline)
        if done and self._vis is not self._all:
            done = self._vis.fill(text, deadline)
        return done

    def _matches(self, key: Key) -> bool:
        return self._mask([key], self._filter)[0]

    # ------------------------------------------------------------------ marks
    def toggle_mark(self, key: Key) -> None:
        if key in self.marked:
            self.marked.discard(key)
        elif key in self._objs:
            self.marked.add(key)

    def span_mark(self, index: int) -> None:
        """k9s ``SpanMark``: mark from the nearest mark above the cursor (else below) to it."""
        if not 0 <= index < len(self):
            return
        marks = self.marked
        prev = next((i for i in range(index - 1, -1, -1) if self.key_at(i) in marks), None)
        if prev is not None:
            lo, hi = prev, index
        else:
            nxt = next((i for i in range(index, len(self)) if self.key_at(i) in marks), None)
            lo, hi = index, nxt if nxt is not None else index
        for i in range(lo, hi + 1):
            marks.add(self.key_at(i))

    def clear_marks(self) -> None:
        self.marked.clear()

    def marked_keys(self) -> list[Key]:
        """The marked rows still shown, in table order."""
        found = [(i, k) for k in self.marked if (i := self.index_of(k)) is not None]
        return [k for _, k in sorted(found)]

    # ------------------------------------------------------------- view side
    def __len__(self) -> int:
        return len(self._vis.keys)

    def key_at(self, index: int) -> Key:
        vis = self._vis.keys
        return vis[len(vis) - 1 - index] if self._desc else vis[index]

    def window(self, top: int, count: int) -> list[Key]:
        return [self.key_at(i) for i in range(max(0, top), min(len(self), top + count))]

    @property
    def keys(self) -> list[Key]:
        """The shown keys in display order (a copy when reading a descending sort)."""
        return self._vis.keys[::-1] if self._desc else self._vis.keys

    def index_of(self, key: Key | None) -> int | None:
        if key is None or key not in self._objs:
            return None
        i = self._vis.find(key, self._sk(key), self._keyfn)
        if i is None:
            return None
        return len(self._vis) - 1 - i if self._desc else i

    def get(self, key: Key) -> Obj | None:
        return self._objs.get(key)

    @property
    def total(self) -> int:
        """Rows before filtering."""
        return len(self._objs)

    def row(self, index: int, now: float) -> Row:
        """Row ``index`` with cells rendered for ``now`` (cached per virtual second)."""
        key = self.key_at(index)
        row = self._rows.get(key)
        if row is None:
            row = self._rows[key] = Row(key)
        stamp = int(now)
        if row.stamp != stamp:
            obj = self._objs[key]
            row.cells = tuple(c.render(obj, now) for c in self.columns)
            row.status = row_status(self.kind, obj, dict(zip(self.names, row.cells, strict=True)))
            row.stamp = stamp
        return row

    @staticmethod
    def flash(row: Row, now: float) -> str:
        """``"add"``/``"modify"`` while the row's last change is recent, else ``""``."""
        return row.change if now - row.changed_at < FLASH_SECONDS else ""


class ResourceTableModel(TableModel):
    """Objects of ``rt`` in ``namespace`` (None = all), optionally narrowed by a drill-down scope."""

    def __init__(self, store: ObjectStore, rt: ResourceType, namespace: str | None, *, wide: bool = False,
                 scope: Scope | None = None, on_dirty: Callable[[], None] | None = None) -> None:
        self.rt = rt
        self.namespace = namespace if rt.namespaced else None
        self.all_namespaces = rt.namespaced and namespace is None
        cols = columns_for(rt.kind, wide=wide)
        columns = [NAMESPACE_COLUMN, *cols] if self.all_namespaces else cols
        super().__init__(StoreSource(store, rt, self.namespace, scope), columns, kind=rt.kind,
                         natural_column="NAMESPACE" if self.all_namespaces else "NAME", on_dirty=on_dirty)

    @property
    def title(self) -> str:
        """k9s' ``pods(default)`` part of the table title."""
        return f"{self.rt.plural}({self.namespace or 'all'})"
