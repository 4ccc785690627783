"""Pilot tests: the app on a manual clock, driven key by key like a user would."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from k9play.cluster import Cluster
from k9play.manifests.applier import apply_object
from k9play.manifests.sync import FolderSync
from k9play.tui.app import K9playApp
from k9play.tui.screens import BrowserScreen, DetailScreen, HelpScreen
from k9play.tui.screens.text import TextScreen
from k9play.tui.widgets import CommandBar, ResourceTable

from .helpers import nginx_deployment, screen_text

SIZE = (120, 30)
AppFactory = Callable[[], K9playApp]


async def command(pilot: Pilot[None], text: str) -> None:
    await pilot.press("colon", *text, "enter")
    await pilot.pause()


def table_rows(app: K9playApp) -> list[str]:
    """The table's data lines, as shown (border stripped)."""
    lines = screen_text(app).splitlines()
    start = next(i for i, line in enumerate(lines) if "NAME" in line or "LAST SEEN" in line) + 1
    out = []
    for line in lines[start:]:
        if line.startswith("╰"):
            break
        out.append(line.strip("│ "))
    return [r for r in out if r]


def statuses(app: K9playApp) -> list[str]:
    return [row.split()[2] for row in table_rows(app)]


async def test_rollout_goes_pending_creating_running(cluster: Cluster, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert " pods(default)[0] " in screen_text(app)
        cluster.scheduler.stop()  # hold the pods in Pending so the UI can see that phase
        apply_object(cluster.store, nginx_deployment())
        cluster.advance_sync(0)
        await pilot.pause()
        assert statuses(app) == ["Pending"] * 3
        assert " pods(default)[3] " in screen_text(app)
        cluster.scheduler.start()
        cluster.advance_sync(1)
        await pilot.pause()
        assert statuses(app) == ["ContainerCreating"] * 3
        assert all(row.split()[1] == "0/1" for row in table_rows(app))
        cluster.advance_sync(5)
        await pilot.pause()
        assert statuses(app) == ["Running"] * 3
        assert all(row.split()[1] == "1/1" for row in table_rows(app))
        assert "Time:      00:00:06 UTC" in screen_text(app)


async def test_views_switch_with_commands(cluster: Cluster, make_app: AppFactory) -> None:
    apply_object(cluster.store, nginx_deployment())
    cluster.advance_sync(10)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await command(pilot, "deploy")
        text = screen_text(app)
        assert " deployments(default)[1] " in text
        assert table_rows(app)[0].split()[:4] == ["nginx", "3/3", "3", "3"]
        await command(pilot, "rs")
        assert " replicasets(default)[1] " in screen_text(app)
        assert table_rows(app)[0].split()[1:4] == ["3", "3", "3"]
        await command(pilot, "nodes")
        assert [r.split()[0] for r in table_rows(app)] == [
            "k9play-control-plane", "k9play-worker", "k9play-worker2"]
        await command(pilot, "ns")
        assert [r.split()[0] for r in table_rows(app)] == [
            "default", "kube-node-lease", "kube-public", "kube-system"]
        await command(pilot, "events")
        assert " events(default)[" in screen_text(app)
        assert any("Scheduled" in r for r in table_rows(app))
        await command(pilot, "svc")
        assert table_rows(app)[0].split()[:3] == ["kubernetes", "ClusterIP", "10.96.0.1"]
        await command(pilot, "po")
        assert " pods(default)[3] " in screen_text(app)
        await command(pilot, "bogus")
        assert "unknown command: 'bogus'" in screen_text(app)
        assert " pods(default)[3] " in screen_text(app), "a failed command keeps the view"


async def test_command_bar_escape_cancels(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("colon", *"deploy")
        bar = app.screen.query_one(CommandBar)
        assert bar.is_open
        await pilot.press("escape")
        await pilot.pause()
        assert not bar.is_open
        assert isinstance(app.focused, ResourceTable)
        assert " pods(default)[0] " in screen_text(app)
        await pilot.press("colon", "d", "e", "tab", "enter")  # tab takes the suggestion "deploy"
        await pilot.pause()
        assert " deployments(default)[0] " in screen_text(app)


async def test_describe_and_yaml_are_live_and_escape_goes_back(cluster: Cluster, make_app: AppFactory) -> None:
    apply_object(cluster.store, nginx_deployment())
    cluster.advance_sync(10)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down")
        key = app.screen.query_one(ResourceTable).cursor_key
        assert key is not None
        ns, name = key
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        assert f"describe({ns}/{name})" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen)
        await pilot.press("y")
        await pilot.pause()
        text = screen_text(app)
        assert f"yaml({ns}/{name})" in text and "apiVersion: v1" in text and "kind: Pod" in text
        cluster.store.patch("Pod", name, ns, {"metadata": {"labels": {"tier": "frontend"}}})
        await pilot.pause()
        assert "tier: frontend" in screen_text(app), "the YAML view follows the object"
        cluster.store.delete("Pod", name, ns, grace_period=0)
        await pilot.pause()
        assert f"yaml({ns}/{name}) [deleted]" in screen_text(app)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen), "q on a pushed screen goes back"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen), "esc at the root is harmless"
        assert app.return_code is None


