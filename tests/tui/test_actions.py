"""Pilot tests for the k9s verbs: what the screen shows and what the store holds afterwards."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from k9play.api.meta import Obj
from k9play.cluster import Cluster
from k9play.kubectl.commands import Kubectl
from k9play.manifests.applier import apply_object
from k9play.tui import editor
from k9play.tui.app import K9playApp
from k9play.tui.screens import BrowserScreen
from k9play.tui.screens.dialogs import ConfirmDialog, DeleteDialog, DrainDialog, ImageDialog, ScaleDialog
from k9play.tui.screens.shell import ShellScreen
from k9play.tui.screens.text import TextScreen
from k9play.tui.widgets import ResourceTable

from .helpers import nginx_deployment, screen_text

SIZE = (120, 30)
AppFactory = Callable[[], K9playApp]


async def command(pilot: Pilot[None], text: str) -> None:
    await pilot.press("colon", *text, "enter")
    await pilot.pause()


async def settle(app: K9playApp, pilot: Pilot[None]) -> None:
    """What the real-time pump does after the clock moved: fold the store into the screens."""
    app.sync_screens()
    await pilot.pause()


def cursor(app: K9playApp) -> tuple[str, str]:
    key = app.screen.query_one(ResourceTable).cursor_key
    assert key is not None
    return key


def pods(cluster: Cluster, ns: str = "default") -> list[Obj]:
    return cluster.store.list("Pod", ns)


@pytest.fixture
def rolled_out(cluster: Cluster) -> Cluster:
    apply_object(cluster.store, nginx_deployment())
    cluster.advance_sync(30)
    return cluster


# ------------------------------------------------------------------ deleting
async def test_dialogs_dim_the_view_instead_of_hiding_it(rolled_out: Cluster, make_app: AppFactory) -> None:
    """As k9s' modals: the table stays readable around the dialog (the app's opaque Screen
    rule must not override the dialog's half-transparent background)."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert isinstance(app.screen, DeleteDialog)
        text = screen_text(app)
        assert "<Delete>" in text and "pods(default)" in text and "NAME" in text
        assert app.screen.styles.background.a < 1


async def test_delete_dialog_cancel_then_confirm(rolled_out: Cluster, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        ns, name = cursor(app)
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert isinstance(app.screen, DeleteDialog)
        text = screen_text(app)
        assert "<Delete>" in text and f"Delete pods default/{name}?" in text
        assert "Propagation:" in text and "Background" in text and "Force:" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen)
        assert not rolled_out.store.get("Pod", name, ns)["metadata"].get("deletionTimestamp"), "cancel deletes nothing"
        await pilot.press("ctrl+d")
        await pilot.pause()
        await pilot.press("enter")  # Cancel has the focus, as in k9s
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen)
        assert not rolled_out.store.get("Pod", name, ns)["metadata"].get("deletionTimestamp")
        await pilot.press("ctrl+d")
        await pilot.pause()
        await pilot.click("#ok")
        await pilot.pause()
        assert f"Delete resource v1/pods default/{name}" in screen_text(app)
        pod = rolled_out.store.get("Pod", name, ns)
        assert pod["metadata"]["deletionGracePeriodSeconds"] == 30, "the pod's own grace period"
        rolled_out.advance_sync(31)
        await settle(app, pilot)
        assert rolled_out.store.try_get("Pod", name, ns) is None


