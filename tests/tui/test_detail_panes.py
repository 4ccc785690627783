"""The live panes under a pod's describe: why it is Pending, its probes, restarts and back-off."""

from __future__ import annotations

import re
from typing import Any

from textual.pilot import Pilot

from k9play.api.resources import by_kind
from k9play.cluster import Cluster
from k9play.manifests.applier import apply_object
from k9play.tui.app import K9playApp
from k9play.tui.screens import DetailScreen
from k9play.tui.widgets.probe_timeline import ProbeTimelineView
from k9play.tui.widgets.why_pending import WhyPendingView
from tests.engine.test_probe_history import exec_liveness
from tests.helpers import pod

from .helpers import screen_text

SIZE = (120, 40)


async def advance(app: K9playApp, pilot: Pilot[None], seconds: float) -> None:
    """Advance the clock and sync the screens as the app's 0.25 s tick would (none left pending)."""
    app.cluster.advance_sync(seconds)
    app.sync_screens()
    await pilot.pause()


async def describe(app: K9playApp, pilot: Pilot[None], name: str) -> None:
    app.push_screen(DetailScreen(by_kind("Pod"), ("default", name), "describe"))
    app.sync_screens()  # the first tick's sync, now: none is left to fire while the test ends
    await pilot.pause()


def pane(app: K9playApp, title: str) -> list[str]:
    """The lines of the bordered pane titled ``title`` (borders stripped)."""
    lines = screen_text(app).splitlines()
    start = next(i for i, line in enumerate(lines) if f" {title} " in line and line.startswith("╭"))
    out = []
    for line in lines[start + 1:]:
        if line.startswith("╰"):
            break
        out.append(line.strip("│").rstrip())
    return out


def hungry(cpu: str = "8") -> dict[str, Any]:
    return pod("hungry", containers=[{"name": "main", "image": "nginx", "resources": {"requests": {"cpu": cpu}}}])


async def test_exec_liveness_failures_show_as_crosses_then_the_restart(cluster: Cluster) -> None:
    apply_object(cluster.store, exec_liveness())
    cluster.advance_sync(40)
    app = K9playApp(cluster, realtime=False)
    async with app.run_test(size=SIZE) as pilot:
        await describe(app, pilot, "liveness-exec")
        lines = pane(app, "probes & restarts")
        assert lines[0].split() == ["liveness", "Running", "ready", "restarts", "0"]
        track = lines[1].split()
        assert track[0] == "liveness"
        assert track[1].strip("·").replace("·", "") == "✓✓✓✓✓✓✗"  # 6 successes, then the file is gone
        assert "✗ 1 failure: cat: can't open '/tmp/healthy'" in lines[1]
        assert lines[2].split()[:2] == ["-2m15s", "now"]
        await advance(app, pilot, 10)
        assert "✗ 3 failures: cat: can't open" in pane(app, "probes & restarts")[1]
        await advance(app, pilot, 45)  # killed after the 30 s grace period, restarted at once
        lines = pane(app, "probes & restarts")
        assert lines[0].split()[-2:] == ["restarts", "1"]
        marks = lines[1].split()[1]
        assert re.search(r"✗·✗·✗·+↻·+✓·✓", marks), marks
        assert lines[1].rstrip().endswith("✓ ok")
        assert not app.screen.query_one(WhyPendingView).display


