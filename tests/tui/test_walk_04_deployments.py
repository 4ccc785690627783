"""sample-manifests/04-deployments/README.md, walked in the TUI: every Watch and Break-it step
in order, with the keys, commands and saves it names, checked against what it promises."""

from __future__ import annotations

from pathlib import Path

from k9play.api.meta import Obj
from k9play.clock import MANUAL_EPOCH, VirtualClock
from k9play.cluster import Cluster

from .walk import Walk

DEPLOY = "04-deployments/nginx-deployment.yaml"


def nginx_pods(w: Walk) -> list[Obj]:
    return [p for p in w.cluster.store.list("Pod", "dev") if p["metadata"]["name"].startswith("nginx-")
            and not p["metadata"].get("deletionTimestamp")]


def ready(pod: Obj) -> bool:
    return any(c["type"] == "Ready" and c["status"] == "True" for c in (pod.get("status") or {}).get("conditions", []))


def replica_sets(w: Walk) -> dict[str, Obj]:
    return {rs["metadata"]["name"]: rs for rs in w.cluster.store.list("ReplicaSet", "dev")}


async def test_walk_04_watch(tmp_path: Path) -> None:
    async with Walk(tmp_path, "01-namespaces", "04-deployments") as w:
        await w.wait(20)
        # Watch: `:deploy`, `:ns dev`: READY 3/3; enter → its pods; :rs; :xray deploy dev
        await w.command("deploy")
        await w.command("ns dev")
        assert "deployments(dev)[1]" in w.screen() and "3/3" in w.row("nginx")
        await w.press("enter")
        assert "pods(dev)[3] </app=nginx>" in w.screen()
        assert all("Running" in w.row(p["metadata"]["name"]) for p in nginx_pods(w))
        await w.command("rs")
        (first_rs,) = replica_sets(w)
        assert first_rs.startswith("nginx-") and w.row(first_rs).split()[1:4] == ["3", "3", "3"]
        await w.command("xray deploy dev")
        assert "dp nginx [3/3]" in w.screen() and f"rs {first_rs} [3/3]" in w.screen()

        # `o` opens the rollout pane
        await w.command("deploy")
        await w.press("o")
        assert "rollout(dev/nginx)" in w.screen()
        assert "Strategy  RollingUpdate  max surge 1, max unavailable 0" in w.screen()
        assert "(complete)" in w.screen() and f"Scaled up replica set {first_rs} from 0 to 3" in w.screen()

        # `s` scales it: 5, then 1
        await w.press("escape", "s")
        assert "Scale deployment dev/nginx?" in w.screen()
        await w.fill("5")
        await w.wait(10)
        assert "5/5" in w.row("nginx") and len(nginx_pods(w)) == 5
        await w.press("s")
        await w.fill("1")
        await w.wait(5)
        assert "1/1" in w.row("nginx") and len(nginx_pods(w)) == 1

        # nginx:1.27.1 and save: a rolling update, one new pod at a time (maxSurge 1, maxUnavailable 0)
        await w.press("o")
        await w.save(DEPLOY, "image: nginx:1.27.0 ", "image: nginx:1.27.1 ")
        assert w.flash() == "deployment.apps/nginx configured"
        await w.wait(1)
        assert w.cluster.store.get("Deployment", "nginx", "dev")["spec"]["replicas"] == 3, "the file's replicas"
        for _ in range(30):
            await w.wait(1)
            pods = nginx_pods(w)
            assert len(pods) <= 4, "maxSurge 1"
            if "(complete)" in w.screen():
                break
        assert "NEW nginx-" in w.screen() and "rev 2" in w.screen() and "nginx:1.27.1" in w.screen()
        assert "3/3 new available, 0 old  (complete)" in w.screen()
        second_rs = next(n for n in replica_sets(w) if n != first_rs)

        # ctrl+l on the old ReplicaSet in :rs rolls back to its template
        await w.command("rs")
        await w.cursor_to(first_rs)
        await w.press("ctrl+l")
        assert f"Rollback replicasets dev/{first_rs}?" in w.screen()
        await w.confirm()
        assert w.flash() == "deployment.apps/nginx rolled back"
        await w.wait(20)
        assert w.row(first_rs).split()[1:4] == ["3", "3", "3"] and w.row(second_rs).split()[1:4] == ["0", "0", "0"]

        # `r` restarts every pod: a rollout with the same image
        await w.command("deploy")
        await w.press("r")
        assert "Restart deployment dev/nginx?" in w.screen()
        await w.confirm()
        assert w.flash() == "Restart in progress for dev/nginx..."
        await w.wait(20)
        third_rs = next(n for n in replica_sets(w) if n not in (first_rs, second_rs))
        assert {p["metadata"]["name"].rsplit("-", 1)[0] for p in nginx_pods(w)} == {third_rs}
        assert {p["spec"]["containers"][0]["image"] for p in nginx_pods(w)} == {"nginx:1.27.0"}