async def test_cursor_stays_on_its_object(cluster: Cluster, make_app: AppFactory) -> None:
    apply_object(cluster.store, nginx_deployment(name="web", replicas=3))
    cluster.advance_sync(10)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one(ResourceTable)
        await pilot.press("down")
        key = table.cursor_key
        assert table.cursor_index == 1 and key is not None
        apply_object(cluster.store, nginx_deployment(name="api", replicas=2))  # sorts above "web-…"
        cluster.advance_sync(10)
        await pilot.pause()
        assert len(table_rows(app)) == 5
        assert table.cursor_key == key and table.cursor_index == 3
        cluster.store.delete("Deployment", "api", "default")
        cluster.advance_sync(60)
        await pilot.pause()
        assert len(table_rows(app)) == 3
        assert table.cursor_key == key and table.cursor_index == 1
        await pilot.press("d")
        await pilot.pause()
        assert f"describe(default/{key[1]})" in screen_text(app)


async def test_namespace_switching(cluster: Cluster, make_app: AppFactory) -> None:
    apply_object(cluster.store, nginx_deployment())
    cluster.advance_sync(10)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await command(pilot, "ns kube-system")
        text = screen_text(app)
        # kind's control plane: 4 static pods, 2 CoreDNS, kube-proxy on each of the 3 nodes
        assert "Namespace: kube-system" in text and " pods(kube-system)[9] " in text
        await command(pilot, "pods all")
        text = screen_text(app)
        assert "Namespace: all" in text and " pods(all)[12] " in text
        assert text.splitlines()[5].split()[:2] == ["│", "NAMESPACE↑"], "NAMESPACE is the first (sort) column"
        assert {r.split()[0] for r in table_rows(app)} == {"default", "kube-system"}
        await command(pilot, "pods nowhere")
        assert 'namespace "nowhere" not found' in screen_text(app)
        assert " pods(all)[12] " in screen_text(app)
        await command(pilot, "ns")
        await pilot.press("enter")  # first row: default
        await pilot.pause()
        text = screen_text(app)
        assert "Namespace: default" in text and " pods(default)[3] " in text
        await command(pilot, "deploy -A")
        assert " deployments(all)[2] " in screen_text(app)  # with coredns


async def test_help_and_quit(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "<d>      Describe" in text and "<ctrl-c> Quit" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen)
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0


async def test_ctrl_c_quits_from_a_pushed_screen(cluster: Cluster, make_app: AppFactory) -> None:
    apply_object(cluster.store, nginx_deployment())
    cluster.advance_sync(10)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("y")
        await pilot.pause()
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.return_code == 0


BAD = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: many\n"


