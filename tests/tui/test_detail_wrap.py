"""Long lines in the text pages: describe and YAML fold them at the edge as k9s' live view does
(an event's message is read to its end), a ``:kubectl`` table scrolls sideways instead."""

from __future__ import annotations

from collections.abc import Callable

from k9play.cluster import Cluster
from k9play.manifests.applier import apply_object
from k9play.tui.app import K9playApp
from k9play.tui.screens import DetailScreen
from k9play.tui.screens.text import TextScreen

from .helpers import screen_text

SIZE = (80, 30)
TAIL = "and-this-is-the-end-of-it"
LONG = "word " * 30 + TAIL


def config(cluster: Cluster) -> None:
    apply_object(cluster.store, {"apiVersion": "v1", "kind": "ConfigMap",
                                 "metadata": {"name": "long", "namespace": "default"}, "data": {"note": LONG}})


async def test_describe_and_yaml_fold_long_lines(cluster: Cluster, make_app: Callable[[], K9playApp]) -> None:
    config(cluster)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("colon", *"cm /long", "enter")
        await pilot.pause()
        for key in ("d", "y"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, DetailScreen)
            text = screen_text(app)
            assert TAIL in text, text  # folded onto the next lines, not cut at the border
            assert all(len(line) <= SIZE[0] for line in text.splitlines())
            await pilot.press("escape")
            await pilot.pause()


async def test_a_wide_kubectl_table_scrolls_sideways(cluster: Cluster, make_app: Callable[[], K9playApp]) -> None:
    config(cluster)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("colon", *"kubectl get cm long -o custom-columns=NOTE:.data.note",
                          "enter")
        await pilot.pause()
        assert isinstance(app.screen, TextScreen)
        assert TAIL not in screen_text(app) and "NOTE" in screen_text(app)  # one row per line, as kubectl
        for _ in range(SIZE[0] + 40):
            await pilot.press("right")
        await pilot.pause()
        assert TAIL in screen_text(app)
