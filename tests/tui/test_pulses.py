"""Pulses: counters and samples on virtual time (pure model), the dashboard screen and its events feed."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot

from k9play.api.meta import Obj
from k9play.cluster import Cluster
from k9play.manifests.applier import apply_object
from k9play.tui.app import K9playApp
from k9play.tui.screens import BrowserScreen, PulsesScreen
from k9play.tui.viewmodels.pulses import HISTORY, PANELS, PULSE_RATE, PulsesModel, category
from k9play.tui.widgets import ResourceTable
from k9play.tui.widgets.events_feed import EventsFeed
from k9play.tui.widgets.pulse_panel import PulsePanel, spark

from .helpers import nginx_deployment, screen_text

SIZE = (120, 30)
AppFactory = Callable[[], K9playApp]
SnapCompare = Callable[..., bool]


def failing_pod(name: str = "broken") -> Obj:
    """A pod whose image tag does not exist: ErrImagePull, then Warning events."""
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"containers": [{"name": "c", "image": "nginx:1.161"}]}}


def legend(model: PulsesModel, panel: str) -> dict[str, str]:
    view = next(v for v in model.panels() if v.spec.id == panel)
    return {label: value for label, value, _ in view.legend}


# -------------------------------------------------------------------- model
def test_categories() -> None:
    assert category("Pod", {"metadata": {}, "status": {"phase": "Running"}}) == "Running"
    assert category("Pod", {"metadata": {}}) == "Pending"
    assert category("Deployment", {"metadata": {}, "spec": {"replicas": 3}, "status": {"readyReplicas": 3}}) == "ready"
    assert category("Deployment", {"metadata": {}, "spec": {"replicas": 3}, "status": {"readyReplicas": 2}}) \
        == "not ready"
    assert category("Deployment", {"metadata": {}, "spec": {"replicas": 0}, "status": {}}) == "ready"
    assert category("DaemonSet", {"metadata": {}, "status": {"numberReady": 1, "desiredNumberScheduled": 2}}) \
        == "not ready"
    assert category("Job", {"metadata": {}, "status": {"conditions": [{"type": "Failed", "status": "True"}]}}) \
        == "failed"
    assert category("Job", {"metadata": {}, "status": {"conditions": [{"type": "Complete", "status": "True"}]}}) \
        == "complete"
    assert category("Node", {"metadata": {}, "status": {"conditions": [{"type": "Ready", "status": "False"}]}}) \
        == "not ready"


def test_counters_follow_the_store() -> None:
    cluster = Cluster().start()
    model = PulsesModel(cluster.store, cluster.metrics, "default")
    assert legend(model, "pods") == {"Running": "0", "Pending": "0", "Failed": "0", "Succeeded": "0"}
    assert legend(model, "nodes") == {"ready": "3", "not ready": "0"}
    cluster.scheduler.stop()
    apply_object(cluster.store, nginx_deployment())
    cluster.advance_sync(1)
    model.apply_pending(cluster.clock.now())
    assert legend(model, "pods")["Pending"] == "3" and legend(model, "deployments") == {"ready": "0", "not ready": "1"}
    cluster.scheduler.start()
    cluster.advance_sync(10)
    model.apply_pending(cluster.clock.now())
    assert legend(model, "pods") == {"Running": "3", "Pending": "0", "Failed": "0", "Succeeded": "0"}
    assert legend(model, "deployments") == {"ready": "1", "not ready": "0"}
    cluster.store.delete("Deployment", "nginx", "default")
    cluster.advance_sync(60)
    model.apply_pending(cluster.clock.now())
    assert legend(model, "pods")["Running"] == "0" and legend(model, "deployments") == {"ready": "0", "not ready": "0"}


def test_samples_follow_virtual_time_only() -> None:
    """One sample per PULSE_RATE virtual seconds, however the frames fall; identical runs, identical charts."""

    def run(frames: list[float]) -> PulsesModel:
        cluster = Cluster().start()
        model = PulsesModel(cluster.store, cluster.metrics, "default")
        apply_object(cluster.store, nginx_deployment())
        cluster.store.create(failing_pod())
        for step in frames:
            cluster.advance_sync(step)
            model.apply_pending(cluster.clock.now())
        return model

    coarse = run([65])
    fine = run([5] * 13)
    assert coarse.samples == fine.samples == 1 + int(65 // PULSE_RATE)
    # pods wait for their images during the first seconds: both views saw the same periods
    assert list(fine.series["events"].bad) == list(run([5] * 13).series["events"].bad)
    assert list(coarse.series["events"].ok) == list(fine.series["events"].ok), "event rates by timestamp"
    assert list(coarse.series["events"].bad) == list(fine.series["events"].bad)
    assert sum(fine.series["events"].bad) > 0, "the failing pod's warnings were counted"
    assert list(fine.series["pods"].ok)[-1] == 3 and list(fine.series["pods"].bad)[-1] == 1
    for spec in PANELS:
        series = fine.series[spec.id]
        assert len(series.ok) == len(series.bad) == fine.samples, f"one point per sample in {spec.id}"
    assert all(v > 0 for v in fine.series["cpu"].ok) and set(fine.series["cpu"].bad) == {12000}


def test_cluster_cpu_and_memory_come_from_node_metrics() -> None:
    cluster = Cluster().start()
    apply_object(cluster.store, nginx_deployment())
    cluster.advance_sync(30)
    model = PulsesModel(cluster.store, cluster.metrics, None)
    cpu = sum(int(m["usage"]["cpu"].removesuffix("m")) for m in cluster.metrics.list_node_metrics())
    assert model.usage[0] == cpu > 0
    assert model.allocatable == (3 * 4000, 3 * 8 * 2**30)
    assert legend(model, "cpu")["used"] == f"{cpu}m" and legend(model, "cpu")["allocatable"] == "12"
    assert legend(model, "memory")["allocatable"] == "24Gi"


def test_feed_is_newest_first_with_warnings_marked() -> None:
    cluster = Cluster().start()
    apply_object(cluster.store, nginx_deployment(replicas=1))
    cluster.advance_sync(20)
    model = PulsesModel(cluster.store, cluster.metrics, "default")
    cluster.store.create(failing_pod())
    cluster.advance_sync(20)
    model.apply_pending(cluster.clock.now())
    rows = model.feed(cluster.clock.now())
    assert rows[0].object == "pod/broken" and rows[0].warning
    assert any(r.reason == "Scheduled" and not r.warning for r in rows)
    assert [r.age for r in rows] == sorted((r.age for r in rows), key=lambda a: int(a.removesuffix("s")))
    assert len(model.feed(cluster.clock.now(), limit=3)) == 3


def test_spark_is_one_column_per_sample_from_zero() -> None:
    assert spark([], 4, 0) == "    "
    assert spark([3, 3, 3], 5, 3) == "  ███"
    assert spark([0, 1, 2, 4], 4, 4) == " ▃▅█"
    assert spark(range(10), 3, 9) == "▆▇█", "only the newest samples that fit"


# ------------------------------------------------------------------- screen
async def command(pilot: Pilot[None], text: str) -> None:
    await pilot.press("colon", *text, "enter")
    await pilot.pause()


async def test_pulses_navigation_and_jump(cluster: Cluster, make_app: AppFactory) -> None:
    apply_object(cluster.store, nginx_deployment())
    cluster.advance_sync(30)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await command(pilot, "pulses")
        assert isinstance(app.screen, PulsesScreen)
        text = screen_text(app)
        assert "Run 3" in text and "ready 1" in text and " events " in text
        assert app.focused is app.screen.query_one("#pulse-pods")
        await pilot.press("tab")
        assert app.focused is app.screen.query_one("#pulse-deployments")
        await pilot.press("l", "l", "l", "j")  # right stops at the last column
        assert app.focused is app.screen.query_one("#pulse-nodes")
        await pilot.press("j", "j")
        assert isinstance(app.focused, EventsFeed), "below the last row: the feed"
        await pilot.press("k", "h")
        assert app.focused is app.screen.query_one("#pulse-cpu")
        await pilot.press("k", "k", "shift+tab")  # up to deployments, then back one
        assert app.focused is app.screen.query_one("#pulse-pods")
        await pilot.press("l", "enter")
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen) and isinstance(app.focused, ResourceTable)
        assert " deployments(default)[1] " in screen_text(app)
        await command(pilot, "hz")
        await pilot.press("j", "j", "j", "enter")
        await pilot.pause()
        assert " events(default)[" in screen_text(app), "enter on the feed: the events view"
        await command(pilot, "pu")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen) and " events(default)[" in screen_text(app)


async def test_pulses_are_live_on_the_virtual_clock(cluster: Cluster, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await command(pilot, "pu")
        pods = app.screen.query_one("#pulse-pods", PulsePanel)
        assert pods.view.ok == (0,)
        apply_object(cluster.store, nginx_deployment())
        cluster.store.create(failing_pod())
        cluster.advance_sync(40)
        await pilot.pause()
        # one frame after 40 s: each passed period is sampled with the state the frame sees
        assert pods.view.ok == (0, 3, 3, 3, 3) and pods.view.bad[-1] == 1
        text = screen_text(app)
        assert "Run 3  Pend 1  Fail 0  Done 0" in text, "short labels where the full ones do not fit"
        feed = app.screen.query_one(EventsFeed)
        assert feed.rows[0].object == "pod/broken" and feed.rows[0].warning
        warning_line = next(y for y in range(feed.size.height) if "pod/broken" in
                            "".join(s.text for s in feed.render_lines(feed.region.reset_offset)[y]))
        colours = {s.style.color.triplet.hex for s in feed.render_lines(feed.region.reset_offset)[warning_line]
                   if any(c.isalnum() for c in s.text) and s.style and s.style.color and s.style.color.triplet}
        assert colours == {"#ff4500"}, "warnings in the error colour"
        cluster.advance_sync(5)
        app.sync_screens()  # what the 0.25 s tick does in real time
        await pilot.pause()
        assert len(pods.view.ok) == 5, "no period boundary passed: no new sample"


async def test_wide_panels_use_the_full_labels(cluster: Cluster, make_app: AppFactory) -> None:
    apply_object(cluster.store, nginx_deployment())
    cluster.advance_sync(30)
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await command(pilot, "pulses")
        text = screen_text(app)
        assert "Running 3  Pending 0  Failed 0  Succeeded 0" in text
        assert "complete 0  running 0  failed 0" in text


def test_snapshot_pulses_after_rollout_and_failing_pod(snap_compare: SnapCompare) -> None:
    cluster = Cluster().start()
    apply_object(cluster.store, nginx_deployment())
    cluster.advance_sync(30)
    app = K9playApp(cluster, realtime=False)

    async def run_before(pilot: Pilot[None]) -> None:
        await command(pilot, "pulses")
        apply_object(cluster.store, nginx_deployment(image="nginx:1.15"))  # a rollout …
        cluster.store.create(failing_pod())  # … and a pod that cannot pull its image
        for _ in range(9):
            cluster.advance_sync(10)
            await pilot.pause()
        app.sync_screens()
        await pilot.press("tab")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_every_panel_has_a_jump() -> None:
    assert [p.command for p in PANELS] == ["pods", "deploy", "sts", "ds", "jobs", "nodes", "events", "nodes", "nodes"]


def test_a_long_jump_keeps_only_the_history() -> None:
    cluster = Cluster().start()
    model = PulsesModel(cluster.store, cluster.metrics, None)
    cluster.advance_sync(3 * 3600)
    assert model.apply_pending(cluster.clock.now())
    assert model.samples == HISTORY and list(model.series["nodes"].ok) == [3] * HISTORY
    assert not model.apply_pending(cluster.clock.now()), "nothing new in the same period"
    cluster.advance_sync(PULSE_RATE)
    assert model.apply_pending(cluster.clock.now()) and model.samples == HISTORY, "caught up: one more sample"
