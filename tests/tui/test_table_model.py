"""Sorting, filtering and marks on the view-model, without Textual: incremental updates must
always agree with a from-scratch sort/filter of the same rows."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from k9play.api.meta import Obj, format_time
from k9play.api.resources import by_kind
from k9play.api.store import ADDED, DELETED
from k9play.cluster import Cluster
from k9play.kubectl.columns import columns_for
from k9play.kubectl.container_columns import CONTAINER, container_ports, container_state
from k9play.manifests.applier import apply_object
from k9play.tui.viewmodels.rowfilter import parse_filter
from k9play.tui.viewmodels.rowsources import ContainerSource, StaticSource, key_of
from k9play.tui.viewmodels.sorting import parse_duration
from k9play.tui.viewmodels.table import ResourceTableModel, TableModel

from .helpers import nginx_deployment


def pod(name: str, ns: str = "default", *, labels: dict[str, str] | None = None, phase: str = "Running",
        restarts: int = 0, ready: bool = True, created: float = 0.0) -> Obj:
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": ns, "labels": labels or {}, "creationTimestamp": format_time(created)},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]},
        "status": {"phase": phase, "containerStatuses": [
            {"name": "c", "ready": ready, "restartCount": restarts, "state": {"running": {}} if ready else
             {"waiting": {"reason": "CrashLoopBackOff"}}}]},
    }


def model_of(pods: list[Obj], namespace: str | None = "default") -> TableModel:
    cols = columns_for("Pod")
    if namespace is None:
        from k9play.tui.viewmodels.table import NAMESPACE_COLUMN
        cols = [NAMESPACE_COLUMN, *cols]
    m = TableModel(StaticSource(pods), cols, kind="Pod", natural_column="NAMESPACE" if namespace is None else "NAME")
    m.apply_pending(100.0)
    return m


def names(m: TableModel) -> list[str]:
    return [k[1] for k in m.keys]


def feed(m: TableModel, kind: str, obj: Obj) -> None:
    m._on_change(key_of(obj), None if kind == DELETED else obj)


# ---------------------------------------------------------------------- filter
def test_text_filter_is_a_case_insensitive_regex_over_cells_without_age() -> None:
    m = model_of([pod("web-1"), pod("web-2", phase="Pending", ready=False), pod("db-1")])
    m.set_filter("WEB")
    assert names(m) == ["web-1", "web-2"]
    m.set_filter("web-[2-9]")
    assert names(m) == ["web-2"]
    m.set_filter("crashloop")  # the STATUS cell
    assert names(m) == ["web-2"]
    m.set_filter("^db")
    assert names(m) == ["db-1"]
    m.set_filter("100s")  # an AGE is not searched: it changes every second
    assert names(m) == []
    m.set_filter("web-[")  # half-typed regex: matched literally
    assert names(m) == []


def test_filter_with_a_space_is_ignored_as_in_k9s() -> None:
    m = model_of([pod("web-1"), pod("db-1")])
    m.set_filter("web db")
    assert names(m) == ["db-1", "web-1"] and not m.filter.active


def test_inverse_label_and_fuzzy_filters() -> None:
    m = model_of([pod("web-1", labels={"app": "web", "tier": "fe"}), pod("web-2", labels={"app": "web", "tier": "db"}),
                  pod("db-1", labels={"app": "db", "tier": "db"})])
    m.set_filter("!web")
    assert names(m) == ["db-1"]
    m.set_filter("-l app=web,tier!=db")
    assert names(m) == ["web-1"]
    m.set_filter("tier=db")  # a bare selector is a label filter too (k9s IsLabelSelector)
    assert names(m) == ["db-1", "web-2"]
    m.set_filter("-l app in (db)")
    assert names(m) == ["db-1"]
    m.set_filter("-l app!")  # not a selector (yet): nothing matches
    assert names(m) == []
    m.set_filter("-f dfwb")  # fuzzy on namespace/name: d(efault)/w(e)b
    assert names(m) == ["web-1", "web-2"]
    m.set_filter("-f tdb")  # (defaul)t / d b: only default/db-1 has a d after the t
    assert names(m) == ["db-1"]
    m.set_filter("")
    assert len(m) == 3


def test_typing_on_narrows_from_the_last_result() -> None:
    assert parse_filter("web-1").narrows(parse_filter("web"))
    assert not parse_filter("web|db").narrows(parse_filter("web"))
    assert not parse_filter("!webx").narrows(parse_filter("!web"))
    assert parse_filter("-f abc").narrows(parse_filter("-f ab"))


def test_filter_follows_changes_incrementally(cluster: Cluster) -> None:
    model = ResourceTableModel(cluster.store, by_kind("Pod"), "default")
    model.set_filter("running")
    apply_object(cluster.store, nginx_deployment(replicas=3))
    cluster.advance_sync(1)  # created, not running yet
    delta = model.apply_pending(cluster.clock.now())
    assert len(model) == 0 and delta.added == 0
    cluster.advance_sync(30)
    delta = model.apply_pending(cluster.clock.now())
    assert len(model) == 3 and delta.added == 3, "rows that start matching appear"
    victim = model.keys[0]
    cluster.store.delete("Pod", victim[1], "default")
    delta = model.apply_pending(cluster.clock.now())
    assert victim not in model.keys and delta.removed == 1, "Terminating no longer matches"
    assert model.total >= 3


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["add", "del", "mod"]), st.integers(0, 40), st.integers(0, 5)),
                max_size=120),
       st.sampled_from(["", "1", "!2", "-l tier=t3", "-f p1", "p[1-3]"]),
       st.sampled_from([None, ("NAME", True), ("RESTARTS", False), ("RESTARTS", True), ("STATUS", False)]))
def test_incremental_equals_from_scratch(ops: list[tuple[str, int, int]], query: str,
                                         sort: tuple[str, bool] | None) -> None:
    """Whatever happens in whichever batch sizes, the rows equal a fresh model's rows."""
    m = model_of([])
    if sort:
        m.sort_by(*sort)
    m.set_filter(query)
    live: dict[str, Obj] = {}
    for i, (op, n, r) in enumerate(ops):
        name = f"p{n}"
        if op == "del":
            if name in live:
                feed(m, DELETED, live.pop(name))
        else:
            live[name] = pod(name, labels={"tier": f"t{r}"}, restarts=r, ready=r % 2 == 0)
            feed(m, ADDED, live[name])
        if i % 7 == 0:
            m.apply_pending(100.0)
        if i % 11 == 0:
            m.build_texts(None)  # the idle builder, now and then
    m.apply_pending(100.0)
    fresh = model_of(list(live.values()))
    if sort:
        fresh.sort_by(*sort)
    fresh.set_filter(query)
    assert m.keys == fresh.keys
    def rendered(k: tuple[str, str]) -> str:
        return " ".join(c.render(m._objs[k], m._now) for c in m._text_columns).lower()

    for kl in (m._all, m._vis):  # texts kept beside the keys are the keys' texts, or known to be old
        if kl.texts is not None:
            assert all(t is None or k in kl.stale or k in m._text_missing or t == rendered(k)
                       for k, t in zip(kl.keys, kl.texts, strict=True))
    m.set_filter("")
    m.set_filter(query)  # from the (possibly reused) aligned texts
    assert m.keys == fresh.keys
    m.build_texts(None)
    m.build_texts(None)
    assert m.texts_ready, "the idle builder finishes (no stale entry left behind)"


