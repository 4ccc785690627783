"""The log view: live as the virtual clock advances, previous instance, ranges, containers."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import RichLog

from k9play.api.meta import Obj
from k9play.cluster import Cluster
from k9play.kubectl.commands import Kubectl
from k9play.kubectl.logstream import LogStream
from k9play.tui.app import K9playApp
from k9play.tui.screens import BrowserScreen
from k9play.tui.screens.dialogs import PickDialog
from k9play.tui.screens.logs import LogsScreen

from .helpers import screen_text

SIZE = (120, 30)
AppFactory = Callable[[], K9playApp]


def chatty_pod(name: str = "chatty", **annotations: str) -> Obj:
    """busybox printing ``tick N`` every second; annotations add k9play.dev behaviours."""
    script = "for i in $(seq 0 5000); do echo tick $i; sleep 1; done"
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "annotations": {f"k9play.dev/{k}": v for k, v in annotations.items()}},
            "spec": {"containers": [{"name": "main", "image": "busybox", "command": ["sh", "-c", script]}]}}


def log_lines(app: K9playApp) -> list[str]:
    """The log widget's lines as rendered (what the user reads, including off-screen ones)."""
    return [strip.text.rstrip() for strip in app.screen.query_one(RichLog).lines]


async def advance(app: K9playApp, pilot: Pilot[None], cluster: Cluster, seconds: float) -> None:
    cluster.advance_sync(seconds)
    app.sync_screens()  # the 0.25 s tick of the real-time pump
    await pilot.pause()


async def test_logs_follow_the_virtual_clock(cluster: Cluster, make_app: AppFactory) -> None:
    cluster.store.create(chatty_pod())
    cluster.advance_sync(10.5)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, LogsScreen)
        text = screen_text(app)
        assert "Logs(default/chatty:main)[tail]" in text
        assert "Autoscroll:On" in text and "Timestamps:Off" in text and "Wrap:Off" in text
        first = log_lines(app)
        assert first[0] == "tick 0" and len(first) >= 5
        await advance(app, pilot, cluster, 3)
        lines = log_lines(app)
        assert lines[:len(first)] == first and len(lines) == len(first) + 3, "new lines appended, none repeated"
        assert lines[-1] in screen_text(app), "autoscroll keeps the newest line on screen"
        await pilot.press("t")
        await pilot.pause()
        assert log_lines(app)[0].startswith("2026-01-01T00:00:") and log_lines(app)[0].endswith("Z tick 0")
        assert "Timestamps:On" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen)


async def test_previous_logs_after_a_restart(cluster: Cluster, make_app: AppFactory) -> None:
    cluster.store.create(chatty_pod(**{"crash-after": "5"}))
    cluster.advance_sync(10)  # crashed at ~5 s of running, restarted at once
    pod = cluster.store.get("Pod", "chatty", "default")
    assert pod["status"]["containerStatuses"][0]["restartCount"] == 1
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("p")  # k9s: previous logs straight from the pods view
        await pilot.pause()
        assert "Previous:On" in screen_text(app)
        previous = log_lines(app)
        assert previous[0] == "tick 0" and previous[-1].startswith("k9play: crashing with exit code 1")
        await pilot.press("p")  # back to the current instance
        await pilot.pause()
        current = log_lines(app)
        assert "Previous:Off" in screen_text(app) and current[0] == "tick 0"
        assert not any("crashing" in line for line in current)
        await advance(app, pilot, cluster, 20)  # the current instance crashes too; restarts after a 10 s back-off
        lines = log_lines(app)
        assert any("crashing" in line for line in lines), "the instance that was followed, to its end"
        assert lines.count("tick 0") == 2, "then the next instance's lines continue the stream"
        await pilot.press("p")
        await pilot.pause()
        assert log_lines(app)[-1].startswith("k9play: crashing"), "previous is now the second instance"


async def test_tail_head_and_since(cluster: Cluster, make_app: AppFactory) -> None:
    cluster.store.create(chatty_pod())
    cluster.advance_sync(150.5)
    written = Kubectl(cluster).run(["logs", "chatty"]).out.splitlines()  # what kubectl logs reads
    assert len(written) > 140
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        lines = log_lines(app)
        assert lines == written[-100:], "tail: k9s' last 100 lines"
        await pilot.press("1")
        await pilot.pause()
        assert "[head]" in screen_text(app)
        assert log_lines(app) == written
        await pilot.press("2")
        await pilot.pause()
        assert "[1m]" in screen_text(app) and log_lines(app) == written[-60:], "one line a second"
        await pilot.press("0")
        await pilot.pause()
        assert len(log_lines(app)) == 100


async def test_waiting_container_and_container_picker(cluster: Cluster, make_app: AppFactory) -> None:
    pod = chatty_pod("duo")
    pod["spec"]["containers"].append({"name": "side", "image": "busybox", "command": ["sh", "-c", "echo side-car"]})
    cluster.store.create(pod)
    cluster.scheduler.stop()
    cluster.advance_sync(1)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        assert 'Defaulted container "main" out of: main, side' in screen_text(app)
        await pilot.pause()
        assert log_lines(app) == ['container "main" in pod "duo" is waiting to start: ContainerCreating']
        cluster.scheduler.start()
        await advance(app, pilot, cluster, 5)
        assert log_lines(app)[0] == "tick 0", "the stream starts once the container runs"
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, PickDialog)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, LogsScreen)
        assert "Logs(default/duo:side)" in screen_text(app) and log_lines(app) == ["side-car"]


def test_log_stream_reads_only_new_lines(cluster: Cluster) -> None:
    cluster.store.create(chatty_pod())
    cluster.advance_sync(5.5)
    stream = LogStream(cluster, "default", "chatty", "main")
    first = stream.poll()
    assert first is not None and first.reset and [t for _, t in first.lines][:2] == ["tick 0", "tick 1"]
    assert stream.poll() is None, "nothing new without time passing"
    cluster.advance_sync(2)
    more = stream.poll()
    n = len(first.lines)
    assert more is not None and not more.reset and [t for _, t in more.lines] == [f"tick {n}", f"tick {n + 1}"]


async def test_l_on_the_containers_page_shows_the_container_under_the_cursor(
        cluster: Cluster, make_app: AppFactory) -> None:
    """k9s: ``l`` on a row of a pod's containers shows that container's log — an init one too —
    not the pod's default container."""
    cluster.store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "init-demo"}, "spec": {
        "initContainers": [{"name": "setup", "image": "busybox", "command": ["sh", "-c", "echo config written"]}],
        "containers": [{"name": "app", "image": "busybox", "command": ["sh", "-c", "echo app up; sleep 3600"]}]}})
    cluster.advance_sync(15)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # the pod's containers: I1 setup, M1 app
        await pilot.pause()
        assert "containers(default/init-demo)" in screen_text(app)
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, LogsScreen)
        assert "Logs(default/init-demo:setup)" in screen_text(app)
        assert log_lines(app)[0] == "config written"
        await pilot.press("escape", "down", "l")
        await pilot.pause()
        assert "Logs(default/init-demo:app)" in screen_text(app)
        assert log_lines(app)[0] == "app up"