async def test_flash_shows_sync_errors_then_applied(cluster: Cluster, tmp_path: Path) -> None:
    path = tmp_path / "web.yaml"
    path.write_text(BAD)
    sync = FolderSync(cluster.store, [tmp_path])
    sync.sync_all()
    app = K9playApp(cluster, sync, realtime=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert f"{path}:6:" in screen_text(app), "initial errors as path:line:col"
        import yaml

        doc = nginx_deployment(name="web")
        path.write_text(yaml.safe_dump(doc))
        app.show_sync_report(sync.sync_file(path))
        await pilot.pause()
        assert "deployment.apps/web created" in screen_text(app)


async def test_a_save_that_fixes_a_file_clears_its_error_from_the_flash(cluster: Cluster, tmp_path: Path) -> None:
    """Broken, then saved back as it was: nothing to apply, but the old error must not stay."""
    import yaml

    path = tmp_path / "web.yaml"
    good = yaml.safe_dump(nginx_deployment(name="web"))
    path.write_text(good)
    sync = FolderSync(cluster.store, [tmp_path])
    sync.sync_all()
    app = K9playApp(cluster, sync, realtime=False)
    async with app.run_test(size=SIZE) as pilot:
        path.write_text(good.replace("replicas: 3", "replicas: many"))
        app.show_sync_report(sync.sync_file(path))
        await pilot.pause()
        broken = app.flash_message.text.split(" ")[0]  # path:line:col:
        assert broken.startswith(f"{path}:") and broken in screen_text(app)
        assert app.flash_message.level == "error"
        path.write_text(good)
        app.show_sync_report(sync.sync_file(path))
        await pilot.pause()
        assert broken not in screen_text(app)
        assert f"{path}: no errors now (nothing to change)" in screen_text(app)
        assert app.flash_message.level == "info"


async def test_realtime_starts_clock_and_watcher_workers(tmp_path: Path) -> None:
    cluster = Cluster(mode="realtime").start()
    sync = FolderSync(cluster.store, [tmp_path])
    app = K9playApp(cluster, sync, realtime=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert {w.name for w in app.workers} >= {"clock", "manifests"}
        await pilot.press("colon", *"pause", "enter")
        await pilot.pause()
        assert cluster.clock.paused and "paused" in screen_text(app)
        await pilot.press("colon", *"speed 4", "enter")
        await pilot.pause()
        assert cluster.clock.speed == 4 and "4x paused" in screen_text(app)


def row_colors(app: K9playApp) -> list[str]:
    """The k9s colour of each drawn table row, as the Line API renders it (the cursor row is
    drawn inverted: black on the row's colour)."""
    table = app.screen.query_one(ResourceTable)
    assert table.model is not None
    out = []
    for y in range(1, min(len(table.model), table.body_height) + 1):
        seg = next(s for s in table.render_line(y) if s.text.strip())
        assert seg.style is not None
        color = seg.style.bgcolor if int(table.scroll_y) + y - 1 == table.cursor_index else seg.style.color
        assert color is not None and color.triplet is not None
        out.append(color.triplet.hex)
    return out


DARKORANGE, ORANGERED, LIGHTSKYBLUE, GREENYELLOW, DODGERBLUE = "#ff8c00", "#ff4500", "#87cefa", "#adff2f", "#1e90ff"


async def test_status_and_change_colours_follow_the_virtual_clock(cluster: Cluster, make_app: AppFactory) -> None:
    cluster.scheduler.stop()
    apply_object(cluster.store, nginx_deployment())
    cluster.advance_sync(0)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("end")  # the cursor row is inverted; keep it off the rows checked
        assert row_colors(app)[:2] == [DARKORANGE, DARKORANGE], "Pending"
        await command(pilot, "deploy")
        assert row_colors(app) == [ORANGERED], "deployment with 0 of 3 available (k9s: unhappy)"
        cluster.scheduler.start()
        cluster.advance_sync(10)
        await pilot.pause()
        assert row_colors(app) == [GREENYELLOW], "ready now, and just modified"
        await command(pilot, "pods")
        await pilot.press("end")
        assert row_colors(app)[:2] == [LIGHTSKYBLUE] * 2, "rows loaded with the view are not 'changed'"
        name = table_rows(app)[0].split()[0]
        cluster.store.patch("Pod", name, "default", {"metadata": {"labels": {"touched": "yes"}}})
        broken = cluster.store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "broken"},
                                       "spec": {"schedulerName": "nobody",  # no scheduler or kubelet touches it
                                                "containers": [{"name": "c", "image": "nginx"}]}})
        cluster.advance_sync(0.5)
        await pilot.pause()
        assert row_colors(app)[:2] == [DARKORANGE, GREENYELLOW], "new pod pending; touched pod modified"
        crashing = {**broken, "status": {"phase": "Running", "containerStatuses": [
            {"name": "c", "ready": False, "restartCount": 4, "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}}
        cluster.store.update_status(crashing)
        cluster.advance_sync(30)
        app.sync_screens()  # what the 0.25 s tick does in real time
        await pilot.pause()
        assert statuses(app)[0] == "CrashLoopBackOff"
        assert row_colors(app)[:2] == [ORANGERED, LIGHTSKYBLUE], "error; the change colour has faded"
        await command(pilot, "ns")
        cluster.store.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "aaa"}})
        await pilot.pause()
        assert row_colors(app)[:2] == [DODGERBLUE, LIGHTSKYBLUE], "a namespace just added"


async def test_long_tables_scroll_with_the_cursor(cluster: Cluster, make_app: AppFactory) -> None:
    for i in range(200):
        cluster.store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"pod-{i:03d}"},
                              "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert " pods(default)[200] " in screen_text(app)
        await pilot.press("end")
        await pilot.pause()
        table = app.screen.query_one(ResourceTable)
        assert table_rows(app)[-1].startswith("pod-199") and table.cursor_key == ("default", "pod-199")
        await pilot.press("pageup", "up")
        await pilot.pause()
        key = app.screen.query_one(ResourceTable).cursor_key
        assert key is not None and any(r.startswith(key[1]) for r in table_rows(app))
        await pilot.press("home")
        await pilot.pause()
        assert table_rows(app)[0].startswith("pod-000")
        await pilot.click(ResourceTable, offset=(5, 4))  # border, header, then rows 0, 1, 2
        assert app.screen.query_one(ResourceTable).cursor_key == ("default", "pod-002")


