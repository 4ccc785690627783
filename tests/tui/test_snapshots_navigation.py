"""SVG snapshots of the navigation UI: a drill-down with crumbs, a filter title, marks and a
sort mark; the aliases view (stored in ``snapshots/test_snapshots_navigation/``)."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot

from k9play.cluster import Cluster
from k9play.manifests.applier import apply_object
from k9play.tui.app import K9playApp

from .helpers import nginx_deployment

SIZE = (120, 30)
SnapCompare = Callable[..., bool]


def app_with_two_deployments() -> K9playApp:
    cluster = Cluster().start()
    apply_object(cluster.store, nginx_deployment(name="web", replicas=4))
    apply_object(cluster.store, nginx_deployment(name="api", replicas=2))
    cluster.advance_sync(30)
    return K9playApp(cluster, realtime=False)


def test_drill_down_filter_marks(snap_compare: SnapCompare) -> None:
    """deployments → web's pods, filtered, two marked, sorted by name descending."""

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press("colon", *"dp", "enter", "down", "enter")
        await pilot.press("slash", *"web-", "enter")
        await pilot.press("N", "home", "space", "down", "down", "space", "down")

    assert snap_compare(app_with_two_deployments(), terminal_size=SIZE, run_before=run_before)


def test_aliases_view(snap_compare: SnapCompare) -> None:
    assert snap_compare(app_with_two_deployments(), press=["ctrl+a"], terminal_size=SIZE)