# ------------------------------------------------------------------------ sort
def test_sort_by_value_type_and_direction() -> None:
    m = model_of([pod("a", restarts=10, created=50), pod("b", restarts=9, created=10),
                  pod("c", restarts=100, created=90, ready=False)])
    assert m.sort_by("RESTARTS")
    assert names(m) == ["b", "a", "c"], "numbers, not text (9 < 10 < 100)"
    m.sort_by("RESTARTS", desc=True)
    assert names(m) == ["c", "a", "b"]
    m.sort_by("AGE")
    assert names(m) == ["c", "a", "b"], "youngest first (created 90, 50, 10)"
    m.sort_by("READY", desc=True)
    assert names(m)[-1] == "c", "0/1 is the smallest fraction"
    m.sort_by("NAME")
    assert names(m) == ["a", "b", "c"] and m.sort_column == 0
    assert not m.sort_by("NOPE")


def test_sort_is_stable_and_keeps_ties_in_name_order() -> None:
    pods = [pod(f"p{i}", restarts=i % 2) for i in random.Random(1).sample(range(20), 20)]
    m = model_of(pods)
    m.sort_by("RESTARTS")
    assert names(m) == [f"p{i}" for i in sorted(range(0, 20, 2), key=str)] + \
        [f"p{i}" for i in sorted(range(1, 20, 2), key=str)]