async def test_the_app_can_open_in_every_namespace(cluster: Cluster) -> None:
    app = K9playApp(cluster, realtime=False, namespace=None)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert " pods(all)[" in screen_text(app) and "NAMESPACE" in screen_text(app)


async def test_a_tick_between_a_push_and_its_mount_does_not_crash(cluster: Cluster) -> None:
    """The 0.25 s tick can land after a page is pushed and before it has composed (seen with
    `:kubectl rollout undo` at 5x): that page is synced by its own mount, not by the tick."""
    app = K9playApp(cluster, realtime=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(TextScreen("kubectl", "kubectl rollout undo", lambda: "rolled back\n"))
        await asyncio.sleep(0)  # the screen is on the stack, its widgets not composed yet
        app.sync_screens()
        await pilot.pause()
        assert "rolled back" in screen_text(app)


async def test_a_folder_put_back_while_its_namespace_terminates_is_applied_once_it_is_gone(
        cluster: Cluster, tmp_path: Path) -> None:
    import yaml

    ns_file, app_file = tmp_path / "ns.yaml", tmp_path / "web.yaml"
    web = nginx_deployment(name="web")
    web["metadata"]["namespace"] = "shop"
    texts = {ns_file: yaml.safe_dump({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}),
             app_file: yaml.safe_dump(web)}
    for f, text in texts.items():
        f.write_text(text)
    sync = FolderSync(cluster.store, [tmp_path])
    sync.sync_all()
    cluster.advance_sync(30)
    app = K9playApp(cluster, sync, realtime=False)
    async with app.run_test(size=SIZE) as pilot:
        for f in texts:
            f.unlink()
        app.show_sync_report(sync.sync_paths(list(texts)))
        cluster.advance_sync(1)
        for f, text in texts.items():
            f.write_text(text)
        app.show_sync_report(sync.sync_paths(list(texts)))
        await pilot.pause()
        assert "Error from server (Forbidden)" in screen_text(app)  # … being terminated (the line is cut)
        cluster.advance_sync(60)  # the namespace controller empties and removes it
        app.sync_screens()
        await pilot.pause()
        assert "namespace/shop created, deployment.apps/web created" in screen_text(app)
        assert cluster.store.get("Deployment", "web", "shop")
