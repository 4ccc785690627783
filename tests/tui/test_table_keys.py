"""What the keys do to the rows on screen: filter, sort, wide, marks — and the mouse."""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.pilot import Pilot

from k9play.cluster import Cluster
from k9play.manifests.applier import apply_object
from k9play.tui.app import K9playApp
from k9play.tui.screens import BrowserScreen
from k9play.tui.widgets import ResourceTable

from .helpers import nginx_deployment, screen_text

SIZE = (120, 30)
AppFactory = Callable[[], K9playApp]


def two_apps(cluster: Cluster) -> None:
    web = nginx_deployment(name="web", replicas=3)
    web["spec"]["template"]["metadata"]["labels"]["tier"] = "front"
    apply_object(cluster.store, web)
    apply_object(cluster.store, nginx_deployment(name="api", replicas=2))
    cluster.advance_sync(30)


def rows(app: K9playApp) -> list[str]:
    lines = screen_text(app).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("╭")) + 2
    out = []
    for line in lines[start:]:
        if line.startswith("╰"):
            break
        out.append(line.strip("│ "))
    return [r for r in out if r]


def names(app: K9playApp) -> list[str]:
    return [r.split()[0] for r in rows(app)]


def header(app: K9playApp) -> list[str]:
    lines = screen_text(app).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("╭"))
    return lines[start + 1].strip("│ ").split()


def title(app: K9playApp) -> str:
    return next(line for line in screen_text(app).splitlines() if line.startswith("╭"))


def table(app: K9playApp) -> ResourceTable:
    return app.screen.query_one(ResourceTable)


async def type_filter(pilot: Pilot[None], text: str) -> None:
    await pilot.press("slash", *text, "enter")
    await pilot.pause()


async def test_the_four_filter_forms(cluster: Cluster, make_app: AppFactory) -> None:
    two_apps(cluster)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"we")  # applied while typing
        await pilot.pause()
        assert len(names(app)) == 3 and all(n.startswith("web-") for n in names(app))
        assert " pods(default)[3] </we> " in title(app)
        await pilot.press("enter")
        await pilot.pause()
        assert " pods(default)[3] </we> " in title(app), "enter keeps the filter"
        await type_filter(pilot, "!web")
        assert len(names(app)) == 2 and all(n.startswith("api-") for n in names(app))
        await type_filter(pilot, "-l tier=front")
        assert len(names(app)) == 3 and " pods(default)[3] </-l tier=front> " in title(app)
        await type_filter(pilot, "-f qqq")  # fuzzy: q, q, q in order in namespace/name
        assert names(app) == []
        await type_filter(pilot, "-f dtapi")  # (defaul)t/api-…
        assert len(names(app)) == 2
        await type_filter(pilot, "RUNNING")  # case-insensitive, over the STATUS cell too
        assert len(names(app)) == 5
        await type_filter(pilot, "web api")  # k9s ignores a query with a space
        assert len(names(app)) == 5
        await pilot.press("escape")  # esc clears the filter
        await pilot.pause()
        assert len(names(app)) == 5 and "</" not in title(app)
        await pilot.press("slash", *"api", "escape")  # esc in the prompt drops what was typed
        await pilot.pause()
        assert len(names(app)) == 5 and "</" not in title(app)


async def test_filter_follows_live_changes_and_keeps_the_cursor(cluster: Cluster, make_app: AppFactory) -> None:
    two_apps(cluster)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "down", "down")  # the first web pod
        key = table(app).cursor_key
        assert key is not None and key[1].startswith("web-")
        await type_filter(pilot, "web")
        assert table(app).cursor_key == key, "the cursor stays on its row when it still shows"
        apply_object(cluster.store, nginx_deployment(name="web", replicas=4))
        cluster.advance_sync(30)
        await pilot.pause()
        assert " pods(default)[4] </web> " in title(app)


