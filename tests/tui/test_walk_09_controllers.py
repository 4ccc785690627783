"""sample-manifests/09-controllers/README.md, walked as a new user: the Watch, Try and Break
steps in order, on the manual clock, asserting what the README promises on screen."""

from __future__ import annotations

from pathlib import Path

from k9play.tui.screens.dialogs import ConfirmDialog, DeleteDialog, ScaleDialog
from k9play.tui.screens.fault_actions import LoadDialog
from k9play.tui.screens.logs import LogsScreen
from k9play.tui.screens.rollout import RolloutScreen

from .test_logs import log_lines
from .walk import Walk

NS = "controllers"


def pods(w: Walk, prefix: str, *, live: bool = True) -> list[dict]:  # type: ignore[type-arg]
    """The pods whose name starts with ``prefix`` (``live``: not terminating)."""
    return [p for p in w.cluster.store.list("Pod", NS) if p["metadata"]["name"].startswith(prefix)
            and not (live and p["metadata"].get("deletionTimestamp"))]


def owner_kind(pod: dict) -> str:  # type: ignore[type-arg]
    return str((pod["metadata"].get("ownerReferences") or [{}])[0].get("kind", ""))


async def ok(w: Walk) -> None:
    """OK in a confirm dialog (Cancel has the focus, as in k9s)."""
    assert isinstance(w.app.screen, ConfirmDialog | DeleteDialog)
    await w.confirm()


async def scale(w: Walk, replicas: int) -> None:
    await w.press("s")
    assert isinstance(w.app.screen, ScaleDialog)
    await w.press("ctrl+u", *str(replicas), "enter")


async def test_walk_09_watch(tmp_path: Path) -> None:
    async with Walk(tmp_path, "09-controllers") as w:
        await w.wait(40, step=5)
        # `:xray deploy controllers` / `:xray sts controllers`: owner trees down to containers
        await w.command("xray deploy controllers")
        text = w.screen()
        assert "dp rolling-demo [3/3]" in text and "rs rolling-demo-" in text and "co nginx [nginx:1.27.0" in text
        await w.command("xray sts controllers")
        text = w.screen()
        assert "sts web [2/2]" in text and "po web-1 [1/1 Running]" in text and "pvc www-web-1 [Bound]" in text

        # `:jobs` → `l` on pi: π to 2000 digits
        await w.command("jobs")
        assert w.row("pi").split()[1:3] == ["Complete", "1/1"]
        await w.press("l")
        assert isinstance(w.app.screen, LogsScreen)
        assert log_lines(w.app)[0].startswith("3.14159265358979323846") and len(log_lines(w.app)[0]) == 2001
        await w.home()

        # `:cj` → `enter` on hello lists its Jobs, `t` triggers one now, `s` suspends it
        await w.wait(30, step=5)  # a minute boundary has passed: the first scheduled Job
        await w.command("cj")
        await w.press("enter")
        assert "</cronjob=hello>" in w.screen() and w.row(pods(w, "hello-")[0]["metadata"]["name"][:14])
        await w.press("escape", "t")
        await ok(w)
        await w.wait(5)
        assert any(j["metadata"]["name"].startswith("hello-manual-") for j in w.cluster.store.list("Job", NS))
        await w.press("s")
        await ok(w)
        assert w.row("hello").split()[7] == "True"  # SUSPEND, after the five fields of the schedule

        # `:ds`: DESIRED 3 — `:nodes`, `enter` on each node shows one node-agent pod
        await w.command("ds")
        assert w.row("node-agent").split()[1:4] == ["3", "3", "3"]
        for node in ("k9play-control-plane", "k9play-worker", "k9play-worker2"):
            await w.command("nodes")
            await w.cursor_to(node)
            await w.press("enter")
            assert [line for line in w.screen().splitlines() if " node-agent-" in line].__len__() == 1, node

        # `:sts`, `:pvc`: www-web-0 and www-web-1 are Bound
        await w.command(f"sts {NS}")
        assert w.row("web").split()[1] == "2/2"
        await w.command("pvc")
        assert w.row("www-web-0").split()[1] == "Bound" and w.row("www-web-1").split()[1] == "Bound"


