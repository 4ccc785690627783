"""The table view-model without any Textual: batching, order, status classes, laziness."""

from __future__ import annotations

from k9play.api.resources import by_kind
from k9play.api.store import ADDED, DELETED, MODIFIED
from k9play.cluster import Cluster
from k9play.manifests.applier import apply_object
from k9play.tui.viewmodels import ResourceTableModel, RowStatus
from k9play.tui.viewmodels.rowsources import key_of
from k9play.tui.viewmodels.table import FLASH_SECONDS, TableModel

from .helpers import nginx_deployment


def feed(model: TableModel, kind: str, obj: dict) -> None:
    """What the store's handler would report for one watch event."""
    model._on_change(key_of(obj), None if kind == DELETED else obj)


def _pod(name: str, ns: str = "default") -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": ns}, "spec": {}, "status": {}}


def test_events_are_batched_until_apply(cluster: Cluster) -> None:
    dirty: list[int] = []
    model = ResourceTableModel(cluster.store, by_kind("Pod"), "default", on_dirty=lambda: dirty.append(1))
    apply_object(cluster.store, nginx_deployment(replicas=5))
    cluster.advance_sync(10)
    assert len(model) == 0, "nothing is applied before the frame"
    assert dirty == [1], "one wake-up per batch, not one per event"
    assert model.pending == 5, "events coalesce per object"
    delta = model.apply_pending(cluster.clock.now())
    assert (delta.added, delta.removed) == (5, 0)
    assert model.keys == sorted(model.keys) and len(model) == 5
    assert model.apply_pending(cluster.clock.now()).structural is False


def test_sorted_namespace_then_name_and_all_namespaces_column(cluster: Cluster) -> None:
    model = ResourceTableModel(cluster.store, by_kind("Pod"), None)
    assert model.names[:2] == ["NAMESPACE", "NAME"]
    now = cluster.clock.now()
    for ns, name in [("b", "x"), ("a", "z"), ("b", "a"), ("a", "b")]:
        feed(model, ADDED, _pod(name, ns))
    model.apply_pending(now)

    def ours() -> list[tuple[str, str]]:  # the cluster's own kube-system pods sort after these
        return [k for k in model.keys if k[0] != "kube-system"]

    assert ours() == [("a", "b"), ("a", "z"), ("b", "a"), ("b", "x")]
    assert model.keys == sorted(model.keys)
    feed(model, DELETED, _pod("z", "a"))
    feed(model, ADDED, _pod("c", "a"))
    delta = model.apply_pending(now)
    assert (delta.added, delta.removed) == (1, 1)
    assert ours() == [("a", "b"), ("a", "c"), ("b", "a"), ("b", "x")]
    assert model.row(1, now).cells[:2] == ("a", "c")


def test_bulk_batches_stay_sorted(cluster: Cluster) -> None:
    model = ResourceTableModel(cluster.store, by_kind("Pod"), "default")
    for i in reversed(range(3000)):
        feed(model, ADDED, _pod(f"p{i:05d}"))
    model.apply_pending(0)
    assert len(model) == 3000 and model.keys == sorted(model.keys)
    for i in range(0, 3000, 2):
        feed(model, DELETED, _pod(f"p{i:05d}"))
    model.apply_pending(0)
    assert len(model) == 1500 and model.keys[0] == ("default", "p00001")


def test_namespace_filter_and_close(cluster: Cluster) -> None:
    model = ResourceTableModel(cluster.store, by_kind("Pod"), "default")
    cluster.store.create({**_pod("elsewhere", "kube-system"), "spec": {"containers": [{"name": "c", "image": "x"}]}})
    assert model.pending == 0, "the source drops other namespaces before the model sees them"
    model.close()
    apply_object(cluster.store, nginx_deployment())
    cluster.advance_sync(1)
    assert model.pending == 0


def test_flash_and_status_use_the_virtual_clock(cluster: Cluster) -> None:
    model = ResourceTableModel(cluster.store, by_kind("Pod"), "default")
    feed(model, ADDED, _pod("a"))
    model.apply_pending(100.0)
    row = model.row(0, 100.0)
    assert model.flash(row, 100.0) == "add"
    assert model.flash(row, 100.0 + FLASH_SECONDS) == ""
    feed(model, MODIFIED, _pod("a"))
    model.apply_pending(200.0)
    assert model.flash(model.row(0, 200.0), 201.0) == "modify"


def test_rows_loaded_with_the_view_do_not_flash(cluster: Cluster) -> None:
    apply_object(cluster.store, nginx_deployment())
    cluster.advance_sync(10)
    model = ResourceTableModel(cluster.store, by_kind("Pod"), "default")
    now = cluster.clock.now()
    assert [model.flash(model.row(i, now), now) for i in range(len(model))] == ["", "", ""]


def test_status_classes(cluster: Cluster) -> None:
    cluster.scheduler.stop()
    apply_object(cluster.store, nginx_deployment(replicas=2))
    cluster.advance_sync(0)
    pods = ResourceTableModel(cluster.store, by_kind("Pod"), "default")
    deploys = ResourceTableModel(cluster.store, by_kind("Deployment"), "default")
    now = cluster.clock.now()
    assert pods.row(0, now).cells[2] == "Pending" and pods.row(0, now).status == RowStatus.PENDING
    assert deploys.row(0, now).status == RowStatus.ERROR  # k9s: replicas ≠ available
    cluster.scheduler.start()
    cluster.advance_sync(10)
    pods.apply_pending(cluster.clock.now())
    deploys.apply_pending(cluster.clock.now())
    now = cluster.clock.now()
    assert pods.row(0, now).status == RowStatus.NORMAL
    assert deploys.row(0, now).status == RowStatus.NORMAL
    cluster.store.delete("Pod", pods.keys[0][1], "default")
    pods.apply_pending(now)
    assert pods.row(0, now).cells[2] == "Terminating" and pods.row(0, now).status == RowStatus.KILL


def test_cells_render_lazily_per_visible_row(cluster: Cluster) -> None:
    model = ResourceTableModel(cluster.store, by_kind("Pod"), "default")
    for i in range(1000):
        feed(model, ADDED, _pod(f"p{i:04d}"))
    model.apply_pending(0)
    model.row(10, 0)
    rendered = sum(1 for r in model._rows.values() if r.stamp is not None)
    assert rendered == 1
