"""sample-manifests/09-controllers/README.md, walked as a new user: the Watch, Try and Break
steps in order, on the manual clock, asserting what the README promises on screen."""

from __future__ import annotations

from pathlib import Path

from k9play.tui.app import K9playApp
from k9play.tui.screens.dialogs import ConfirmDialog, DeleteDialog, ScaleDialog
from k9play.tui.screens.fault_actions import LoadDialog
from k9play.tui.screens.logs import LogsScreen
from k9play.tui.screens.rollout import RolloutScreen

from .helpers import screen_text
from .sample_walk import SIZE, advance, chapter_app, command, flash, home, pick, row, save, select
from .test_logs import log_lines

NS = "controllers"


def pods(app: K9playApp, prefix: str, *, live: bool = True) -> list[dict]:  # type: ignore[type-arg]
    """The pods whose name starts with ``prefix`` (``live``: not terminating)."""
    return [p for p in app.cluster.store.list("Pod", NS) if p["metadata"]["name"].startswith(prefix)
            and not (live and p["metadata"].get("deletionTimestamp"))]


def owner_kind(pod: dict) -> str:  # type: ignore[type-arg]
    return str((pod["metadata"].get("ownerReferences") or [{}])[0].get("kind", ""))


async def ok(app: K9playApp, pilot) -> None:  # type: ignore[no-untyped-def]
    """OK in a confirm dialog (Cancel has the focus, as in k9s)."""
    assert isinstance(app.screen, ConfirmDialog | DeleteDialog)
    await pilot.press("tab", "enter")
    await pilot.pause()


async def scale(app: K9playApp, pilot, replicas: int) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("s")
    await pilot.pause()
    assert isinstance(app.screen, ScaleDialog)
    await pilot.press("ctrl+u", *str(replicas), "enter")
    await pilot.pause()


async def test_walk_09_watch(tmp_path: Path) -> None:
    app, _ = chapter_app(tmp_path, "09-controllers")
    async with app.run_test(size=SIZE) as pilot:
        await advance(app, pilot, 40, step=5)
        # `:xray deploy controllers` / `:xray sts controllers`: owner trees down to containers
        await command(pilot, "xray deploy controllers")
        text = screen_text(app)
        assert "dp rolling-demo [3/3]" in text and "rs rolling-demo-" in text and "co nginx [nginx:1.27.0" in text
        await command(pilot, "xray sts controllers")
        text = screen_text(app)
        assert "sts web [2/2]" in text and "po web-1 [1/1 Running]" in text and "pvc www-web-1 [Bound]" in text

        # `:jobs` → `l` on pi: π to 2000 digits
        await command(pilot, "jobs")
        assert row(app, "pi").split()[1:3] == ["Complete", "1/1"]
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, LogsScreen)
        assert log_lines(app)[0].startswith("3.14159265358979323846") and len(log_lines(app)[0]) == 2001
        await home(app, pilot)

        # `:cj` → `enter` on hello lists its Jobs, `t` triggers one now, `s` suspends it
        await advance(app, pilot, 30, step=5)  # a minute boundary has passed: the first scheduled Job
        await command(pilot, "cj")
        await pilot.press("enter")
        await pilot.pause()
        assert "</cronjob=hello>" in screen_text(app) and row(app, pods(app, "hello-")[0]["metadata"]["name"][:14])
        await pilot.press("escape", "t")
        await pilot.pause()
        await ok(app, pilot)
        await advance(app, pilot, 5)
        assert any(j["metadata"]["name"].startswith("hello-manual-") for j in app.cluster.store.list("Job", NS))
        await pilot.press("s")
        await pilot.pause()
        await ok(app, pilot)
        assert row(app, "hello").split()[7] == "True"  # SUSPEND, after the five fields of the schedule

        # `:ds`: DESIRED 3 — `:nodes`, `enter` on each node shows one node-agent pod
        await command(pilot, "ds")
        assert row(app, "node-agent").split()[1:4] == ["3", "3", "3"]
        for node in ("k9play-control-plane", "k9play-worker", "k9play-worker2"):
            await command(pilot, "nodes")
            await select(app, pilot, node)
            await pilot.press("enter")
            await pilot.pause()
            assert [line for line in screen_text(app).splitlines() if " node-agent-" in line].__len__() == 1, node

        # `:sts`, `:pvc`: www-web-0 and www-web-1 are Bound
        await command(pilot, f"sts {NS}")
        assert row(app, "web").split()[1] == "2/2"
        await command(pilot, "pvc")
        assert row(app, "www-web-0").split()[1] == "Bound" and row(app, "www-web-1").split()[1] == "Bound"


