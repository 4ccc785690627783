"""``:user NAME [GROUP…]``: the TUI acts as another user; what RBAC refuses is shown, not done."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot

from k9play.cluster import Cluster
from k9play.kubectl.commands import Kubectl
from k9play.manifests.applier import apply_object
from k9play.tui.app import K9playApp
from k9play.tui.screens import BrowserScreen, DetailScreen
from k9play.tui.screens.dialogs import DeleteDialog

from .helpers import nginx_deployment, screen_text

SIZE = (160, 30)
AppFactory = Callable[[], K9playApp]
LIST_DENIED = ('pods is forbidden: User "jane" cannot list resource "pods" in API group "" '
               'in the namespace "default"')


async def command(pilot: Pilot[None], text: str) -> None:
    await pilot.press("colon", *text, "enter")
    await pilot.pause()


async def test_a_user_without_rights_sees_the_denial_and_no_rows(cluster: Cluster, make_app: AppFactory) -> None:
    apply_object(cluster.store, nginx_deployment(replicas=2))
    cluster.advance_sync(30)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert " pods(default)[2] " in screen_text(app)
        await command(pilot, "user jane")
        text = screen_text(app)
        assert "k9play as jane" in text and " pods(default)[0] " in text
        assert LIST_DENIED in text
        await command(pilot, "user")
        assert " pods(default)[2] " in screen_text(app) and " as jane" not in screen_text(app)


async def test_a_viewer_may_look_but_not_delete(cluster: Cluster, make_app: AppFactory) -> None:
    apply_object(cluster.store, nginx_deployment(replicas=2))
    Kubectl(cluster).run(["create", "rolebinding", "jane-view", "--clusterrole=view", "--user=jane"])
    cluster.advance_sync(30)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await command(pilot, "user jane")
        assert " pods(default)[2] " in screen_text(app)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen), "view may get pods"
        await pilot.press("escape")
        await pilot.pause()
        name = app.screen.query_one("ResourceTable").cursor_key[1]  # type: ignore[attr-defined]
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert isinstance(app.screen, DeleteDialog)
        await pilot.click("#ok")
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen)
        assert f'pods "{name}" is forbidden: User "jane" cannot delete resource "pods"' in screen_text(app)
        assert not cluster.store.get("Pod", name, "default")["metadata"].get("deletionTimestamp")
        await command(pilot, "secrets")
        assert 'secrets is forbidden: User "jane" cannot list resource "secrets"' in screen_text(app)
