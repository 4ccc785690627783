"""SVG snapshots (stored in the top-level ``snapshots/``): a manual clock makes every frame exact.

Regenerate with ``pytest tests/tui/test_snapshots.py --snapshot-update`` after an intended change.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot

from k9play.api.meta import Obj
from k9play.cluster import Cluster
from k9play.manifests.applier import apply_object
from k9play.tui.app import K9playApp

from .helpers import nginx_deployment

SIZE = (120, 30)
SnapCompare = Callable[..., bool]


def rolled_out_app(*manifests: Obj, seconds: float = 30) -> tuple[Cluster, K9playApp]:
    cluster = Cluster().start()
    for m in manifests or (nginx_deployment(),):
        apply_object(cluster.store, m)
    cluster.advance_sync(seconds)
    return cluster, K9playApp(cluster, realtime=False)


def test_pods_after_rollout(snap_compare: SnapCompare) -> None:
    _, app = rolled_out_app()
    assert snap_compare(app, press=["down"], terminal_size=SIZE)


def test_describe_pod(snap_compare: SnapCompare) -> None:
    _, app = rolled_out_app()
    assert snap_compare(app, press=["down", "d"], terminal_size=SIZE)


def test_all_namespaces_mid_rollout(snap_compare: SnapCompare) -> None:
    """Status and change colours: a rollout caught halfway, plus a failed command in the flash line."""
    cluster, app = rolled_out_app(nginx_deployment())

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press("colon", *"pods all", "enter")
        await pilot.pause()
        apply_object(cluster.store, nginx_deployment(name="api", replicas=2))
        cluster.advance_sync(1)
        cluster.store.delete("Pod", cluster.store.list("Pod", "default")[-1]["metadata"]["name"], "default")
        await pilot.pause()
        await pilot.press("colon", *"nope", "enter")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_help(snap_compare: SnapCompare) -> None:
    """``?`` on the pods view: the view's verbs, the general keys, navigation and time controls."""
    _, app = rolled_out_app()
    assert snap_compare(app, press=["question_mark"], terminal_size=(150, 50))