async def test_sort_keys_and_header_marks(cluster: Cluster, make_app: AppFactory) -> None:
    two_apps(cluster)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert header(app)[0] == "NAME↑"
        before = names(app)
        await pilot.press("N")  # already by name: flips the direction
        await pilot.pause()
        assert header(app)[0] == "NAME↓" and names(app) == before[::-1]
        await pilot.press("S")
        await pilot.pause()
        assert "STATUS↑" in header(app) and "NAME" in header(app)
        await pilot.press("shift+right", "O")  # the column after STATUS: RESTARTS
        await pilot.pause()
        assert "RESTARTS↑" in header(app)
        await pilot.press("O")
        await pilot.pause()
        assert "RESTARTS↓" in header(app)
        await pilot.press("P")  # only with all namespaces: nothing happens
        await pilot.pause()
        assert "RESTARTS↓" in header(app)
        await pilot.press("0")  # all namespaces
        await pilot.pause()
        assert header(app)[0] == "NAMESPACE↑"
        await pilot.press("A")
        await pilot.pause()
        assert "AGE↑" in header(app)
        await pilot.press("P")
        await pilot.pause()
        assert header(app)[0] == "NAMESPACE↑"


async def test_wide_columns_toggle(cluster: Cluster, make_app: AppFactory) -> None:
    two_apps(cluster)
    app = make_app()
    async with app.run_test(size=(180, 30)) as pilot:
        await pilot.press("down", "down")
        key = table(app).cursor_key
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert " ".join(header(app)).endswith("AGE IP NODE NOMINATED NODE READINESS GATES")
        assert table(app).cursor_key == key
        await pilot.press("ctrl+w")
        await pilot.pause()
        assert " ".join(header(app)).endswith("RESTARTS AGE")


def row_color(app: K9playApp, index: int) -> str:
    t = table(app)
    seg = next(s for s in t.render_line(index - int(t.scroll_y) + 1) if s.text.strip())
    assert seg.style is not None and seg.style.color is not None and seg.style.color.triplet is not None
    return seg.style.color.triplet.hex


DARKGOLDENROD = "#b8860b"


async def test_marks_and_selected_keys(cluster: Cluster, make_app: AppFactory) -> None:
    two_apps(cluster)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, BrowserScreen)
        keys = table(app).model.keys  # type: ignore[union-attr]
        assert screen.selected_keys() == [keys[0]], "no marks: the cursor row"
        await pilot.press("space", "down", "down")
        await pilot.pause()
        assert screen.selected_keys() == [keys[0]]
        assert row_color(app, 0) == DARKGOLDENROD
        await pilot.press("ctrl+@")  # ctrl-space: the range from the last mark to here
        await pilot.pause()
        assert screen.selected_keys() == keys[:3]
        await pilot.press("down", "space", "up", "space")  # unmark row 2
        await pilot.pause()
        assert screen.selected_keys() == [keys[0], keys[1], keys[3]]
        await pilot.press("N")  # table order follows the sort
        await pilot.pause()
        assert screen.selected_keys() == [keys[3], keys[1], keys[0]]
        await pilot.press("ctrl+backslash")
        await pilot.pause()
        assert screen.selected_keys() == [table(app).cursor_key]


async def test_mouse_click_and_wheel(cluster: Cluster, make_app: AppFactory) -> None:
    for i in range(100):
        cluster.store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"pod-{i:03d}"},
                              "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.click(ResourceTable, offset=(5, 4))  # border, header, then rows 0, 1, 2
        assert table(app).cursor_key == ("default", "pod-002")
        for _ in range(3):
            await pilot._post_mouse_events([events.MouseScrollDown], ResourceTable, offset=(5, 5))
        await pilot.pause()
        assert int(table(app).scroll_y) > 0 and names(app)[0] != "pod-000", "the wheel scrolls"
        assert table(app).cursor_key == ("default", "pod-002"), "without moving the cursor"
        top = int(table(app).scroll_y)
        await pilot.click(ResourceTable, offset=(5, 2))
        assert table(app).cursor_key == ("default", f"pod-{top:03d}")
        await pilot.press("home")
        await pilot.pause()
        assert int(table(app).scroll_y) == 0
