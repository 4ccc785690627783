"""sample-manifests/08-scheduling/README.md, walked as a new user: every Watch and Break step
in order, on the manual clock, asserting what the README promises on screen."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox

from k9play.tui.screens.dialogs import ConfirmDialog, DeleteDialog, DrainDialog

from .walk import Walk


def node_of(w: Walk, name: str) -> str:
    """The NODE cell of a pod in the wide pod table (NAME READY STATUS RESTARTS AGE IP NODE …)."""
    return w.row(name).split()[6]


def spread_pods(w: Walk) -> list[str]:
    return sorted(p["metadata"]["name"] for p in w.cluster.store.list("Pod", "scheduling")
                  if p["metadata"]["name"].startswith("spread-"))


async def confirm(w: Walk, key: str) -> None:
    """``key`` (c, u) on the node under the cursor, then OK (Cancel has the focus, as in k9s)."""
    await w.press(key)
    assert isinstance(w.app.screen, ConfirmDialog)
    await w.confirm()


async def test_walk_08_watch(tmp_path: Path) -> None:
    async with Walk(tmp_path, "08-scheduling") as w:
        # Watch: `:pods`, `:ns scheduling`, ctrl+w: the NODE of each pod
        await w.command("pods")
        await w.command("ns scheduling")
        await w.wait(30, step=5)
        await w.press("ctrl+w")
        assert "NODE" in w.screen()
        assert node_of(w, "pinned") == "k9play-worker2"
        assert node_of(w, "ssd-app") == "k9play-ssd"
        assert node_of(w, "on-control-plane") == "k9play-control-plane"
        assert node_of(w, "affinity-app") == "k9play-worker2"
        assert sorted(node_of(w, p) for p in spread_pods(w)) == ["k9play-worker", "k9play-worker2"]
        assert w.row("too-big").split()[2] == "Pending" and node_of(w, "too-big") == "<none>"
        await w.press("ctrl+w")

        # `:nodes`, `enter` on a node: the pods on it; `d`: labels, taints, allocated resources
        await w.command("nodes")
        await w.cursor_to("k9play-ssd")
        await w.press("enter")
        assert "</node=k9play-ssd>" in w.screen() and w.row("ssd-app")
        await w.press("escape", "d")
        text = w.screen()
        assert "disktype=ssd" in text and "Taints:             dedicated=ssd:NoSchedule" in text
        await w.press("end")
        assert "Allocated resources:" in w.screen()
        await w.home()

        # `d` on too-big: the "why pending" pane and the FailedScheduling event
        await w.command("pods scheduling")
        await w.cursor_to("too-big")
        await w.press("d")
        text = w.screen()
        assert "why pending" in text
        assert "0/4 nodes are available: 2 Insufficient cpu, 2 node(s) had untolerated taint(s)" in text
        await w.press("end")
        assert "FailedScheduling" in w.screen()
        await w.home()



async def test_walk_08_break_pods(tmp_path: Path) -> None:
    async with Walk(tmp_path, "08-scheduling") as w:
        store = w.cluster.store
        await w.command("pods")
        await w.command("ns scheduling")
        await w.wait(30, step=5)
        # Break: remove ssd-app's toleration, delete the pod and save: Pending, the taint is why
        await w.cursor_to("ssd-app")
        await w.press("ctrl+d")
        assert isinstance(w.app.screen, DeleteDialog)
        await w.press("tab", "enter")
        await w.wait(5)
        assert not w.row("ssd-app")
        toleration = "  tolerations:\n  - key: dedicated\n    operator: Equal\n    value: ssd\n    effect: NoSchedule\n"
        await w.save("08-scheduling/node-selector-and-tolerations.yaml", toleration, "")
        assert w.flash().startswith("pod/ssd-app created")
        await w.wait(5)
        assert w.row("ssd-app").split()[2] == "Pending"
        await w.cursor_to("ssd-app")
        await w.press("d")
        pending = w.screen().split("why pending")[1]
        assert "k9play-ssd            TaintToleration" in pending and "↳ taint dedicated=ssd:NoSchedule" in pending
        await w.home()
        # put the toleration back and save: a pod may gain tolerations in place, so it schedules now
        selector = "  nodeSelector:\n    disktype: ssd\n"
        await w.save("08-scheduling/node-selector-and-tolerations.yaml", selector, selector + toleration)
        assert w.flash() == "pod/ssd-app configured"
        await w.wait(10)
        assert w.row("ssd-app").split()[1:3] == ["1/1", "Running"]

        # set too-big's CPU to "1", delete the pod and save: scheduled at once
        await w.cursor_to("too-big")
        await w.press("ctrl+d")
        await w.press("tab", "enter")
        await w.wait(2)
        assert not w.row("too-big")
        await w.save("08-scheduling/too-big.yaml", 'cpu: "6"', 'cpu: "1"')
        await w.wait(1)
        assert store.get("Pod", "too-big", "scheduling")["spec"].get("nodeName")
        await w.wait(5)
        assert w.row("too-big").split()[1:3] == ["1/1", "Running"]

        # `:nodes`, `c` cordons k9play-worker2; its spread pod's replacement stays Pending; `u` uncordons
        await w.command("nodes")
        await w.cursor_to("k9play-worker2")
        await confirm(w, "c")
        assert "node/k9play-worker2 cordoned" in w.flash()
        assert w.row("k9play-worker2").split()[1] == "Ready,SchedulingDisabled"
        await w.press("enter")
        on_worker2 = next(p for p in spread_pods(w) if w.row(p))
        await w.cursor_to(on_worker2)
        await w.press("ctrl+k")
        await w.wait(5)
        await w.command("pods scheduling")
        replacement = next(p for p in spread_pods(w) if p != on_worker2 and w.row(p).split()[2] == "Pending")
        await w.cursor_to(replacement)
        await w.press("d")
        assert "1 node(s) were unschedulable" in w.screen()
        await w.home()
        await w.command("nodes")
        await w.cursor_to("k9play-worker2")
        await confirm(w, "u")
        assert w.row("k9play-worker2").split()[1] == "Ready"
        await w.wait(10)
        assert store.get("Pod", replacement, "scheduling")["spec"]["nodeName"] == "k9play-worker2"



async def test_walk_08_break_nodes(tmp_path: Path) -> None:
    async with Walk(tmp_path, "08-scheduling") as w:
        store = w.cluster.store
        await w.command("pods")
        await w.command("ns scheduling")
        await w.wait(30, step=5)
        # `r` drains k9play-worker2: refused without Ignore DaemonSets and Force, as kubectl does
        await w.command("nodes")
        await w.cursor_to("k9play-worker2")
        await w.press("r")
        assert isinstance(w.app.screen, DrainDialog)
        await w.press("tab", "tab", "tab", "tab", "tab", "tab", "enter")  # OK with the defaults
        text = w.screen()
        assert "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore)" in text
        assert "cannot delete Pods that declare no controller (use --force to override)" in text
        await w.home()
        await w.press("r")
        await w.press("tab", "tab", "space", "tab", "tab", "space")  # Ignore DaemonSets, Force
        assert [c.value for c in w.app.screen.query(Checkbox)] == [True, False, True]
        await w.press("tab", "tab", "enter")
        await w.wait(40, step=5)
        assert store.try_get("Pod", "pinned", "scheduling") is None  # bare pods: gone for good
        assert store.try_get("Pod", "affinity-app", "scheduling") is None
        await w.home()
        await w.command("pods scheduling")
        assert [w.row(p).split()[2] for p in spread_pods(w)].count("Pending") == 1  # anti-affinity
        dns = [p for p in store.list("Pod", "kube-system") if p["metadata"]["name"].startswith("coredns-")]
        assert len(dns) == 2 and all(p["spec"].get("nodeName") not in (None, "k9play-worker2") for p in dns)
        await w.command("nodes")
        await w.cursor_to("k9play-worker2")
        await confirm(w, "u")

        # `!` → node-down on a worker: NotReady after the 50 s grace period, pods evicted 5 min later
        await w.cursor_to("k9play-worker")
        await w.press("exclamation_mark")
        await w.pick("node-down")
        on_worker = [p for p in store.list("Pod", "scheduling") if p["spec"].get("nodeName") == "k9play-worker"]
        assert on_worker
        await w.wait(45, step=5)
        assert w.row("k9play-worker").split()[1] == "Ready"
        await w.wait(10)
        assert w.row("k9play-worker").split()[1] == "NotReady"
        await w.wait(290, step=10)
        assert all(not store.get("Pod", p["metadata"]["name"], "scheduling")["metadata"].get("deletionTimestamp")
                   for p in on_worker), "tolerated for 300 s"
        await w.wait(15, step=5)
        assert all(store.get("Pod", p["metadata"]["name"], "scheduling")["metadata"].get("deletionTimestamp")
                   for p in on_worker), "evicted"

        # delete ssd-node.yaml: the node goes, and so does ssd-app
        w.path("08-scheduling/ssd-node.yaml").unlink()
        await w.save("08-scheduling/ssd-node.yaml")
        assert w.flash() == "node/k9play-ssd deleted"
        await w.wait(60, step=5)
        assert not w.row("k9play-ssd")
        assert store.try_get("Pod", "ssd-app", "scheduling") is None