async def test_delete_marked_with_orphan_propagation_and_force(rolled_out: Cluster, make_app: AppFactory) -> None:
    apply_object(rolled_out.store, nginx_deployment(name="api", replicas=1))
    rolled_out.advance_sync(10)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await command(pilot, "deploy")
        screen = app.screen
        assert isinstance(screen, BrowserScreen)
        marked = [("default", "api"), ("default", "nginx")]
        screen.selected_keys = lambda: marked  # type: ignore[method-assign]  # marks: the browser's job
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert "Delete 2 marked apps/v1/deployments?" in screen_text(app)
        await pilot.click("#propagation")
        await pilot.press("down", "down", "enter")  # Background → Foreground → Orphan
        await pilot.click("#force")
        await pilot.pause()
        assert "Orphan" in screen_text(app)
        await pilot.click("#ok")
        await pilot.pause()
        assert "Delete 2 marked apps/v1/deployments" in screen_text(app)
        rolled_out.advance_sync(5)
        await settle(app, pilot)
        assert rolled_out.store.list("Deployment", "default") == []
        replicasets = rolled_out.store.list("ReplicaSet", "default")
        assert len(replicasets) == 2, "orphaned, not collected"
        assert all(not rs["metadata"].get("ownerReferences") for rs in replicasets)
        assert " deployments(default)[0] " in screen_text(app)


async def test_kill_deletes_with_a_one_second_grace_period(rolled_out: Cluster, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        ns, name = cursor(app)
        await pilot.press("ctrl+k")
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen), "no dialog"
        assert f"Delete resource v1/pods default/{name}" in screen_text(app)
        assert rolled_out.store.get("Pod", name, ns)["metadata"]["deletionGracePeriodSeconds"] == 1
        await settle(app, pilot)
        assert "Terminating" in screen_text(app)
        rolled_out.advance_sync(2)
        await settle(app, pilot)
        assert rolled_out.store.try_get("Pod", name, ns) is None
        await command(pilot, "deploy")
        await pilot.press("ctrl+k")  # pods only
        await pilot.pause()
        assert len(pods(rolled_out)) == 3


# ---------------------------------------------------------------- workloads
async def test_scale_dialog(rolled_out: Cluster, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await command(pilot, "deploy")
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ScaleDialog)
        text = screen_text(app)
        assert "<Scale>" in text and "Scale deployment default/nginx?" in text
        assert app.screen.query_one("#replicas", Input).value == "3", "prefilled with spec.replicas"
        await pilot.press("backspace", "5", "enter")
        await pilot.pause()
        assert "deployments default/nginx scaled successfully" in screen_text(app)
        assert rolled_out.store.get("Deployment", "nginx", "default")["spec"]["replicas"] == 5
        rolled_out.advance_sync(30)
        await settle(app, pilot)
        assert "nginx  5/5" in screen_text(app)


async def test_s_means_scale_shell_or_suspend_by_view(rolled_out: Cluster, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "<s> Shell" in screen_text(app) and "<s> Scale" not in screen_text(app)
        await command(pilot, "deploy")
        text = screen_text(app)
        assert "<s> Scale" in text and "<r> Restart" in text and "<s> Shell" not in text
        await command(pilot, "ns")
        assert "<s>" not in screen_text(app) and "<r>" not in screen_text(app)
        await pilot.press("l")  # not a loggable view: the table's own ``l`` (pan) gets it
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen)


