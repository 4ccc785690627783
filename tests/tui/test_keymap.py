"""User keymaps: remaps apply through Textual's binding ids; conflicts are reported, not applied."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from textual.binding import Binding

from k9play.cluster import Cluster
from k9play.manifests.applier import apply_object
from k9play.tui.app import K9playApp
from k9play.tui.keymap import check_keymap, keymap_path
from k9play.tui.screens import BrowserScreen, DetailScreen
from k9play.tui.screens.browser import binding_chains
from k9play.tui.widgets import ResourceTable

from .helpers import nginx_deployment, screen_text

AppFactory = Callable[[], K9playApp]

TABLE = [Binding("down,j", "cursor(1)", "Down", id="k9play.table.down")]
SCREEN = [Binding("d", "describe", "Describe", id="k9play.describe"), Binding("y", "yaml", "YAML", id="k9play.yaml"),
          Binding("escape", "back", "Back")]
CHAIN = [[("table", TABLE), ("browser", SCREEN)]]


def test_check_keymap_keeps_safe_entries_and_explains_the_rest() -> None:
    report = check_keymap({
        "k9play.describe": "D",  # fine
        "k9play.yaml": "j",  # the table's j comes first: yaml would never run
        "k9play.nope": "x",
        "k9play.table.down": "escape",  # reserved
    }, CHAIN)
    assert report.keymap == {"k9play.describe": "D"}
    assert report.problems == [
        "unknown binding id 'k9play.nope'",
        "k9play.table.down: escape is reserved (back/cancel)",
        "k9play.yaml: j is already k9play.table.down (Down)",
    ]
    assert report.summary == "keymap: unknown binding id 'k9play.nope' (+2 more)"


def test_swapping_keys_is_not_a_conflict_but_sharing_one_is() -> None:
    assert check_keymap({"k9play.describe": "y", "k9play.yaml": "d"}, CHAIN).problems == []
    report = check_keymap({"k9play.describe": "x", "k9play.yaml": ["x", "Y"]}, CHAIN)
    assert report.keymap == {} and len(report.problems) == 1
    assert check_keymap({"k9play.describe": "ctrl+d,?"}, CHAIN).keymap == {"k9play.describe": "ctrl+d,question_mark"}
    assert check_keymap({"k9play.describe": 3}, CHAIN).problems == ["'k9play.describe': expected `binding-id: keys`"]
    assert check_keymap({"k9play.describe": "no such key!"}, CHAIN).problems[0].endswith("is not a key name")


def test_the_real_bindings_have_unique_ids() -> None:
    ids = [b.id for chain in binding_chains(K9playApp) for _, scope in chain for b in scope
           if isinstance(b, Binding) and b.id]
    per_binding = {(b.id, b.action) for chain in binding_chains(K9playApp) for _, scope in chain for b in scope
                   if isinstance(b, Binding) and b.id}
    assert len({i for i, _ in per_binding}) == len(per_binding), "one action per id"
    assert {"k9play.describe", "k9play.filter", "k9play.mark", "k9play.table.down",
            "k9play.prompt.complete"} <= set(ids)


def write_keymap(text: str) -> Path:
    path = keymap_path()
    assert str(path).startswith(os.environ["XDG_CONFIG_HOME"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


async def test_remapped_keys_work_and_conflicts_are_flashed(cluster: Cluster, make_app: AppFactory) -> None:
    apply_object(cluster.store, nginx_deployment())
    cluster.advance_sync(10)
    write_keymap("k9play.describe: D\nk9play.yaml: j\nk9play.table.down: [down, j, n]\n")
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert "keymap: k9play.yaml: j is already k9play.table.down (Down)" in screen_text(app).splitlines()[-1]
        assert "<D> Describe" in screen_text(app), "the header shows the new key"
        await pilot.press("n")
        assert app.screen.query_one(ResourceTable).cursor_index == 1
        await pilot.press("d")  # no longer describe
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen)
        await pilot.press("j")  # the conflicting remap was not applied: j is still down
        assert app.screen.query_one(ResourceTable).cursor_index == 2
        await pilot.press("D")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen) and "describe(default/" in screen_text(app)


async def test_a_broken_keymap_file_is_reported(make_app: AppFactory) -> None:
    path = write_keymap("k9play.describe: [\n")
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert app.keymap_report.summary.startswith(f"keymap: {path}:")
        assert screen_text(app).splitlines()[-1].strip().startswith("keymap: /")


def test_the_readme_example_is_what_the_app_does() -> None:
    import re

    import yaml

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("### Your own keys", 1)[1].split("\n### ", 1)[0]
    example = yaml.safe_load(re.search(r"```yaml\n(.*?)```", section, re.S).group(1))  # type: ignore[union-attr]
    report = check_keymap(example, binding_chains(K9playApp))
    assert report.keymap == {"k9play.describe": "D", "k9play.table.down": "down,j,ctrl+n"}
    assert report.problems == ["k9play.filter: ctrl+f is already k9play.table.page-down (Page down)"]
    ids = re.findall(r"`(k9play\.[a-z0-9.-]*[a-z0-9])`", section)
    assert len(ids) >= 30
    for name in ids:
        assert name in {b.id for chain in binding_chains(K9playApp) for _, s in chain for b in s
                        if isinstance(b, Binding)}, name
