"""``:`` opens every kind with kubectl's columns; completion; the aliases view."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from k9play.api.resources import RESOURCE_TYPES
from k9play.cluster import Cluster
from k9play.kubectl.columns import columns_for
from k9play.manifests.applier import apply_object
from k9play.manifests.sync import FolderSync
from k9play.tui.app import K9playApp
from k9play.tui.screens.sources import SourcesScreen
from k9play.tui.viewmodels import decorations
from k9play.tui.widgets import ResourceTable

from .helpers import nginx_deployment, screen_text

AppFactory = Callable[[], K9playApp]


async def command(pilot: Pilot[None], text: str) -> None:
    await pilot.press("colon", *text, "enter")
    await pilot.pause()


def table_lines(app: K9playApp) -> list[str]:
    lines = screen_text(app).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("╭"))
    end = next(i for i, line in enumerate(lines) if line.startswith("╰"))
    return [line.strip("│ ") for line in lines[start:end + 1]]


def prompt_line(app: K9playApp) -> str:
    return next(line for line in screen_text(app).splitlines() if line.startswith("│>") or line.startswith("│/"))


async def test_every_kind_opens_with_its_kubectl_header(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(220, 30)) as pilot:
        for rt in RESOURCE_TYPES:
            await command(pilot, rt.plural)
            lines = table_lines(app)
            scope = "default" if rt.namespaced else "all"
            assert f" {rt.plural}({scope})[" in lines[0], rt.kind
            header = lines[1].replace("↑", "").split()
            expected = " ".join(c.name for c in columns_for(rt.kind)).split()
            if rt.kind in decorations.COLUMNS:  # the TUI-only column sits just before AGE
                expected.insert(expected.index("AGE"), decorations.COLUMNS[rt.kind])
            assert header == expected, rt.kind
            assert "unknown command" not in screen_text(app)


async def test_prompt_completes_inline(cluster: Cluster, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("colon", *"dep")
        await pilot.pause()
        assert prompt_line(app).startswith("│> deploy "), "the suggestion shows after the cursor"
        await pilot.press("right", "enter")  # → takes it, as tab does
        await pilot.pause()
        assert " deployments(default)[0] " in screen_text(app)
        await pilot.press("colon", *"pods kube-s")
        await pilot.pause()
        assert prompt_line(app).startswith("│> pods kube-system "), "namespaces after a resource"
        await pilot.press("tab", "enter")
        await pilot.pause()
        assert " pods(kube-system)[9] " in screen_text(app)
        await pilot.press("colon", *"crb")
        await pilot.pause()
        assert prompt_line(app).startswith("│> crb "), "an exact alias suggests nothing more"
        await pilot.press("escape")


async def test_aliases_view_lists_and_jumps(cluster: Cluster, make_app: AppFactory) -> None:
    apply_object(cluster.store, nginx_deployment())
    cluster.advance_sync(10)
    app = make_app()
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.press("ctrl+a")
        await pilot.pause()
        lines = table_lines(app)
        assert f" aliases(all)[{len(RESOURCE_TYPES)}] " in lines[0]
        assert lines[1].split() == ["RESOURCE↑", "GROUP", "VERSION", "COMMAND"]
        deployments = next(line for line in lines if line.startswith("deployments"))
        assert deployments.split() == ["deployments", "apps", "v1", "dp,deploy,deployment,deployments"]
        assert "<aliases>" in screen_text(app).splitlines()[-2]
        await pilot.press("C")  # k9s' aliases view sorts COMMAND on shift-c
        await pilot.pause()
        assert table_lines(app)[1].split()[-1] == "COMMAND↑"
        await pilot.press("slash", *"dp,", "enter")
        await pilot.pause()
        assert [line.split()[0] for line in table_lines(app)[2:-1] if line] == ["deployments"]
        await pilot.press("enter")
        await pilot.pause()
        assert " deployments(default)[1] " in screen_text(app)
        assert app.screen.query_one(ResourceTable).cursor_key == ("default", "nginx")
        await pilot.press("colon", *"a", "enter")
        await pilot.pause()
        await pilot.press("ctrl+a")  # again: back where it was opened
        await pilot.pause()
        assert " deployments(default)[1] " in screen_text(app)


async def test_sources_command_and_errors_panel(cluster: Cluster, tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n"
                                       "  replicas: many\n")
    sync = FolderSync(cluster.store, [tmp_path])
    sync.sync_all()
    app = K9playApp(cluster, sync, realtime=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert "✗ " in screen_text(app) and "bad.yaml:6:" in screen_text(app), "the errors panel under the table"
        await command(pilot, "sources")
        assert isinstance(app.screen, SourcesScreen)


async def test_command_args_open_the_view_filtered(cluster: Cluster, make_app: AppFactory) -> None:
    apply_object(cluster.store, nginx_deployment(name="web", replicas=2))
    apply_object(cluster.store, nginx_deployment(name="api", replicas=1))
    cluster.advance_sync(30)
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        for cmd, title, count in [("pods /^web", " pods(default)[2] </^web> ", 2),
                                  ("po app=api", " pods(default)[1] </-l app=api> ", 1),
                                  ("pod -f tapi", " pods(default)[1] </-f tapi> ", 1),
                                  ("pods all /web", " pods(all)[2] </web> ", 2)]:
            await command(pilot, cmd)
            assert title in screen_text(app), cmd
            assert len(app.screen.query_one(ResourceTable).model or []) == count
        await pilot.press("escape")
        await pilot.pause()
        assert " pods(all)[12] " in screen_text(app), "esc clears what the command filtered (kube-system has 9)"
