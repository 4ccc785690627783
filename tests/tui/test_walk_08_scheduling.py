"""sample-manifests/08-scheduling/README.md, walked as a new user: every Watch and Break step
in order, on the manual clock, asserting what the README promises on screen."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox

from k9play.tui.app import K9playApp
from k9play.tui.screens.dialogs import ConfirmDialog, DeleteDialog, DrainDialog

from .helpers import screen_text
from .sample_walk import SIZE, advance, chapter_app, command, flash, home, pick, row, save, select


def node_of(app: K9playApp, name: str) -> str:
    """The NODE cell of a pod in the wide pod table (NAME READY STATUS RESTARTS AGE IP NODE …)."""
    return row(app, name).split()[6]


def spread_pods(app: K9playApp) -> list[str]:
    return sorted(p["metadata"]["name"] for p in app.cluster.store.list("Pod", "scheduling")
                  if p["metadata"]["name"].startswith("spread-"))


async def confirm(app: K9playApp, pilot, key: str) -> None:  # type: ignore[no-untyped-def]
    """``key`` (c, u) on the node under the cursor, then OK (Cancel has the focus, as in k9s)."""
    await pilot.press(key)
    await pilot.pause()
    assert isinstance(app.screen, ConfirmDialog)
    await pilot.press("tab", "enter")
    await pilot.pause()


async def test_walk_08_watch(tmp_path: Path) -> None:
    app, _ = chapter_app(tmp_path, "08-scheduling")
    async with app.run_test(size=SIZE) as pilot:
        # Watch: `:pods`, `:ns scheduling`, ctrl+w: the NODE of each pod
        await command(pilot, "pods")
        await command(pilot, "ns scheduling")
        await advance(app, pilot, 30, step=5)
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert "NODE" in screen_text(app)
        assert node_of(app, "pinned") == "k9play-worker2"
        assert node_of(app, "ssd-app") == "k9play-ssd"
        assert node_of(app, "on-control-plane") == "k9play-control-plane"
        assert node_of(app, "affinity-app") == "k9play-worker2"
        assert sorted(node_of(app, p) for p in spread_pods(app)) == ["k9play-worker", "k9play-worker2"]
        assert row(app, "too-big").split()[2] == "Pending" and node_of(app, "too-big") == "<none>"
        await pilot.press("ctrl+w")

        # `:nodes`, `enter` on a node: the pods on it; `d`: labels, taints, allocated resources
        await command(pilot, "nodes")
        await select(app, pilot, "k9play-ssd")
        await pilot.press("enter")
        await pilot.pause()
        assert "</node=k9play-ssd>" in screen_text(app) and row(app, "ssd-app")
        await pilot.press("escape", "d")
        await pilot.pause()
        text = screen_text(app)
        assert "disktype=ssd" in text and "Taints:             dedicated=ssd:NoSchedule" in text
        await pilot.press("end")
        await pilot.pause()
        assert "Allocated resources:" in screen_text(app)
        await home(app, pilot)

        # `d` on too-big: the "why pending" pane and the FailedScheduling event
        await command(pilot, "pods scheduling")
        await select(app, pilot, "too-big")
        await pilot.press("d")
        await pilot.pause()
        text = screen_text(app)
        assert "why pending" in text
        assert "0/4 nodes are available: 2 Insufficient cpu, 2 node(s) had untolerated taint(s)" in text
        await pilot.press("end")
        await pilot.pause()
        assert "FailedScheduling" in screen_text(app)
        await home(app, pilot)



async def test_walk_08_break_pods(tmp_path: Path) -> None:
    app, base = chapter_app(tmp_path, "08-scheduling")
    chapter = base / "08-scheduling"
    store = app.cluster.store
    async with app.run_test(size=SIZE) as pilot:
        await command(pilot, "pods")
        await command(pilot, "ns scheduling")
        await advance(app, pilot, 30, step=5)
        # Break: remove ssd-app's toleration, delete the pod and save: Pending, the taint is why
        await select(app, pilot, "ssd-app")
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert isinstance(app.screen, DeleteDialog)
        await pilot.press("tab", "enter")
        await advance(app, pilot, 5)
        assert not row(app, "ssd-app")
        toleration = "  tolerations:\n  - key: dedicated\n    operator: Equal\n    value: ssd\n    effect: NoSchedule\n"
        await save(app, pilot, chapter / "node-selector-and-tolerations.yaml", toleration, "")
        assert flash(app).startswith("pod/ssd-app created")
        await advance(app, pilot, 5)
        assert row(app, "ssd-app").split()[2] == "Pending"
        await select(app, pilot, "ssd-app")
        await pilot.press("d")
        await pilot.pause()
        pending = screen_text(app).split("why pending")[1]
        assert "k9play-ssd            TaintToleration" in pending and "↳ taint dedicated=ssd:NoSchedule" in pending
        await home(app, pilot)
        # put the toleration back and save: a pod may gain tolerations in place, so it schedules now
        selector = "  nodeSelector:\n    disktype: ssd\n"
        await save(app, pilot, chapter / "node-selector-and-tolerations.yaml", selector, selector + toleration)
        assert flash(app) == "pod/ssd-app configured"
        await advance(app, pilot, 10)
        assert row(app, "ssd-app").split()[1:3] == ["1/1", "Running"]

        # set too-big's CPU to "1", delete the pod and save: scheduled at once
        await select(app, pilot, "too-big")
        await pilot.press("ctrl+d")
        await pilot.pause()
        await pilot.press("tab", "enter")
        await advance(app, pilot, 2)
        assert not row(app, "too-big")
        await save(app, pilot, chapter / "too-big.yaml", 'cpu: "6"', 'cpu: "1"')
        await advance(app, pilot, 1)
        assert store.get("Pod", "too-big", "scheduling")["spec"].get("nodeName")
        await advance(app, pilot, 5)
        assert row(app, "too-big").split()[1:3] == ["1/1", "Running"]

        # `:nodes`, `c` cordons k9play-worker2; its spread pod's replacement stays Pending; `u` uncordons
        await command(pilot, "nodes")
        await select(app, pilot, "k9play-worker2")
        await confirm(app, pilot, "c")
        assert "node/k9play-worker2 cordoned" in flash(app)
        assert row(app, "k9play-worker2").split()[1] == "Ready,SchedulingDisabled"
        await pilot.press("enter")
        await pilot.pause()
        on_worker2 = next(p for p in spread_pods(app) if row(app, p))
        await select(app, pilot, on_worker2)
        await pilot.press("ctrl+k")
        await advance(app, pilot, 5)
        await command(pilot, "pods scheduling")
        replacement = next(p for p in spread_pods(app) if p != on_worker2 and row(app, p).split()[2] == "Pending")
        await select(app, pilot, replacement)
        await pilot.press("d")
        await pilot.pause()
        assert "1 node(s) were unschedulable" in screen_text(app)
        await home(app, pilot)
        await command(pilot, "nodes")
        await select(app, pilot, "k9play-worker2")
        await confirm(app, pilot, "u")
        assert row(app, "k9play-worker2").split()[1] == "Ready"
        await advance(app, pilot, 10)
        assert store.get("Pod", replacement, "scheduling")["spec"]["nodeName"] == "k9play-worker2"



async def test_walk_08_break_nodes(tmp_path: Path) -> None:
    app, base = chapter_app(tmp_path, "08-scheduling")
    chapter = base / "08-scheduling"
    store = app.cluster.store
    async with app.run_test(size=SIZE) as pilot:
        await command(pilot, "pods")
        await command(pilot, "ns scheduling")
        await advance(app, pilot, 30, step=5)
        # `r` drains k9play-worker2: refused without Ignore DaemonSets and Force, as kubectl does
        await command(pilot, "nodes")
        await select(app, pilot, "k9play-worker2")
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, DrainDialog)
        await pilot.press("tab", "tab", "tab", "tab", "tab", "tab", "enter")  # OK with the defaults
        await pilot.pause()
        text = screen_text(app)
        assert "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore)" in text
        assert "cannot delete Pods that declare no controller (use --force to override)" in text
        await home(app, pilot)
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("tab", "tab", "space", "tab", "tab", "space")  # Ignore DaemonSets, Force
        assert [c.value for c in app.screen.query(Checkbox)] == [True, False, True]
        await pilot.press("tab", "tab", "enter")
        await pilot.pause()
        await advance(app, pilot, 40, step=5)
        assert store.try_get("Pod", "pinned", "scheduling") is None  # bare pods: gone for good
        assert store.try_get("Pod", "affinity-app", "scheduling") is None
        await home(app, pilot)
        await command(pilot, "pods scheduling")
        assert [row(app, p).split()[2] for p in spread_pods(app)].count("Pending") == 1  # anti-affinity
        dns = [p for p in store.list("Pod", "kube-system") if p["metadata"]["name"].startswith("coredns-")]
        assert len(dns) == 2 and all(p["spec"].get("nodeName") not in (None, "k9play-worker2") for p in dns)
        await command(pilot, "nodes")
        await select(app, pilot, "k9play-worker2")
        await confirm(app, pilot, "u")

        # `!` → node-down on a worker: NotReady after the 50 s grace period, pods evicted 5 min later
        await select(app, pilot, "k9play-worker")
        await pilot.press("exclamation_mark")
        await pilot.pause()
        await pick(app, pilot, "node-down")
        on_worker = [p for p in store.list("Pod", "scheduling") if p["spec"].get("nodeName") == "k9play-worker"]
        assert on_worker
        await advance(app, pilot, 45, step=5)
        assert row(app, "k9play-worker").split()[1] == "Ready"
        await advance(app, pilot, 10)
        assert row(app, "k9play-worker").split()[1] == "NotReady"
        await advance(app, pilot, 290, step=10)
        assert all(not store.get("Pod", p["metadata"]["name"], "scheduling")["metadata"].get("deletionTimestamp")
                   for p in on_worker), "tolerated for 300 s"
        await advance(app, pilot, 15, step=5)
        assert all(store.get("Pod", p["metadata"]["name"], "scheduling")["metadata"].get("deletionTimestamp")
                   for p in on_worker), "evicted"

        # delete ssd-node.yaml: the node goes, and so does ssd-app
        (chapter / "ssd-node.yaml").unlink()
        sync = app.folder_sync
        assert sync is not None
        app.show_sync_report(sync.sync_paths([chapter / "ssd-node.yaml"]))
        assert flash(app) == "node/k9play-ssd deleted"
        await advance(app, pilot, 60, step=5)
        assert not row(app, "k9play-ssd")
        assert store.try_get("Pod", "ssd-app", "scheduling") is None