async def test_restart_asks_then_patches_the_template(rolled_out: Cluster, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await command(pilot, "deploy")
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "<Confirm Restart>" in screen_text(app) and "Restart deployment default/nginx?" in screen_text(app)
        await pilot.click("#ok")
        await pilot.pause()
        assert "Restart in progress for default/nginx..." in screen_text(app)
        template = rolled_out.store.get("Deployment", "nginx", "default")["spec"]["template"]
        assert template["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"] == "2026-01-01T00:00:30Z"
        rolled_out.advance_sync(60)
        assert len(rolled_out.store.list("ReplicaSet", "default")) == 2, "a new ReplicaSet rolled out"


async def test_rollback_to_the_selected_replicaset(rolled_out: Cluster, make_app: AppFactory) -> None:
    Kubectl(rolled_out).run(["set", "image", "deployment/nginx", "nginx=nginx:1.16.1"])
    rolled_out.advance_sync(60)
    old = next(rs for rs in rolled_out.store.list("ReplicaSet", "default")
               if rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "1")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await command(pilot, "rs")
        table = app.screen.query_one(ResourceTable)
        while table.cursor_key != ("default", old["metadata"]["name"]):
            await pilot.press("down")
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert f"Rollback replicasets default/{old['metadata']['name']}?" in screen_text(app)
        await pilot.click("#ok")
        await pilot.pause()
        assert "deployment.apps/nginx rolled back" in screen_text(app)
        image = rolled_out.store.get("Deployment", "nginx", "default")["spec"]["template"]["spec"]["containers"][0]
        assert image["image"] == "nginx:1.14.2"


async def test_set_image_dialog(rolled_out: Cluster, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await command(pilot, "deploy")
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, ImageDialog)
        assert "<Set image>" in screen_text(app) and "nginx:" in screen_text(app)
        field = app.screen.query_one("#image-0", Input)
        assert field.value == "nginx:1.14.2"
        field.value = "nginx:1.25"
        await pilot.press("enter")
        await pilot.pause()
        assert "Resource apps/v1/deployments:default/nginx image updated successfully" in screen_text(app)
        spec = rolled_out.store.get("Deployment", "nginx", "default")["spec"]["template"]["spec"]
        assert spec["containers"][0]["image"] == "nginx:1.25"


# -------------------------------------------------------------------- nodes
def bare_pod(node: str, name: str = "bare") -> Obj:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"nodeName": node, "containers": [{"name": "c", "image": "nginx"}]}}


async def goto_node(app: K9playApp, pilot: Pilot[None], name: str) -> None:
    await command(pilot, "nodes")
    table = app.screen.query_one(ResourceTable)
    while table.cursor_key != ("", name):
        await pilot.press("down")


async def test_cordon_and_uncordon(cluster: Cluster, make_app: AppFactory) -> None:
    cluster.advance_sync(5)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await goto_node(app, pilot, "k9play-worker")
        await pilot.press("c")
        await pilot.pause()
        assert "<Confirm Cordon>" in screen_text(app) and "Cordon k9play-worker?" in screen_text(app)
        await pilot.click("#ok")
        await pilot.pause()
        assert "node/k9play-worker cordoned" in screen_text(app)
        assert cluster.store.get("Node", "k9play-worker")["spec"]["unschedulable"] is True
        assert "Ready,SchedulingDisabled" in screen_text(app)
        await pilot.press("u")
        await pilot.pause()
        await pilot.click("#ok")
        await pilot.pause()
        assert "node/k9play-worker uncordoned" in screen_text(app)
        assert "unschedulable" not in cluster.store.get("Node", "k9play-worker")["spec"]


async def test_drain_refuses_unmanaged_pods_then_forces(rolled_out: Cluster, make_app: AppFactory) -> None:
    store = rolled_out.store
    store.create(bare_pod("k9play-worker"))
    rolled_out.advance_sync(10)
    on_node = [p["metadata"]["name"] for p in store.pods_on_node("k9play-worker") if p["metadata"]["namespace"] ==
               "default"]
    managed = [n for n in on_node if n != "bare"]
    assert "bare" in on_node and managed
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await goto_node(app, pilot, "k9play-worker")
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, DrainDialog)
        text = screen_text(app)
        assert "<Drain>" in text and "Drain k9play-worker?" in text
        assert all(f in text for f in ("GracePeriod:", "Timeout:", "Ignore DaemonSets:", "Delete EmptyDir Data:"))
        await pilot.click("#ok")
        await pilot.pause()
        assert isinstance(app.screen, TextScreen)
        text = screen_text(app)
        assert "node/k9play-worker cordoned" in text
        assert "cannot delete Pods that declare no controller (use --force to override): default/bare" in text
        assert 'error: unable to drain node "k9play-worker"' in text
        assert all(store.get("Pod", n, "default")["metadata"].get("deletionTimestamp") is None for n in on_node)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        await pilot.click("#force")
        await pilot.click("#ignore-ds")  # kube-proxy runs on every node
        grace = app.screen.query_one("#grace", Input)
        grace.value = "0"
        await pilot.click("#ok")
        await pilot.pause()
        text = screen_text(app)
        assert "node/k9play-worker already cordoned" in text
        assert "Warning: deleting Pods that declare no controller: default/bare" in text
        assert "evicting pod default/bare" in text
        rolled_out.advance_sync(1)
        await settle(app, pilot)
        text = screen_text(app)
        assert all(f"pod/{n} evicted" in text for n in on_node)
        assert "node/k9play-worker drained" in text
        assert [p["metadata"]["namespace"] for p in store.pods_on_node("k9play-worker")] == ["kube-system"]
        rolled_out.advance_sync(30)
        assert len([p for p in pods(rolled_out) if p["metadata"]["name"] != "bare"]) == 3, "replaced elsewhere"
        assert all(p["spec"]["nodeName"] != "k9play-worker" for p in pods(rolled_out))


