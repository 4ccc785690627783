"""The rollout pane and the deployment progress decoration, on the manual clock."""

from __future__ import annotations

import re
from typing import Any

from textual.pilot import Pilot

from k9play.api.meta import Obj
from k9play.api.resources import by_kind
from k9play.cluster import Cluster
from k9play.manifests.applier import apply_object
from k9play.tui.app import K9playApp
from k9play.tui.screens import DetailScreen
from k9play.tui.screens.rollout import RolloutScreen
from k9play.tui.viewmodels.decorations import COLUMNS, decorate
from k9play.tui.viewmodels.progress import bar_runs

from .helpers import nginx_deployment, screen_text

SIZE = (120, 40)
COUNTER = re.compile(r"(desired|current|ready|available)\s+[█░]+\s+(\d+)")
HEAD = re.compile(r"(OLD|NEW) (nginx-\w+)")


def surge_one(image: str) -> Obj:
    """4 replicas, one extra at a time and none unavailable: the rollout steps one pod at a time."""
    d = nginx_deployment(replicas=4, image=image)
    d["spec"]["strategy"] = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}
    return d


async def advance(app: K9playApp, pilot: Pilot[None], seconds: float) -> None:
    """Advance the clock and bring the screens up to it (what the app's 0.25 s tick does in real
    time), so no tick is left pending when the test ends."""
    app.cluster.advance_sync(seconds)
    app.sync_screens()
    await pilot.pause()


def replica_sets(app: K9playApp) -> list[tuple[str, str, dict[str, int]]]:
    """(OLD|NEW, name, counters) per ReplicaSet column, left to right, as drawn."""
    text = screen_text(app)
    heads = HEAD.findall(text)
    counters: list[dict[str, int]] = [{} for _ in heads]
    for line in text.splitlines():
        for i, (name, value) in enumerate(COUNTER.findall(line)):
            counters[i][name] = int(value)
    return [(kind, name, c) for (kind, name), c in zip(heads, counters, strict=True)]


def events(app: K9playApp) -> list[str]:
    lines = screen_text(app).splitlines()
    start = next(i for i, line in enumerate(lines) if "EVENTS (ScalingReplicaSet" in line) + 1
    out = []
    for line in lines[start:]:
        m = re.match(r"│\s+\d+[smh]\s+(Scaled .*?)\s*│$", line)
        if m is None:
            break
        out.append(m.group(1))
    return out


async def test_set_image_steps_the_replica_sets_and_lists_the_scaling_events() -> None:
    cluster = Cluster().start()
    apply_object(cluster.store, surge_one("nginx:1.14.2"))
    cluster.advance_sync(30)
    app = K9playApp(cluster, realtime=False)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(RolloutScreen("default", "nginx"))
        app.sync_screens()  # the first tick's sync, now: none is left to fire while the test ends
        await pilot.pause()
        assert " rollout(default/nginx) " in screen_text(app)
        [(kind, old, counters)] = replica_sets(app)
        assert (kind, counters) == ("NEW", {"desired": 4, "current": 4, "ready": 4, "available": 4})
        assert events(app) == [f"Scaled up replica set {old} from 0 to 4"]
        apply_object(cluster.store, surge_one("nginx:1.16.1"))  # kubectl set image
        steps: list[tuple[int, ...]] = []
        seen_events: list[list[str]] = []
        for _ in range(20):
            await advance(app, pilot, 1)
            rss = replica_sets(app)
            step = tuple(c[n] for _, _, c in rss for n in ("current", "available"))
            if not steps or steps[-1] != step:
                steps.append(step)
                seen_events.append(events(app))
        (_, name_old, _), (_, new, _) = replica_sets(app)
        assert name_old == old and [k for k, _, _ in replica_sets(app)] == ["OLD", "NEW"]
        # (old current, old available, new current, new available): one pod at a time, never below 4 available
        assert steps == [(4, 4, 1, 0), (3, 3, 2, 1), (2, 2, 3, 2), (1, 1, 4, 3), (0, 0, 4, 4)]
        assert seen_events[-1] == [
            f"Scaled up replica set {old} from 0 to 4",
            f"Scaled up replica set {new} from 0 to 1",
            f"Scaled down replica set {old} from 4 to 3",
            f"Scaled up replica set {new} from 1 to 2",
            f"Scaled down replica set {old} from 3 to 2",
            f"Scaled up replica set {new} from 2 to 3",
            f"Scaled down replica set {old} from 2 to 1",
            f"Scaled up replica set {new} from 3 to 4",
            f"Scaled down replica set {old} from 1 to 0",
        ]
        assert [len(e) for e in seen_events] == [2, 4, 6, 8, 9], "events appear as the steps happen"
        text = screen_text(app)
        assert "4/4 new available, 0 old  (complete)" in text
        assert re.search(r"Progressing\s+True\s+NewReplicaSetAvailable", text)


