"""On a pod's containers page, ``l`` and ``s`` act on the container under the cursor (k9s)."""

from __future__ import annotations

from collections.abc import Callable

from k9play.cluster import Cluster
from k9play.tui.app import K9playApp
from k9play.tui.screens.logs import LogsScreen
from k9play.tui.screens.shell import ShellScreen

from .helpers import screen_text
from .test_logs import SIZE, chatty_pod, log_lines

AppFactory = Callable[[], K9playApp]


async def test_l_and_s_on_the_containers_page_use_the_container_under_the_cursor(
        cluster: Cluster, make_app: AppFactory) -> None:
    """k9s: on a pod's containers, ``l`` shows the selected container's logs (no defaulting)
    and ``s`` opens its shell without asking which container."""
    pod = chatty_pod("duo")
    pod["spec"]["containers"].append({"name": "side", "image": "busybox", "command": ["sh", "-c", "echo side-car"]})
    cluster.store.create(pod)
    cluster.advance_sync(10)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter", "down", "l")
        await pilot.pause()
        assert isinstance(app.screen, LogsScreen)
        text = screen_text(app)
        assert "Logs(default/duo:side)" in text and "Defaulted container" not in text
        assert log_lines(app) == ["side-car"]
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("up", "l")
        await pilot.pause()
        assert "Logs(default/duo:main)" in screen_text(app)
        await pilot.press("escape", "down", "s")
        await pilot.pause()
        assert isinstance(app.screen, ShellScreen) and app.screen.container == "side"