# ------------------------------------------------------- secrets, cronjobs
async def test_decode_secret(cluster: Cluster, make_app: AppFactory) -> None:
    data = {"password": base64.b64encode(b"s3cr3t!").decode(), "user": base64.b64encode(b"admin").decode()}
    cluster.store.create({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"}, "data": data})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await command(pilot, "secrets")
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, TextScreen)
        text = screen_text(app)
        assert "Secret Decoder(default/db)" in text
        assert "password: s3cr3t!" in text and "user: admin" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen)


CRONJOB = {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "hello"},
           "spec": {"schedule": "0 0 * * *", "jobTemplate": {"spec": {"template": {"spec": {
               "restartPolicy": "OnFailure", "containers": [{"name": "c", "image": "busybox"}]}}}}}}


async def test_trigger_and_suspend_a_cronjob(cluster: Cluster, make_app: AppFactory) -> None:
    cluster.store.create(CRONJOB, field_validation="Strict")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await command(pilot, "cronjobs")
        await pilot.press("t")
        await pilot.pause()
        assert "<Confirm Job Trigger>" in screen_text(app) and "Trigger Cronjob default/hello?" in screen_text(app)
        await pilot.click("#ok")
        await pilot.pause()
        assert "Triggering Job batch/v1/cronjobs default/hello" in screen_text(app)
        jobs = cluster.store.list("Job", "default")
        assert len(jobs) == 1 and jobs[0]["metadata"]["name"].startswith("hello-manual-")
        assert jobs[0]["metadata"]["annotations"]["cronjob.kubernetes.io/instantiate"] == "manual"
        await pilot.press("s")
        await pilot.pause()
        assert "<Suspend>" in screen_text(app) and "Suspend CronJob default/hello?" in screen_text(app)
        await pilot.click("#ok")
        await pilot.pause()
        assert "CronJob default/hello suspended successfully!" in screen_text(app)
        assert cluster.store.get("CronJob", "hello", "default")["spec"]["suspend"] is True
        await pilot.press("s")
        await pilot.pause()
        assert "<Resume>" in screen_text(app)
        await pilot.click("#ok")
        await pilot.pause()
        assert cluster.store.get("CronJob", "hello", "default")["spec"]["suspend"] is False