async def test_walk_09_try(tmp_path: Path) -> None:
    async with Walk(tmp_path, "09-controllers") as w:
        store = w.cluster.store
        await w.wait(40, step=5)
        # Strategies: both images to nginx:1.27.1, save; Recreate drops to 0, RollingUpdate never below 3
        await w.command(f"deploy {NS}")
        await w.save("09-controllers/deployment-strategies.yaml", "image: nginx:1.27.0", "image: nginx:1.27.1")
        assert w.flash() == "deployment.apps/recreate-demo configured, deployment.apps/rolling-demo configured"
        old_rs = {p["metadata"]["labels"]["pod-template-hash"] for p in pods(w, "recreate-demo-")}
        overlap, rolling_available = [], []
        for tick in range(110):
            await w.wait(0.1 if tick < 30 else 1)
            hashes = {p["metadata"]["labels"]["pod-template-hash"] for p in pods(w, "recreate-demo-", live=False)}
            overlap.append(len(hashes) > 1)  # old and new pods at once
            rolling_available.append(store.get("Deployment", "rolling-demo", NS)["status"].get("availableReplicas", 0))
        assert not any(overlap), "Recreate: every old pod is gone before a new one is made"
        assert {p["metadata"]["labels"]["pod-template-hash"] for p in pods(w, "recreate-demo-")}.isdisjoint(old_rs)
        assert min(rolling_available) >= 3
        await w.cursor_to("recreate-demo")
        await w.press("o")
        assert isinstance(w.app.screen, RolloutScreen)
        text = w.screen()
        assert "Strategy  Recreate" in text
        assert text.index("Scaled down replica set recreate-demo-") < text.rindex("from 0 to 2")
        await w.home()
        await w.cursor_to("rolling-demo")
        await w.press("o")
        assert "max surge 1, max unavailable 0" in w.screen()
        assert {p["spec"]["containers"][0]["image"] for p in pods(w, "rolling-demo-")} == {"nginx:1.27.1"}
        await w.home()

        # Canary by pausing: change the image, save, within a few seconds `paused: true`, save again
        strategies = "09-controllers/deployment-strategies.yaml"
        text = w.path(strategies).read_text()
        at = text.index("name: rolling-demo")
        w.path(strategies).write_text(text[:at] + text[at:].replace("image: nginx:1.27.1", "image: nginx:1.27.2"))
        await w.save(strategies)
        await w.wait(3)
        await w.save(strategies, "spec:\n  replicas: 3\n", "spec:\n  paused: true\n  replicas: 3\n")
        await w.wait(60, step=5)
        images = sorted(p["spec"]["containers"][0]["image"] for p in pods(w, "rolling-demo-"))
        assert images == ["nginx:1.27.1"] * 3 + ["nginx:1.27.2"], images
        await w.cursor_to("rolling-demo")
        await w.press("o")
        assert "(paused)" in w.screen() and "DeploymentPaused" in w.screen()
        await w.home()
        await w.save(strategies, "  paused: true\n", "")
        await w.wait(90, step=5)
        images = sorted(p["spec"]["containers"][0]["image"] for p in pods(w, "rolling-demo-"))
        assert images == ["nginx:1.27.2"] * 3, images

        # Canary with two deployments: shop-stable to 1.27.1, `s` scales shop-canary to 0
        canary = "09-controllers/canary.yaml"
        await w.save(canary, "        image: nginx:1.27.0", "        image: nginx:1.27.1")
        assert w.flash() == "deployment.apps/shop-stable configured"
        await w.cursor_to("shop-canary")
        await scale(w, 0)
        await w.wait(40, step=5)
        assert w.row("shop-canary").split()[1] == "0/0"
        assert {p["spec"]["containers"][0]["image"] for p in pods(w, "shop-")} == {"nginx:1.27.1"}

        # Autoscaling: `!` on php-apache → load CPU… 400m; `:hpa` 200%/50%, then 4 replicas at 50%
        await w.cursor_to("php-apache")
        await w.press("exclamation_mark")
        await w.pick("load CPU…")
        assert isinstance(w.app.screen, LoadDialog)
        await w.press("ctrl+u", *"400m", "enter")
        await w.command("hpa")
        await w.wait(15)
        assert "cpu: 200%/50%" in w.row("php-apache")
        await w.wait(45, step=5)
        assert "cpu: 50%/50%" in w.row("php-apache") and w.row("php-apache").split()[-2] == "4"
        await w.command("deploy")
        await w.cursor_to("php-apache")
        await w.press("exclamation_mark")
        await w.pick("load CPU…")
        await w.press("ctrl+u", "0", "enter")
        await w.command("hpa")
        await w.wait(240, step=10)
        assert w.row("php-apache").split()[-2] == "4", "within the 5-minute stabilization window"
        await w.wait(90, step=10)
        assert w.row("php-apache").split()[-2] == "1"

        # Self-healing: ctrl+k a StatefulSet pod: the replacement keeps its name and its claim
        await w.command(f"pods {NS}")
        uid = store.get("Pod", "web-0", NS)["metadata"]["uid"]
        await w.cursor_to("web-0")
        await w.press("ctrl+k")
        await w.wait(15)
        web0 = store.get("Pod", "web-0", NS)
        assert web0["metadata"]["uid"] != uid and w.row("web-0").split()[1:3] == ["1/1", "Running"]
        assert [v["persistentVolumeClaim"]["claimName"] for v in web0["spec"]["volumes"]
                if "persistentVolumeClaim" in v] == ["www-web-0"]


