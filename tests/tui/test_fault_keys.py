"""Pilot tests for the ``!`` fault menu and the rollout keys: what is on screen and in the store."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from k9play.api.meta import Obj
from k9play.cluster import Cluster
from k9play.manifests.applier import apply_object
from k9play.tui.app import K9playApp
from k9play.tui.screens import BrowserScreen
from k9play.tui.screens.dialogs import PickDialog
from k9play.tui.screens.fault_actions import LoadDialog
from k9play.tui.screens.rollout import RolloutScreen
from k9play.tui.widgets import ResourceTable

from .helpers import nginx_deployment, screen_text

SIZE = (140, 30)
AppFactory = Callable[[], K9playApp]


async def command(pilot: Pilot[None], text: str) -> None:
    await pilot.press("colon", *text, "enter")
    await pilot.pause()


async def advance(app: K9playApp, pilot: Pilot[None], seconds: float) -> None:
    app.cluster.advance_sync(seconds)
    app.sync_screens()
    await pilot.pause()


async def pick(app: K9playApp, pilot: Pilot[None], label: str) -> None:
    """Choose ``label`` in the open menu with the keyboard, as a user would."""
    assert isinstance(app.screen, PickDialog)
    options = app.screen.query_one(OptionList)
    labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    assert label in labels, labels
    for _ in range(labels.index(label) - (options.highlighted or 0)):
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()


def menu(app: K9playApp) -> list[str]:
    options = app.screen.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def probed_pod(name: str = "web") -> Obj:
    probe = {"httpGet": {"path": "/", "port": 80}, "periodSeconds": 5, "failureThreshold": 1}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
            "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25", "readinessProbe": probe,
                                     "livenessProbe": {**probe, "failureThreshold": 3}}]}}


def row_of(app: K9playApp, name: str) -> str:
    return next(line for line in screen_text(app).splitlines() if f" {name} " in line)


async def test_kill_from_the_fault_menu_deletes_the_pod(cluster: Cluster, make_app: AppFactory) -> None:
    apply_object(cluster.store, probed_pod())
    cluster.advance_sync(20)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert menu(app) == ["kill", "crash", "probe liveness fail", "probe readiness fail",
                             "image-unpullable nginx:1.25", "load CPU…"]
        assert "<Fault web>" in screen_text(app)
        await pick(app, pilot, "kill")
        assert isinstance(app.screen, BrowserScreen)
        assert cluster.store.get("Pod", "web", "default")["metadata"]["deletionGracePeriodSeconds"] == 1
        assert 'pod "web" killed (deleted with a 1s grace period)' in screen_text(app)
        await advance(app, pilot, 5)
        assert cluster.store.try_get("Pod", "web", "default") is None
        assert " web " not in screen_text(app)


async def test_failing_readiness_shows_on_the_row_and_passes_again(cluster: Cluster, make_app: AppFactory) -> None:
    apply_object(cluster.store, probed_pod())
    cluster.advance_sync(20)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "1/1" in row_of(app, "web") and "Running" in row_of(app, "web")
        await pilot.press("exclamation_mark")
        await pick(app, pilot, "probe readiness fail")
        assert 'readiness probes of pod "web" now fail (nginx)' in screen_text(app)
        await advance(app, pilot, 10)
        assert "0/1" in row_of(app, "web")
        pod = cluster.store.get("Pod", "web", "default")
        assert pod["status"]["containerStatuses"][0]["ready"] is False
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert "probe readiness pass" in menu(app)
        await pick(app, pilot, "probe readiness pass")
        await advance(app, pilot, 10)
        assert "1/1" in row_of(app, "web")


async def test_crash_asks_which_container_of_a_two_container_pod(cluster: Cluster, make_app: AppFactory) -> None:
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "duo", "namespace": "default"},
           "spec": {"containers": [{"name": "app", "image": "nginx:1.25"},
                                   {"name": "sidecar", "image": "busybox:1.36", "command": ["sleep", "3600"]}]}}
    apply_object(cluster.store, pod)
    cluster.advance_sync(20)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("exclamation_mark")
        await pick(app, pilot, "crash CONTAINER…")
        await pick(app, pilot, "sidecar")
        assert 'container "sidecar" of pod "duo" crashed with exit code 1 (restartPolicy Always)' in screen_text(app)
        await advance(app, pilot, 5)
        statuses = {c["name"]: c for c in cluster.store.get("Pod", "duo", "default")["status"]["containerStatuses"]}
        assert statuses["sidecar"]["restartCount"] == 1 and statuses["app"]["restartCount"] == 0
        assert "1 (" in row_of(app, "duo")  # RESTARTS "1 (4s ago)"


async def test_node_down_turns_not_ready_and_node_up_recovers(cluster: Cluster, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await command(pilot, "nodes")
        table = app.screen.query_one(ResourceTable)
        while table.cursor_key != ("", "k9play-worker"):
            await pilot.press("down")
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert menu(app) == ["node-down", "pressure memory", "pressure disk"]
        await pick(app, pilot, "node-down")
        assert "node k9play-worker is down" in screen_text(app)
        await advance(app, pilot, 30)
        assert "NotReady" not in row_of(app, "k9play-worker"), "within the 50 s grace period"
        await advance(app, pilot, 30)
        assert "NotReady" in row_of(app, "k9play-worker")
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert menu(app) == ["node-up"]
        await pick(app, pilot, "node-up")
        await advance(app, pilot, 15)
        assert "NotReady" not in row_of(app, "k9play-worker") and "Ready" in row_of(app, "k9play-worker")


async def test_load_on_a_deployment_asks_for_cpu(cluster: Cluster, make_app: AppFactory) -> None:
    apply_object(cluster.store, nginx_deployment(replicas=2))
    cluster.advance_sync(30)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await command(pilot, "deploy")
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert menu(app) == ["image-unpullable nginx:1.14.2", "load CPU…"]
        await pick(app, pilot, "load CPU…")
        assert isinstance(app.screen, LoadDialog)
        field = app.screen.query_one("#cpu", Input)
        field.value = ""
        await pilot.press(*"abc")  # refused by the field: only digits, '.' and 'm'
        await pilot.press(*"800m", "enter")
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen)
        assert "load of 800m CPU on deployment/nginx, spread over its ready pods" in screen_text(app)
        await advance(app, pilot, 60)
        usage = [app.cluster.metrics.pod_usage(p)[0] for p in cluster.store.list("Pod", "default")]
        assert sum(usage) >= 700, usage


async def test_image_unpullable_keeps_a_rollout_waiting(cluster: Cluster, make_app: AppFactory) -> None:
    apply_object(cluster.store, nginx_deployment(replicas=2))
    cluster.advance_sync(30)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await command(pilot, "deploy")
        cluster.faults.image_unpullable("nginx:1.16.1")
        apply_object(cluster.store, nginx_deployment(replicas=2, image="nginx:1.16.1"))
        await advance(app, pilot, 30)
        row = row_of(app, "nginx")
        assert "PROGRESS" in screen_text(app) and "░" in row, row  # old replicas still there
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, RolloutScreen)
        text = screen_text(app)
        assert "ScalingReplicaSet" in text
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert menu(app) == ["image-pullable nginx:1.16.1", "load CPU…"]
        await pick(app, pilot, "image-pullable nginx:1.16.1")
        await advance(app, pilot, 120)
        row = row_of(app, "nginx")
        assert "░" not in row and "██████████ 2/2" in row, row


async def test_no_fault_menu_on_kinds_without_faults(cluster: Cluster, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await command(pilot, "cm")
        await pilot.press("exclamation_mark")
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen)
        assert "Faults" not in screen_text(app)


async def test_pods_leave_a_stopped_node_and_land_elsewhere(cluster: Cluster, make_app: AppFactory) -> None:
    """node-down from the nodes view; ~350 s later the pods view shows the evicted pods replaced on
    the other worker (NotReady at 50 s, then the 300 s unreachable toleration runs out)."""
    apply_object(cluster.store, nginx_deployment(replicas=4))
    cluster.advance_sync(30)
    on_worker = {p["metadata"]["name"] for p in pods_on(cluster, "k9play-worker")}
    assert on_worker, "the scheduler spreads four replicas over both workers"
    app = make_app()
    async with app.run_test(size=(200, 30)) as pilot:
        await command(pilot, "nodes")
        table = app.screen.query_one(ResourceTable)
        while table.cursor_key != ("", "k9play-worker"):
            await pilot.press("down")
        await pilot.press("exclamation_mark")
        await pick(app, pilot, "node-down")
        await command(pilot, "pods")
        await pilot.press("ctrl+w")  # wide: the NODE column
        await advance(app, pilot, 340)
        assert all("Running" in row_of(app, name) for name in on_worker), "tolerated for 300 s after NotReady"
        await advance(app, pilot, 30)
        for name in on_worker:
            assert "Terminating" in row_of(app, name)
        running = [line for line in screen_text(app).splitlines() if " Running " in line]
        assert len(running) == 4 and all("k9play-worker2" in line for line in running), running


def pods_on(cluster: Cluster, node: str) -> list[Obj]:
    return [p for p in cluster.store.list("Pod", "default") if p["spec"].get("nodeName") == node]