async def test_walk_04_break_it(tmp_path: Path) -> None:
    async with Walk(tmp_path, "01-namespaces", "04-deployments") as w:
        await w.wait(20)
        (first_rs,) = replica_sets(w)
        # ctrl+k on a pod: the ReplicaSet replaces it at once
        await w.command("pods")
        victim = nginx_pods(w)[0]["metadata"]["name"]
        await w.cursor_to(victim)
        await w.press("ctrl+k")
        await w.wait(2)
        names = {p["metadata"]["name"] for p in nginx_pods(w)}
        assert victim not in names and len(names) == 3 and f" {victim} " not in w.screen()

        # nginx:1.161: ImagePullBackOff, the old pods keep serving, ProgressDeadlineExceeded after 120 s
        await w.command("deploy")
        await w.save(DEPLOY, "image: nginx:1.27.0 ", "image: nginx:1.161 ")
        await w.wait(30)
        await w.command("pods")
        stuck = [p["metadata"]["name"] for p in nginx_pods(w) if p["spec"]["containers"][0]["image"] == "nginx:1.161"]
        assert len(stuck) == 1 and "ImagePullBackOff" in w.row(stuck[0])
        assert sum(ready(p) for p in nginx_pods(w)) == 3, "maxUnavailable 0: three old pods serve"
        await w.command("deploy")
        await w.press("o")
        await w.wait(100)
        assert "Progressing  False   ProgressDeadlineExceeded" in w.screen()
        await w.command("rs")
        await w.cursor_to(first_rs)
        await w.press("ctrl+l")
        await w.confirm()
        await w.wait(10)
        assert not [p for p in nginx_pods(w) if p["spec"]["containers"][0]["image"] == "nginx:1.161"]
        assert "ImagePullBackOff" not in w.screen()

        # Drain the worker with two nginx pods: Ignore DaemonSets, Force, a longer Timeout
        await w.command("pdb dev")
        assert w.row("nginx").split()[1:4] == ["2", "N/A", "1"], "MIN AVAILABLE 2, ALLOWED DISRUPTIONS 1"
        await w.command("pods")
        await w.press("ctrl+w")
        nodes = [p["spec"]["nodeName"] for p in nginx_pods(w)]
        node = max(set(nodes), key=nodes.count)
        assert nodes.count(node) == 2 and sum(node in w.row(p["metadata"]["name"]) for p in nginx_pods(w)) == 2
        await w.command("nodes")
        await w.cursor_to(node)
        await w.press("r")
        assert f"Drain {node}?" in w.screen()
        await w.press("tab")  # GracePeriod → Timeout
        await w.fill("60s", submit=False)
        await w.press("tab", "space", "tab", "tab", "space")  # Ignore DaemonSets, (Delete EmptyDir Data), Force
        await w.press("tab", "tab", "enter")  # Cancel, OK
        assert "Drain Progress" in w.screen()
        assert "would violate the pod's disruption budget" in w.screen(), "the second eviction is refused"
        assert f"node/{node} drained" not in w.screen()
        await w.wait(30)
        assert f"node/{node} drained" in w.screen() and w.flash() == f"node/{node} drained"
        assert node not in {p["spec"]["nodeName"] for p in nginx_pods(w)} and sum(ready(p) for p in nginx_pods(w)) == 3
        await w.press("escape")
        assert "SchedulingDisabled" in w.row(node)
        await w.press("u")
        await w.confirm()
        assert w.flash() == f"node/{node} uncordoned" and w.row(node) and "SchedulingDisabled" not in w.row(node)


async def test_walk_04_time_controls_slow_a_rollout_down(tmp_path: Path) -> None:
    """`ctrl+t` pauses simulated time, `.` steps one second, `>` fast-forwards. The clock is a
    real-time one whose wall clock never moves here, so only the keys move time."""
    clock = VirtualClock("realtime", start=MANUAL_EPOCH, monotonic=lambda: 1000.0)
    async with Walk(tmp_path, "01-namespaces", "04-deployments", cluster=Cluster(clock=clock).start()) as w:
        await w.press("ctrl+t")
        assert clock.paused and "⏸ 1x paused" in w.screen()
        await w.command("step 30s")
        await w.command("deploy")
        await w.command("ns dev")
        assert "3/3" in w.row("nginx")
        await w.press("o")
        await w.save(DEPLOY, "image: nginx:1.27.0 ", "image: nginx:1.27.1 ")
        seen: list[tuple[int, int]] = []
        for _ in range(40):
            before = clock.now()
            await w.press("full_stop")
            assert clock.now() == before + 1 and clock.paused, "one second, still paused"
            new = [p for p in nginx_pods(w) if p["spec"]["containers"][0]["image"] == "nginx:1.27.1"]
            seen.append((len(new), len(nginx_pods(w))))
            if "(complete)" in w.screen():
                break
        assert "3/3 new available, 0 old  (complete)" in w.screen()
        assert [n for n, _ in dict.fromkeys(seen)] == sorted(n for n, _ in dict.fromkeys(seen))
        assert {n for n, _ in seen} >= {1, 2, 3} and max(total for _, total in seen) == 4, "one new pod at a time"
        await w.press("greater_than_sign")
        assert clock.speed == 2 and "2x" in w.screen()
        await w.press("ctrl+t")
        assert not clock.paused and "▶ 2x running" in w.screen()