# ------------------------------------------------------------- edit, shell
async def test_edit_applies_the_saved_object_and_reopens_on_errors(
        rolled_out: Cluster, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    answers = [lambda t: t.replace("replicas: 3", "replicas: -1"),  # invalid: opens again with the reason
               lambda t: t.replace("replicas: -1", "replicas: 4")]

    def fake_editor(app: object, text: str) -> str:
        seen.append(text)
        return answers[len(seen) - 1](text)

    monkeypatch.setattr(editor, "run_editor", fake_editor)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await command(pilot, "deploy")
        await pilot.press("e")
        await pilot.pause()
        assert len(seen) == 2
        assert seen[0].startswith("# Please edit the object below.") and "name: nginx" in seen[0]
        assert '# deployments.apps "nginx" was not valid:\n' \
               "# * spec.replicas: Invalid value: -1: must be greater than or equal to 0\n" in seen[1]
        assert "deployment.apps/nginx edited" in screen_text(app)
        assert rolled_out.store.get("Deployment", "nginx", "default")["spec"]["replicas"] == 4
        monkeypatch.setattr(editor, "run_editor", lambda app, text: text)
        await pilot.press("e")
        await pilot.pause()
        assert "Edit cancelled, no changes made." in screen_text(app)


async def test_shell_runs_commands_in_the_simulated_container(rolled_out: Cluster, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        ns, name = cursor(app)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ShellScreen)
        assert f"Shell(default/{name}:nginx)" in screen_text(app)
        await pilot.press(*"echo hello > /tmp/greeting; cat /tmp/greeting; hostname", "enter")
        await pilot.pause()
        text = screen_text(app)
        assert "/ # echo hello > /tmp/greeting" in text and "\n│ hello" in text and f"│ {name}" in text
        pod = rolled_out.store.get("Pod", name, ns)
        proc = rolled_out.kubelets.worker(pod).find("nginx").process  # type: ignore[union-attr]
        assert proc is not None and proc.fs.read("/tmp/greeting") == "hello\n", "the container's own filesystem"
        await pilot.press(*"nosuch", "enter")
        await pilot.pause()
        assert "sh: nosuch: not found" in screen_text(app)
        await pilot.press(*"exit", "enter")
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen)


async def test_edit_of_an_object_from_a_file_opens_the_file_at_its_document(
        tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml

    from k9play.manifests.sync import FolderSync

    cluster = Cluster().start()
    f = tmp_path / "app.yaml"
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "first"}, "data": {"a": "1"}}
    f.write_text(yaml.safe_dump_all([cm, nginx_deployment()], sort_keys=False))
    sync = FolderSync(cluster.store, [tmp_path])
    sync.sync_all()
    cluster.advance_sync(30)
    calls: list[list[str]] = []

    def fake_call(app: object, cmd: list[str]) -> None:  # the user's editor: change the replicas and save
        calls.append(cmd)
        f.write_text(f.read_text().replace("replicas: 3", "replicas: 5"))

    monkeypatch.setenv("EDITOR", "vim")
    monkeypatch.setattr(editor, "call_suspended", fake_call)
    app = K9playApp(cluster, sync, realtime=False)
    async with app.run_test(size=SIZE) as pilot:
        await command(pilot, "deploy")
        await pilot.press("e")
        await pilot.pause()
        assert calls == [["vim", "+8", str(f)]]  # the Deployment is the second document: line 8, after ---
        assert cluster.store.get("Deployment", "nginx", "default")["spec"]["replicas"] == 5
        assert "deployment.apps/nginx configured" in screen_text(app)
    monkeypatch.setenv("EDITOR", "code --wait")
    assert editor.file_at_line_command(f, 6) == ["code", "--wait", "-g", f"{f}:6"]


async def test_dialogs_open_over_the_view_they_are_about(cluster: Cluster, make_app: AppFactory) -> None:
    """k9s draws its dialogs over the table: the rows stay in sight around the dialog box."""
    apply_object(cluster.store, nginx_deployment())
    cluster.advance_sync(20)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await command(pilot, "deploy")
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ScaleDialog)
        text = screen_text(app)
        assert "Scale deployment default/nginx?" in text
        assert "deployments(default)[1]" in text and "NAME↑  READY" in text, "the view behind the dialog"
        await pilot.press("escape", "exclamation_mark")
        await pilot.pause()
        assert "<Fault nginx>" in screen_text(app) and "deployments(default)[1]" in screen_text(app)