async def test_crash_loop_back_off_counts_down(cluster: Cluster) -> None:
    apply_object(cluster.store, pod("crasher", containers=[
        {"name": "main", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 5; exit 1"]}]))
    cluster.advance_sync(15)  # ran 5 s twice; a second after the second exit, the 10 s back-off
    app = K9playApp(cluster, realtime=False)
    async with app.run_test(size=SIZE) as pilot:
        await describe(app, pilot, "crasher")
        header = pane(app, "probes & restarts")[0]
        assert re.search(r"main  Waiting: CrashLoopBackOff  not ready  restarts 1  back-off 10s, restarting in \d+s",
                         header), header
        seen = set()
        for _ in range(8):
            head = pane(app, "probes & restarts")[0]
            if "restarting in" in head:
                seen.add(int(re.search(r"restarting in (\d+)s", head).group(1)))  # type: ignore[union-attr]
            await advance(app, pilot, 1)
        assert len(seen) >= 4 and max(seen) <= 10, seen
        await advance(app, pilot, 15)  # restarted, ran 5 s, now the 20 s back-off
        assert "restarts 2  back-off 20s, restarting in" in pane(app, "probes & restarts")[0]


async def test_pending_pod_explained_node_by_node(cluster: Cluster) -> None:
    apply_object(cluster.store, hungry())
    cluster.advance_sync(5)
    app = K9playApp(cluster, realtime=False)
    async with app.run_test(size=SIZE) as pilot:
        await describe(app, pilot, "hungry")
        lines = pane(app, "why pending")
        assert lines[0].split()[:4] == ["Unschedulable", "last", "attempt", "5s"]
        message = " ".join(" ".join(lines[1:3]).split())
        assert message.startswith("0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. "
                                  "preemption: 0/3 nodes are available:")
        table = [" ".join(line.split()) for line in lines[3:]]
        assert table == [
            "NODE FILTER REASON",
            "k9play-control-plane TaintToleration node(s) had untolerated taint(s)",
            "↳ taint node-role.kubernetes.io/control-plane:NoSchedule",
            "k9play-worker NodeResourcesFit Insufficient cpu",
            "↳ cpu: wants 8, free 4 of 4",
            "k9play-worker2 NodeResourcesFit Insufficient cpu",
            "↳ cpu: wants 8, free 4 of 4",
        ]
        assert not app.screen.query_one(ProbeTimelineView).display
        cluster.store.create({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "k9play-big"},
                              "status": {"capacity": {"cpu": "16", "memory": "64Gi", "pods": "110"}}})
        await advance(app, pilot, 5)
        assert pane(app, "why pending")[0].strip() == "Starting"  # on the new node, pulling nginx
        await advance(app, pilot, 30)
        assert not app.screen.query_one(WhyPendingView).display  # running: nothing to explain
        assert "why pending" not in screen_text(app)


async def test_pending_on_a_node_waiting_for_its_image(cluster: Cluster) -> None:
    apply_object(cluster.store, pod("badimg", "nginx:1.161"))
    cluster.advance_sync(20)
    app = K9playApp(cluster, realtime=False)
    async with app.run_test(size=SIZE) as pilot:
        await describe(app, pilot, "badimg")
        lines = [" ".join(line.split()) for line in pane(app, "why pending")]
        assert lines[0] == "Starting"
        assert lines[1].startswith("scheduled to k9play-worker")
        assert lines[2] == "WAITING REASON MESSAGE"
        assert lines[3].startswith('main ImagePullBackOff Back-off pulling image "nginx:1.161": ErrImagePull:')


async def test_pending_while_the_volume_binding_waits(cluster: Cluster) -> None:
    apply_object(cluster.store, {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "shared"},
                                 "spec": {"accessModes": ["ReadWriteMany"],
                                          "resources": {"requests": {"storage": "1Gi"}}}})
    apply_object(cluster.store, pod("app", volumes=[{"name": "d", "persistentVolumeClaim": {"claimName": "shared"}}]))
    cluster.advance_sync(5)
    app = K9playApp(cluster, realtime=False)
    async with app.run_test(size=SIZE) as pilot:
        await describe(app, pilot, "app")
        text = " ".join(" ".join(pane(app, "why pending")).split())
        assert text.startswith("Binding volumes assumed on k9play-worker")
        assert "pvc/shared Pending failed to provision volume with StorageClass \"standard\"" in text


async def test_a_healthy_pod_without_probes_has_no_panes(cluster: Cluster) -> None:
    apply_object(cluster.store, pod("plain"))
    cluster.advance_sync(30)
    app = K9playApp(cluster, realtime=False)
    async with app.run_test(size=SIZE) as pilot:
        await describe(app, pilot, "plain")
        assert not app.screen.query_one(WhyPendingView).display
        assert not app.screen.query_one(ProbeTimelineView).display