async def test_walk_09_try(tmp_path: Path) -> None:
    app, base = chapter_app(tmp_path, "09-controllers")
    chapter = base / "09-controllers"
    store = app.cluster.store
    async with app.run_test(size=SIZE) as pilot:
        await advance(app, pilot, 40, step=5)
        # Strategies: both images to nginx:1.27.1, save; Recreate drops to 0, RollingUpdate never below 3
        await command(pilot, f"deploy {NS}")
        await save(app, pilot, chapter / "deployment-strategies.yaml", "image: nginx:1.27.0", "image: nginx:1.27.1")
        assert flash(app) == "deployment.apps/recreate-demo configured, deployment.apps/rolling-demo configured"
        old_rs = {p["metadata"]["labels"]["pod-template-hash"] for p in pods(app, "recreate-demo-")}
        overlap, rolling_available = [], []
        for tick in range(110):
            await advance(app, pilot, 0.1 if tick < 30 else 1)
            hashes = {p["metadata"]["labels"]["pod-template-hash"] for p in pods(app, "recreate-demo-", live=False)}
            overlap.append(len(hashes) > 1)  # old and new pods at once
            rolling_available.append(store.get("Deployment", "rolling-demo", NS)["status"].get("availableReplicas", 0))
        assert not any(overlap), "Recreate: every old pod is gone before a new one is made"
        assert {p["metadata"]["labels"]["pod-template-hash"] for p in pods(app, "recreate-demo-")}.isdisjoint(old_rs)
        assert min(rolling_available) >= 3
        await select(app, pilot, "recreate-demo")
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, RolloutScreen)
        text = screen_text(app)
        assert "Strategy  Recreate" in text
        assert text.index("Scaled down replica set recreate-demo-") < text.rindex("from 0 to 2")
        await home(app, pilot)
        await select(app, pilot, "rolling-demo")
        await pilot.press("o")
        await pilot.pause()
        assert "max surge 1, max unavailable 0" in screen_text(app)
        assert {p["spec"]["containers"][0]["image"] for p in pods(app, "rolling-demo-")} == {"nginx:1.27.1"}
        await home(app, pilot)

        # Canary by pausing: change the image, save, within a few seconds `paused: true`, save again
        strategies = chapter / "deployment-strategies.yaml"
        text = strategies.read_text()
        at = text.index("name: rolling-demo")
        strategies.write_text(text[:at] + text[at:].replace("image: nginx:1.27.1", "image: nginx:1.27.2"))
        await save(app, pilot, strategies)
        await advance(app, pilot, 3)
        await save(app, pilot, strategies, "spec:\n  replicas: 3\n", "spec:\n  paused: true\n  replicas: 3\n")
        await advance(app, pilot, 60, step=5)
        images = sorted(p["spec"]["containers"][0]["image"] for p in pods(app, "rolling-demo-"))
        assert images == ["nginx:1.27.1"] * 3 + ["nginx:1.27.2"], images
        await select(app, pilot, "rolling-demo")
        await pilot.press("o")
        await pilot.pause()
        assert "(paused)" in screen_text(app) and "DeploymentPaused" in screen_text(app)
        await home(app, pilot)
        await save(app, pilot, strategies, "  paused: true\n", "")
        await advance(app, pilot, 90, step=5)
        images = sorted(p["spec"]["containers"][0]["image"] for p in pods(app, "rolling-demo-"))
        assert images == ["nginx:1.27.2"] * 3, images

        # Canary with two deployments: shop-stable to 1.27.1, `s` scales shop-canary to 0
        canary = chapter / "canary.yaml"
        text = canary.read_text()
        canary.write_text(text.replace("        image: nginx:1.27.0", "        image: nginx:1.27.1"))
        await save(app, pilot, canary)
        assert flash(app) == "deployment.apps/shop-stable configured"
        await select(app, pilot, "shop-canary")
        await scale(app, pilot, 0)
        await advance(app, pilot, 40, step=5)
        assert row(app, "shop-canary").split()[1] == "0/0"
        assert {p["spec"]["containers"][0]["image"] for p in pods(app, "shop-")} == {"nginx:1.27.1"}

        # Autoscaling: `!` on php-apache → load CPU… 400m; `:hpa` 200%/50%, then 4 replicas at 50%
        await select(app, pilot, "php-apache")
        await pilot.press("exclamation_mark")
        await pilot.pause()
        await pick(app, pilot, "load CPU…")
        assert isinstance(app.screen, LoadDialog)
        await pilot.press("ctrl+u", *"400m", "enter")
        await pilot.pause()
        await command(pilot, "hpa")
        await advance(app, pilot, 15)
        assert "cpu: 200%/50%" in row(app, "php-apache")
        await advance(app, pilot, 45, step=5)
        assert "cpu: 50%/50%" in row(app, "php-apache") and row(app, "php-apache").split()[-2] == "4"
        await command(pilot, "deploy")
        await select(app, pilot, "php-apache")
        await pilot.press("exclamation_mark")
        await pilot.pause()
        await pick(app, pilot, "load CPU…")
        await pilot.press("ctrl+u", "0", "enter")
        await pilot.pause()
        await command(pilot, "hpa")
        await advance(app, pilot, 240, step=10)
        assert row(app, "php-apache").split()[-2] == "4", "within the 5-minute stabilization window"
        await advance(app, pilot, 90, step=10)
        assert row(app, "php-apache").split()[-2] == "1"

        # Self-healing: ctrl+k a StatefulSet pod: the replacement keeps its name and its claim
        await command(pilot, f"pods {NS}")
        uid = store.get("Pod", "web-0", NS)["metadata"]["uid"]
        await select(app, pilot, "web-0")
        await pilot.press("ctrl+k")
        await advance(app, pilot, 15)
        web0 = store.get("Pod", "web-0", NS)
        assert web0["metadata"]["uid"] != uid and row(app, "web-0").split()[1:3] == ["1/1", "Running"]
        assert [v["persistentVolumeClaim"]["claimName"] for v in web0["spec"]["volumes"]
                if "persistentVolumeClaim" in v] == ["www-web-0"]