async def test_rollout_from_a_deployment_describe_and_back(cluster: Cluster) -> None:
    apply_object(cluster.store, nginx_deployment())
    cluster.advance_sync(10)
    app = K9playApp(cluster, realtime=False)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(DetailScreen(by_kind("Deployment"), ("default", "nginx"), "describe"))
        app.sync_screens()
        await pilot.pause()
        assert "<o> Rollout" in screen_text(app)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, RolloutScreen)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen) and "describe(default/nginx)" in screen_text(app)
        await pilot.press("escape", "escape", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, (DetailScreen, RolloutScreen))


async def test_pod_describe_offers_no_rollout(cluster: Cluster) -> None:
    apply_object(cluster.store, nginx_deployment(replicas=1))
    cluster.advance_sync(10)
    name = cluster.store.list("Pod", "default")[0]["metadata"]["name"]
    app = K9playApp(cluster, realtime=False)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(DetailScreen(by_kind("Pod"), ("default", name), "describe"))
        app.sync_screens()
        await pilot.pause()
        assert "Rollout" not in screen_text(app)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)


async def test_deleted_deployment(cluster: Cluster) -> None:
    apply_object(cluster.store, nginx_deployment())
    cluster.advance_sync(10)
    app = K9playApp(cluster, realtime=False)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(RolloutScreen("default", "nginx"))
        app.sync_screens()  # the first tick's sync, now: none is left to fire while the test ends
        await pilot.pause()
        cluster.store.delete("Deployment", "nginx", "default")
        await advance(app, pilot, 1)
        text = screen_text(app)
        assert " rollout(default/nginx) [deleted] " in text and "does not exist" in text


# ------------------------------------------------------------ the table decoration
def _decoration(cluster: Cluster) -> Any:
    d = cluster.store.get("Deployment", "nginx", "default")
    return decorate(cluster.store, "Deployment", d, {})


def test_progress_decoration_mid_rollout_and_done(cluster: Cluster) -> None:
    apply_object(cluster.store, surge_one("nginx:1.14.2"))
    cluster.advance_sync(30)
    done = _decoration(cluster)
    assert (done.column, done.text) == ("PROGRESS", "██████████ 4/4")
    apply_object(cluster.store, surge_one("nginx:1.16.1"))
    cluster.advance_sync(7)  # new: 2 (1 available), old: 3; 5 replicas in all → 2 cells each
    mid = _decoration(cluster)
    assert mid.runs == (("██", "new-available"), ("▓▓", "new-unavailable"), ("░░░░░░", "old"), (" 1/4", ""))
    assert mid.text == "██▓▓░░░░░░ 1/4"
    assert "".join(t for t, _ in mid.runs) == mid.text
    assert COLUMNS == {"Deployment": "PROGRESS"}
    assert decorate(cluster.store, "Pod", {}, {}) is None


def test_bar_runs_are_exact_and_proportional() -> None:
    assert bar_runs([(1, "new-available"), (0, "new-unavailable"), (1, "old")], 4, 8) == [
        ("██", "new-available"), ("░░", "old"), ("····", "missing")]
    runs = bar_runs([(333, "new-available"), (333, "old")], 1000, 10)
    assert sum(len(t) for t, _ in runs) == 10
    assert bar_runs([(0, "fill-new")], 0, 5, rest="empty") == [("░░░░░", "empty")]
    assert bar_runs([(9, "fill-old")], 3, 6, rest="empty") == [("██████", "fill-old")]  # never longer than width


async def test_repeated_scaling_events_are_listed_where_they_last_happened() -> None:
    """Roll out, roll back, roll out again: the second rollout repeats the first one's messages,
    which the event recorder folds into counted events. As in kubectl describe they are listed
    by their last occurrence, aged from it, with "(xN over …)", so the pane ends with the
    rollout that just happened instead of the rollback before it."""
    from k9play.kubectl.commands import Kubectl

    cluster = Cluster().start()
    apply_object(cluster.store, surge_one("nginx:1.14.2"))
    cluster.advance_sync(30)
    kubectl = Kubectl(cluster, namespace="default")
    for line in ("set image deploy/nginx nginx=nginx:1.16.1", "rollout undo deploy/nginx",
                 "set image deploy/nginx nginx=nginx:1.16.1"):
        assert kubectl.run(line.split()).code == 0, line
        cluster.advance_sync(60)
    app = K9playApp(cluster, realtime=False)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(RolloutScreen("default", "nginx"))
        app.sync_screens()
        await pilot.pause()
        [(_, old, _), (_, new, _)] = replica_sets(app)
        shown = [m.group(1) for line in screen_text(app).splitlines()
                 if (m := re.match(r"│\s+\w+\s+(Scaled .*?)\s*│$", line))]
        assert re.fullmatch(rf"Scaled down replica set {old} from 1 to 0 \(x2 over 2m\d+s\)", shown[-1]), shown
        assert shown[-2].startswith(f"Scaled up replica set {new} from 3 to 4 (x2 over 2m"), shown
        last = next(line for line in screen_text(app).splitlines() if f"{old} from 1 to 0" in line)
        assert re.match(r"│\s+\d+s\s+Scaled down", last), "aged from the last time, under a minute ago"
        await advance(app, pilot, 0)