def test_sorted_rows_move_when_their_value_changes() -> None:
    m = model_of([pod("a", restarts=1), pod("b", restarts=2), pod("c", restarts=3)])
    m.sort_by("RESTARTS")
    feed(m, ADDED, pod("a", restarts=5))
    delta = m.apply_pending(101.0)
    assert names(m) == ["b", "c", "a"] and delta.moved and delta.structural
    assert m.index_of(("default", "a")) == 2


def test_parse_duration() -> None:
    assert parse_duration("5m30s") == 330 and parse_duration("3d4h") == 3 * 86400 + 4 * 3600
    assert parse_duration("10s (x3 over 5m)") == 10
    assert parse_duration("Running") is None and parse_duration("") is None


# ----------------------------------------------------------------------- marks
def test_marks_span_and_order() -> None:
    m = model_of([pod(f"p{i}") for i in range(6)])
    m.toggle_mark(("default", "p1"))
    m.span_mark(4)  # from the mark above (p1) down to the cursor row
    assert m.marked_keys() == [("default", f"p{i}") for i in (1, 2, 3, 4)]
    m.toggle_mark(("default", "p2"))
    m.sort_by("NAME", desc=True)
    assert [k[1] for k in m.marked_keys()] == ["p4", "p3", "p1"], "table order"
    m.set_filter("p[34]")
    assert [k[1] for k in m.marked_keys()] == ["p4", "p3"], "only what is shown"
    feed(m, DELETED, pod("p4"))
    m.apply_pending(101.0)
    assert ("default", "p4") not in m.marked
    m.clear_marks()
    assert m.marked_keys() == []


# ------------------------------------------------------------------ containers
def test_containers_view_rows(cluster: Cluster) -> None:
    doc = nginx_deployment(replicas=1)
    spec = doc["spec"]["template"]["spec"]
    spec["initContainers"] = [{"name": "setup", "image": "busybox", "command": ["sh", "-c", "true"]}]
    spec["containers"][0]["livenessProbe"] = {"httpGet": {"path": "/", "port": 80}}
    spec["containers"][0]["ports"] = [{"name": "http", "containerPort": 80}, {"containerPort": 53, "protocol": "UDP"}]
    apply_object(cluster.store, doc)
    cluster.advance_sync(30)
    pod_obj = cluster.store.list("Pod", "default")[0]
    model = TableModel(ContainerSource(cluster.store, key_of(pod_obj)), CONTAINER, kind="Container")
    model.sort_by("IDX")
    now = cluster.clock.now()
    rows = [model.row(i, now).cells for i in range(len(model))]
    assert model.names == ["IDX", "NAME", "IMAGE", "READY", "STATE", "RESTARTS", "PROBES(L:R:S)", "PORTS", "AGE"]
    assert rows[0][:5] == ("I1", "setup", "busybox", "false", "Completed")
    assert rows[1][:8] == ("M1", "nginx", "nginx:1.14.2", "true", "Running", "0", "on:off:off", "http:80,53╱UDP")
    cluster.store.delete("Pod", pod_obj["metadata"]["name"], "default", grace_period=0)
    model.apply_pending(now)
    assert len(model) == 0
    assert container_state(None) == "n/a" and container_ports({}) == ""
