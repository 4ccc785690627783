"""Keys typed faster than the app handles them (a paste, tmux send-keys, a busy machine) all land
where they were aimed: the first characters after ``:`` or ``/`` must not go to the page below."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import Input

from k9play.cluster import Cluster
from k9play.demo.player import key_event
from k9play.manifests.applier import apply_object
from k9play.tui.app import K9playApp
from k9play.tui.screens import BrowserScreen
from k9play.tui.screens.text import TextScreen

from .helpers import nginx_deployment, screen_text

AppFactory = Callable[[], K9playApp]


async def burst(app: K9playApp, pilot: Pilot[None], *keys: str) -> None:
    """All ``keys`` reach the app at once, as a terminal delivers a fast burst, then it catches up."""
    for key in keys:
        app._driver.send_message(key_event(key, app))  # type: ignore[union-attr]
    await pilot.pause()
    await pilot.pause()


async def test_a_burst_after_colon_and_slash_lands_in_the_prompt(cluster: Cluster, make_app: AppFactory) -> None:
    apply_object(cluster.store, nginx_deployment(replicas=2))
    cluster.advance_sync(30)
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await burst(app, pilot, *":deploy", "enter")
        assert " deployments(default)[1] " in screen_text(app)
        await burst(app, pilot, *"/ngi")
        assert app.screen.query_one(Input).value == "ngi"
        assert " deployments(default)[1] </ngi> " in screen_text(app).replace("│", " ").replace("─", " ")
        await burst(app, pilot, "escape")  # the filter prompt closes (no page opens or closes)
        await burst(app, pilot, *":pods", "enter")
        assert " pods(default)[2] " in screen_text(app)


async def test_a_burst_after_colon_on_a_page_lands_in_the_prompt_over_it(cluster: Cluster,
                                                                         make_app: AppFactory) -> None:
    apply_object(cluster.store, nginx_deployment(replicas=1))
    cluster.advance_sync(30)
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await burst(app, pilot, "d", *":kubectl get deploy", "enter")  # the pod's describe page, a line over it
        assert isinstance(app.screen, TextScreen), "the whole line reached the prompt and ran"
        assert "NAME    READY   UP-TO-DATE   AVAILABLE   AGE" in screen_text(app)
        await burst(app, pilot, "escape")  # (a key forwarded to a page is handled after a priority key)
        await burst(app, pilot, *":svc", "enter")
        assert isinstance(app.screen, BrowserScreen) and " services(default)[1] " in screen_text(app)