async def test_walk_09_break(tmp_path: Path) -> None:
    app, base = chapter_app(tmp_path, "09-controllers")
    chapter = base / "09-controllers"
    store = app.cluster.store
    async with app.run_test(size=SIZE) as pilot:
        await advance(app, pilot, 40, step=5)
        # `s` on web to 4: pods start in order; then 2: they go in reverse order, one at a time
        await command(pilot, f"sts {NS}")
        await scale(app, pilot, 4)
        await command(pilot, "pods")
        seen_up = []
        for _ in range(40):
            await advance(app, pilot, 1)
            seen_up.extend(n for n in ("web-2", "web-3") if row(app, n) and n not in seen_up)
        assert seen_up == ["web-2", "web-3"]
        await command(pilot, "sts")
        await scale(app, pilot, 2)
        await command(pilot, "pods")
        terminating = []
        for _ in range(14):
            await advance(app, pilot, 1)
            now = [n for n in ("web-2", "web-3") if "Terminating" in row(app, n)]
            assert len(now) <= 1, now  # one at a time
            if now and (not terminating or terminating[-1] != now[0]):
                terminating.extend(now)
        assert terminating == ["web-3", "web-2"]
        assert not row(app, "web-2") and not row(app, "web-3")
        await command(pilot, "pvc")
        assert row(app, "www-web-2") and row(app, "www-web-3")

        # pi's command `exit 1`, delete the Job and save: retries with back-off, then BackoffLimitExceeded
        await command(pilot, "jobs")
        await select(app, pilot, "pi")
        await pilot.press("ctrl+d")
        await pilot.pause()
        await ok(app, pilot)
        await advance(app, pilot, 5)
        assert not row(app, "pi")
        await save(app, pilot, chapter / "job.yaml", '["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"]',
                   '["sh", "-c", "exit 1"]')
        assert flash(app) == "job.batch/pi created"
        await advance(app, pilot, 60, step=5)
        assert row(app, "pi").split()[1] == "Running" and 1 < len(pods(app, "pi-", live=False)) < 5
        await advance(app, pilot, 240, step=10)
        assert row(app, "pi").split()[1] == "Failed"
        assert len(pods(app, "pi-", live=False)) == 5  # the first try and backoffLimit (4) retries
        conditions = {c["type"]: c for c in store.get("Job", "pi", NS)["status"]["conditions"]}
        assert conditions["Failed"]["reason"] == "BackoffLimitExceeded"

        # `!` → node-down on k9play-worker: the DaemonSet pod stays; Deployment pods move after the timeout
        moved = [p["metadata"]["name"] for p in pods(app, "") if p["spec"].get("nodeName") == "k9play-worker"
                 and owner_kind(p) == "ReplicaSet"]
        assert moved
        agent = next(p["metadata"]["name"] for p in pods(app, "node-agent-")
                     if p["spec"]["nodeName"] == "k9play-worker")
        await command(pilot, "nodes")
        await select(app, pilot, "k9play-worker")
        await pilot.press("exclamation_mark")
        await pilot.pause()
        await pick(app, pilot, "node-down")
        await advance(app, pilot, 60 + 300 + 30, step=15)
        assert "NotReady" in row(app, "k9play-worker")
        agent_pod = store.get("Pod", agent, NS)
        assert not agent_pod["metadata"].get("deletionTimestamp")  # it belongs to that node
        assert all(store.get("Pod", n, NS)["metadata"].get("deletionTimestamp") for n in moved)
        for deploy in store.list("Deployment", NS):  # re-created elsewhere, all ready again
            assert deploy["status"].get("readyReplicas", 0) == deploy["spec"]["replicas"], deploy["metadata"]["name"]
        assert not [p for p in pods(app, "") if p["spec"].get("nodeName") == "k9play-worker"
                    and owner_kind(p) == "ReplicaSet"]
