"""SVG snapshots of the "seeing Kubernetes work" panes (stored in ``snapshots/test_seeing_snapshots/``).

Each scene is built on the manual clock before the app starts, so every frame is exact.
Regenerate with ``pytest tests/tui/test_seeing_snapshots.py --snapshot-update`` after an intended change.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot

from k9play.api.resources import by_kind
from k9play.cluster import Cluster
from k9play.manifests.applier import apply_object
from k9play.tui.app import K9playApp
from k9play.tui.screens import DetailScreen
from k9play.tui.screens.rollout import RolloutScreen
from tests.engine.test_probe_history import exec_liveness
from tests.helpers import pod

from .helpers import nginx_deployment
from .test_rollout_pane import surge_one

SIZE = (120, 36)
SnapCompare = Callable[..., bool]


def opened(cluster: Cluster, screen: Callable[[], object]) -> tuple[K9playApp, Callable[[Pilot[None]], object]]:
    app = K9playApp(cluster, realtime=False)

    async def run_before(pilot: Pilot[None]) -> None:
        app.push_screen(screen())  # type: ignore[arg-type]
        app.sync_screens()  # the first tick's sync, now: none is left to fire during the shot or the exit
        await pilot.pause()

    return app, run_before


def test_rollout_pane_mid_rollout(snap_compare: SnapCompare) -> None:
    """Two of four new pods up (one available), three old ones left, the events so far."""
    cluster = Cluster().start()
    apply_object(cluster.store, surge_one("nginx:1.14.2"))
    cluster.advance_sync(30)
    apply_object(cluster.store, surge_one("nginx:1.16.1"))
    cluster.advance_sync(7)
    app, run_before = opened(cluster, lambda: RolloutScreen("default", "nginx"))
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_describe_pod_with_probe_failures(snap_compare: SnapCompare) -> None:
    """The docs' exec liveness example 40 s in: six ✓, then ✗ once /tmp/healthy is gone."""
    cluster = Cluster().start()
    apply_object(cluster.store, exec_liveness())
    cluster.advance_sync(40)
    app, run_before = opened(cluster, lambda: DetailScreen(by_kind("Pod"), ("default", "liveness-exec"), "describe"))
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_pending_pod_explained(snap_compare: SnapCompare) -> None:
    """More CPU than any worker has, and the control plane's taint: why, node by node."""
    cluster = Cluster().start()
    apply_object(cluster.store, pod("hungry", containers=[
        {"name": "main", "image": "nginx", "resources": {"requests": {"cpu": "8", "memory": "1Gi"}}}]))
    cluster.advance_sync(12)
    app, run_before = opened(cluster, lambda: DetailScreen(by_kind("Pod"), ("default", "hungry"), "describe"))
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_deployments_mid_rollout_with_progress(snap_compare: SnapCompare) -> None:
    """The deployments view during the same rollout: the PROGRESS bar of new (█ ▓) against old (░)."""
    cluster = Cluster().start()
    apply_object(cluster.store, surge_one("nginx:1.14.2"))
    apply_object(cluster.store, nginx_deployment(name="api", replicas=2, image="nginx:1.25"))
    cluster.advance_sync(30)
    apply_object(cluster.store, surge_one("nginx:1.16.1"))
    cluster.advance_sync(7)
    app = K9playApp(cluster, realtime=False)

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press("colon", *"deploy", "enter")
        app.sync_screens()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