async def test_walk_09_break(tmp_path: Path) -> None:
    async with Walk(tmp_path, "09-controllers") as w:
        store = w.cluster.store
        await w.wait(40, step=5)
        # `s` on web to 4: pods start in order; then 2: they go in reverse order, one at a time
        await w.command(f"sts {NS}")
        await scale(w, 4)
        await w.command("pods")
        seen_up = []
        for _ in range(40):
            await w.wait(1)
            seen_up.extend(n for n in ("web-2", "web-3") if w.row(n) and n not in seen_up)
        assert seen_up == ["web-2", "web-3"]
        await w.command("sts")
        await scale(w, 2)
        await w.command("pods")
        terminating = []
        for _ in range(14):
            await w.wait(1)
            now = [n for n in ("web-2", "web-3") if "Terminating" in w.row(n)]
            assert len(now) <= 1, now  # one at a time
            if now and (not terminating or terminating[-1] != now[0]):
                terminating.extend(now)
        assert terminating == ["web-3", "web-2"]
        assert not w.row("web-2") and not w.row("web-3")
        await w.command("pvc")
        assert w.row("www-web-2") and w.row("www-web-3")

        # pi's command `exit 1`, delete the Job and save: retries with back-off, then BackoffLimitExceeded
        await w.command("jobs")
        await w.cursor_to("pi")
        await w.press("ctrl+d")
        await ok(w)
        await w.wait(5)
        assert not w.row("pi")
        await w.save("09-controllers/job.yaml", '["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"]',
                     '["sh", "-c", "exit 1"]')
        assert w.flash() == "job.batch/pi created"
        await w.wait(60, step=5)
        assert w.row("pi").split()[1] == "Running" and 1 < len(pods(w, "pi-", live=False)) < 5
        await w.wait(240, step=10)
        assert w.row("pi").split()[1] == "Failed"
        assert len(pods(w, "pi-", live=False)) == 5  # the first try and backoffLimit (4) retries
        conditions = {c["type"]: c for c in store.get("Job", "pi", NS)["status"]["conditions"]}
        assert conditions["Failed"]["reason"] == "BackoffLimitExceeded"

        # `!` → node-down on k9play-worker: the DaemonSet pod stays; Deployment pods move after the timeout
        moved = [p["metadata"]["name"] for p in pods(w, "") if p["spec"].get("nodeName") == "k9play-worker"
                 and owner_kind(p) == "ReplicaSet"]
        assert moved
        agent = next(p["metadata"]["name"] for p in pods(w, "node-agent-")
                     if p["spec"]["nodeName"] == "k9play-worker")
        await w.command("nodes")
        await w.cursor_to("k9play-worker")
        await w.press("exclamation_mark")
        await w.pick("node-down")
        await w.wait(60 + 300 + 30, step=15)
        assert "NotReady" in w.row("k9play-worker")
        agent_pod = store.get("Pod", agent, NS)
        assert not agent_pod["metadata"].get("deletionTimestamp")  # it belongs to that node
        assert all(store.get("Pod", n, NS)["metadata"].get("deletionTimestamp") for n in moved)
        for deploy in store.list("Deployment", NS):  # re-created elsewhere, all ready again
            assert deploy["status"].get("readyReplicas", 0) == deploy["spec"]["replicas"], deploy["metadata"]["name"]
        assert not [p for p in pods(w, "") if p["spec"].get("nodeName") == "k9play-worker"
                    and owner_kind(p) == "ReplicaSet"]
