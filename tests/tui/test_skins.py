"""Skins: k9s skin files become themes, ``--skin``/``K9PLAY_SKIN`` pick one, ctrl+p switches.

The real k9s skins come from the shared corpus (``/work/shared/corpus/k9s-skins``, or
``$K9PLAY_SKIN_CORPUS``); the tests that need it skip when it is absent.
Regenerate the snapshots with ``pytest tests/tui/test_skins.py --snapshot-update``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_textual_snapshot as pts
from rich.color import Color as RichColor
from textual.color import Color
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.theme import BUILTIN_THEMES, Theme
from textual.widgets import Button

from k9play import cli
from k9play.cluster import Cluster
from k9play.manifests.applier import apply_object
from k9play.tui.app import K9playApp
from k9play.tui.skins import (
    DEFAULT,
    K9S_COLORS,
    K9S_THEME,
    MENU_STYLES,
    SCHEMA,
    SKIN_KEYS,
    Skin,
    SkinError,
    bundled_skins,
    bundled_skins_dir,
    derive_k9s_colors,
    load_skin,
    parse_color,
    read_skin,
    resolve_skin,
    skin_colors,
    theme_name_for,
)
from k9play.tui.widgets import Flash, ResourceTable

from .helpers import nginx_deployment, screen_text

CORPUS = Path(os.environ.get("K9PLAY_SKIN_CORPUS", "/work/shared/corpus/k9s-skins"))
CORPUS_SKINS = sorted(CORPUS.glob("*.yaml")) if CORPUS.is_dir() else []
needs_corpus = pytest.mark.skipif(not CORPUS_SKINS, reason=f"k9s skin corpus not found at {CORPUS}")
SIZE = (120, 30)
SnapCompare = Callable[..., bool]


def rolled_out(skin: Skin | str | Path | None = None) -> K9playApp:
    """Three running nginx pods on a manual clock: every frame is the same run after run."""
    cluster = Cluster().start()
    apply_object(cluster.store, nginx_deployment())
    cluster.advance_sync(30)
    return K9playApp(cluster, realtime=False, skin=skin)


def write(tmp_path: Path, text: str, name: str = "skin.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def hex_of(color: RichColor | None) -> str:
    assert color is not None and color.triplet is not None
    return color.triplet.hex


# ---------------------------------------------------------------- colour values
@pytest.mark.parametrize(("value", "expected"), [
    ("dodgerblue", "#1e90ff"),
    ("DodgerBlue", "#1e90ff"),
    ("papayawhip", "#ffefd5"),
    ("navy", "#000080"),  # tcell's palette names are taken as their true colours, as k9s does
    ("grey", "#808080"),
    ("rebeccapurple", "#663399"),
    ("#FF79C6", "#ff79c6"),
    ("  #282a36 ", "#282a36"),
    ("default", DEFAULT),
    ("-", DEFAULT),
    ("", DEFAULT),
    (None, DEFAULT),
])
def test_parse_color_accepts_what_tcell_accepts(value: object, expected: str) -> None:
    assert parse_color(value) == expected


@pytest.mark.parametrize("value", [
    "linegreen",  # the typo in k9s' own stock.yaml
    "#fff",  # tcell wants exactly #rrggbb
    "#12345g",
    "cyan",  # CSS knows it, tcell does not
    "magenta",
    "transparent",
    "ansi_red",
    "rgb(1, 2, 3)",
    "background",
    12,
    True,
])
def test_parse_color_rejects_what_tcell_does_not_know(value: object) -> None:
    assert parse_color(value) is None


# ------------------------------------------------------------------ the mapping
def _schema_paths(node: dict[str, Any], prefix: str = "") -> set[str]:
    out: set[str] = set()
    for key, sub in node.items():
        out |= _schema_paths(sub, f"{prefix}{key}.") if isinstance(sub, dict) else {f"{prefix}{key}"}
    return out


def test_every_variable_is_reachable_from_a_skin_key_and_every_key_is_in_the_schema() -> None:
    assert set(SKIN_KEYS.values()) == set(K9S_COLORS)
    known = _schema_paths(SCHEMA)
    for key in SKIN_KEYS:
        base = key.split("[")[0]
        assert base in known or base.rsplit(".", 1)[0] in known, key


def test_a_skin_is_laid_over_the_stock_look() -> None:
    values, warnings = read_skin({"k9s": {"frame": {"status": {"errorColor": "red"}}}}, "t.yaml")
    assert values == {"frame.status.errorColor": "#ff0000"} and warnings == []
    colors = skin_colors(values)
    changed = {k for k in colors if colors[k] != K9S_COLORS[k]}
    assert changed == {"k9s-error", "k9s-flash-error"}  # the flash follows the skin's error colour


def test_logo_colours_win_over_the_flash_fallback() -> None:
    values, _ = read_skin({"k9s": {"body": {"fgColor": "white", "logoColorInfo": "gold"}}}, "t.yaml")
    colors = skin_colors(values)
    assert colors["k9s-flash-info"] == "#ffd700" and colors["k9s-fg"] == "#ffffff"


def test_unknown_keys_are_ignored_like_k9s() -> None:
    data = {"k9s": {"body": {"fgColor": "red", "shiny": True}, "frame": {"status": {"highlightcolor": 3}},
                    "extras": [1, 2]}, "palette": {"a": "b"}}
    values, warnings = read_skin(data, "t.yaml")
    assert values == {"body.fgColor": "#ff0000"} and warnings == []


def test_unknown_colour_is_the_terminal_default_with_a_warning() -> None:
    data = {"k9s": {"views": {"charts": {"defaultDialColors": ["linegreen", "red"]}}}}
    values, warnings = read_skin(data, "stock.yaml")
    assert values["views.charts.defaultDialColors[0]"] == DEFAULT
    assert values["views.charts.defaultDialColors[1]"] == "#ff0000"
    assert warnings == ['stock.yaml: k9s.views.charts.defaultDialColors[0]: unknown colour "linegreen" '
                        "(terminal default used)"]


@pytest.mark.parametrize(("style", "expected"), [("dim", "dim"), ("bold", "bold"), ("normal", "none")])
def test_menu_fg_style(style: str, expected: str) -> None:
    values, _ = read_skin({"k9s": {"frame": {"menu": {"fgStyle": style}}}}, "t.yaml")
    assert skin_colors(values)["k9s-menu-style"] == expected


def test_theme_names_never_replace_textual_themes() -> None:
    assert theme_name_for(Path("x/nord.yaml")) == "k9s-nord"
    assert theme_name_for(Path("x/k9s.yaml")) == "k9s-k9s"
    assert theme_name_for(Path("x/kiss.yaml")) == "kiss"


# --------------------------------------------------------------- broken files
@pytest.mark.parametrize(("text", "problem"), [
    ("k9s:\n  body: [\n", "line 3, column 1: "),  # the rest is libyaml's wording
    ("k9s:\n\tbody: {}\n", "line 2, column 1: "),
    ("- just\n- a list\n", "not a k9s skin: the top level must be a mapping with a `k9s:` key"),
    ("apiVersion: v1\nkind: Pod\n", "not a k9s skin"),
    ("k9s:\n  frame:\n    border: dodgerblue\n", "k9s.frame.border: expected a mapping, got str 'dodgerblue'"),
    ("k9s:\n  body:\n    fgColor: {a: 1}\n", "k9s.body.fgColor: expected a colour, got a mapping"),
    ("k9s:\n  views:\n    charts:\n      defaultDialColors: red\n",
     "k9s.views.charts.defaultDialColors: expected a list of colours, got str 'red'"),
    ("k9s: 3\n", "k9s: expected a mapping, got int 3"),
])
def test_broken_skin_names_file_and_problem(tmp_path: Path, text: str, problem: str) -> None:
    path = write(tmp_path, text, "broken.yaml")
    with pytest.raises(SkinError) as info:
        load_skin(path)
    assert str(info.value).startswith(f"{path}: ")
    assert problem in str(info.value)


def test_missing_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(SkinError, match=r"nope\.yaml: no such file"):
        load_skin(tmp_path / "nope.yaml")
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes("k9s:\n  body:\n    fgColor: \xe9\n".encode("latin-1"))
    with pytest.raises(SkinError, match=r"latin1\.yaml: cannot read"):
        load_skin(latin1)


async def test_broken_skin_shows_the_error_and_keeps_the_stock_look(tmp_path: Path) -> None:
    bad = write(tmp_path, "k9s:\n  frame:\n    border: dodgerblue\n", "broken.yaml")
    app, stock = rolled_out(bad), rolled_out()
    async with stock.run_test(size=SIZE) as pilot:
        await pilot.pause()
        stock_text = screen_text(stock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "k9s" and app.current_theme is K9S_THEME
        flash = app.screen.query_one(Flash)
        assert flash.message.level == "error"
        assert flash.message.line == (f"skin {bad}: k9s.frame.border: expected a mapping, got str 'dodgerblue' "
                                      "(using the stock skin)")
        table = app.screen.query_one(ResourceTable)
        assert hex_of(table.get_component_rich_style("resource-table--normal").color) == "#87cefa"
        assert screen_text(app).splitlines()[:-1] == stock_text.splitlines()[:-1]  # all but the flash line


async def test_unknown_colour_is_flashed_as_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, "k9s:\n  frame:\n    status:\n      newColor: linegreen\n      errorColor: redred\n")
    async with rolled_out(path).run_test(size=SIZE) as pilot:
        await pilot.pause()
        app = pilot.app
        assert app.theme == "skin"
        message = app.screen.query_one(Flash).message
        assert message.level == "warn"
        assert message.line == (f'skin {path}: k9s.frame.status.newColor: unknown colour "linegreen" '
                                "(terminal default used) (+1 more)")


# ----------------------------------------------------------- the k9s corpus
@needs_corpus
@pytest.mark.parametrize("path", CORPUS_SKINS, ids=[p.stem for p in CORPUS_SKINS])
def test_corpus_skin_maps_to_valid_colours(path: Path) -> None:
    skin = load_skin(path)
    assert skin.name == theme_name_for(path)
    assert set(skin.colors) == set(K9S_COLORS)
    for var, value in skin.colors.items():
        if var == "k9s-menu-style":
            assert value in MENU_STYLES.values()
        else:
            Color.parse(value)  # raises on anything Textual could not draw
    assert all("unknown colour" in w for w in skin.warnings)
    variables = skin.theme.to_color_system().generate()
    assert variables["background"] and variables["foreground"]


@needs_corpus
@pytest.mark.parametrize("path", CORPUS_SKINS, ids=[p.stem for p in CORPUS_SKINS])
async def test_corpus_skin_renders_a_frame(path: Path) -> None:
    skin = load_skin(path)
    app = rolled_out(skin)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == skin.name
        assert "pods(default)[3]" in screen_text(app)
        table = app.screen.query_one(ResourceTable)
        for status, var in (("normal", "k9s-std"), ("error", "k9s-error"), ("header", "k9s-table-header")):
            color = table.get_component_rich_style(f"resource-table--{status}").color
            if skin.colors[var] == DEFAULT:
                assert color is None or color.is_default
            else:
                assert hex_of(color) == Color.parse(skin.colors[var]).hex.lower(), status


def test_nord_keys_reach_their_variables() -> None:
    """One skin checked key by key against the file (no corpus needed: the values are nord's)."""
    data = {"k9s": {"body": {"fgColor": "#DADEE8", "bgColor": "default", "logoColor": "#B48EAD"},
                    "frame": {"border": {"fgColor": "#D9DEE8", "focusColor": "#383D4A"},
                              "title": {"bgColor": "#383D4A", "highlightColor": "#D08770"}},
                    "views": {"table": {"header": {"sorterColor": "#88C0D0"}},
                              "yaml": {"colonColor": "#B48EAD"}}}}
    colors = skin_colors(read_skin(data, "nord.yaml")[0])
    assert colors["k9s-fg"] == "#dadee8" and colors["k9s-bg"] == DEFAULT and colors["k9s-logo"] == "#b48ead"
    assert colors["k9s-border"] == "#d9dee8" and colors["k9s-border-focus"] == "#383d4a"
    assert colors["k9s-title-bg"] == "#383d4a" and colors["k9s-title-highlight"] == "#d08770"
    assert colors["k9s-table-sorter"] == "#88c0d0" and colors["k9s-yaml-colon"] == "#b48ead"
    assert colors["k9s-cursor-fg"] == K9S_COLORS["k9s-cursor-fg"]  # not in the file: k9s' default


async def test_dialogs_and_logs_take_the_skin_colours() -> None:
    skin = load_skin(bundled_skins_dir() / "k9play-light.yaml")
    app = rolled_out(skin)
    want = {k: Color.parse(v) for k, v in skin.colors.items() if k != "k9s-menu-style"}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "ctrl+d")
        await pilot.pause()
        dialog = app.screen.query_one("#dialog")
        assert dialog.styles.background == want["k9s-dialog-bg"]
        assert app.screen.query_one("#message").styles.color == want["k9s-dialog-fg"]
        assert app.screen.query_one(".field > Label").styles.color == want["k9s-dialog-label"]
        assert app.screen.query_one(Button).styles.background in (want["k9s-dialog-button-bg"],
                                                                   want["k9s-dialog-button-focus-bg"])
        await pilot.press("escape", "l")
        await pilot.pause()
        log = app.screen.query_one("#log")
        assert (log.styles.background, log.styles.color) == (want["k9s-logs-bg"], want["k9s-logs-fg"])
        assert app.screen.query_one("#log-indicator").styles.color == want["k9s-logs-indicator-fg"]


# ----------------------------------------------------------- k9play's skins
def test_bundled_skins_load_cleanly() -> None:
    skins = {s.name: s for s in bundled_skins()}
    assert set(skins) == {"k9play-dark", "k9play-light"}
    assert sorted(p.name for p in bundled_skins_dir().glob("*.yaml")) == ["k9play-dark.yaml", "k9play-light.yaml"]
    for skin in skins.values():
        assert skin.warnings == ()
        assert DEFAULT not in skin.colors.values()  # ours never depend on the terminal's colours
    assert skins["k9play-dark"].theme.dark and not skins["k9play-light"].theme.dark


def _contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours."""
    def lum(c: str) -> float:
        col = Color.parse(c)
        ch = [v / 255 for v in (col.r, col.g, col.b)]
        lin = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in ch]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_light_skin_is_readable_on_a_light_background() -> None:
    colors = load_skin(bundled_skins_dir() / "k9play-light.yaml").colors
    text = ["k9s-fg", "k9s-logo", "k9s-info", "k9s-info-label", "k9s-menu", "k9s-menu-key", "k9s-title",
            "k9s-title-highlight", "k9s-title-counter", "k9s-table-header", "k9s-yaml-key", "k9s-yaml-colon",
            "k9s-yaml-value", "k9s-help-text", "k9s-help-section", "k9s-help-key", "k9s-flash-info",
            "k9s-flash-warn", "k9s-flash-error"]
    status = ["k9s-std", "k9s-add", "k9s-modify", "k9s-pending", "k9s-error", "k9s-highlight", "k9s-kill",
              "k9s-completed"]
    assert Color.parse(colors["k9s-bg"]).brightness > 0.9
    for var in text + status:
        assert _contrast(colors[var], colors["k9s-bg"]) >= 4.5, var
    for var in status:  # the cursor row: cursor text on the row's colour
        assert _contrast(colors["k9s-cursor-fg"], colors[var]) >= 4.5, var
    assert _contrast(colors["k9s-prompt"], colors["k9s-prompt-bg"]) >= 4.5


# ---------------------------------------------------------- choosing a skin
def test_resolve_names_files_and_textual_themes(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config")}
    user = tmp_path / "config" / "k9play" / "skins"
    user.mkdir(parents=True)
    write(user, "k9s:\n  body:\n    fgColor: gold\n", "k9play-light.yaml")  # the user's copy wins
    write(user, "k9s:\n  body:\n    fgColor: red\n", "mine.yml")
    light = resolve_skin("k9play-light", env)
    assert isinstance(light, Skin) and light.path == user / "k9play-light.yaml" and light.colors["k9s-fg"] == "#ffd700"
    mine = resolve_skin("mine", env)
    assert isinstance(mine, Skin) and mine.name == "mine"
    dark = resolve_skin("k9play-dark", env)
    assert isinstance(dark, Skin) and dark.path == bundled_skins_dir() / "k9play-dark.yaml"
    as_file = resolve_skin(str(user / "mine.yml"), env)
    assert isinstance(as_file, Skin) and as_file.colors["k9s-fg"] == "#ff0000"
    assert resolve_skin("textual-light", env) == "textual-light"
    assert resolve_skin("k9s", env) == "k9s"
    with pytest.raises(SkinError) as info:
        resolve_skin("dracul", env)
    assert str(info.value).startswith("dracul: no such skin in ")
    assert "(skins: k9play-dark, k9play-light, mine)" in str(info.value)
    with pytest.raises(SkinError, match=r"^missing\.yaml: no such file$"):
        resolve_skin("missing.yaml", env)


def test_default_xdg_config_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    skins = tmp_path / ".config" / "k9play" / "skins"
    skins.mkdir(parents=True)
    write(skins, "k9s:\n  body:\n    bgColor: white\n", "home.yaml")
    found = resolve_skin("home", {})
    assert isinstance(found, Skin) and found.colors["k9s-bg"] == "#ffffff"


@pytest.mark.parametrize(("argv", "env", "expected"), [
    ([], None, None),
    (["--skin", "k9play-light"], None, "k9play-light"),
    ([], "nord.yaml", "nord.yaml"),
    (["--skin", "k9play-dark"], "nord.yaml", "k9play-dark"),  # the flag wins over the environment
])
def test_cli_skin_flag_and_env(monkeypatch: pytest.MonkeyPatch, argv: list[str], env: str | None,
                               expected: str | None) -> None:
    seen: dict[str, Any] = {}

    def fake_run_tui(*args: Any) -> int:
        seen["args"] = args
        return 0

    monkeypatch.setattr(cli, "run_tui", fake_run_tui)
    if env is None:
        monkeypatch.delenv("K9PLAY_SKIN", raising=False)
    else:
        monkeypatch.setenv("K9PLAY_SKIN", env)
    cli.main(argv)
    assert seen["args"][-1] == expected


async def test_textual_theme_as_skin_derives_k9s_colours() -> None:
    app = rolled_out("textual-light")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "textual-light"
        background = app.theme_variables["background"]
        assert app.theme_variables["k9s-bg"] == background
        assert app.screen.styles.background == Color.parse(background)


# ---------------------------------------------------------- the palette
def test_derived_colours_cover_every_variable_for_every_textual_theme() -> None:
    for theme in [*BUILTIN_THEMES.values(), K9S_THEME]:
        derived = derive_k9s_colors(theme)
        assert set(derived) == set(K9S_COLORS), theme.name
        for var, value in derived.items():
            if var != "k9s-menu-style":
                Color.parse(value)


async def test_ctrl_p_opens_the_palette_and_themes_switch_live(tmp_path: Path) -> None:
    app = rolled_out("k9play-light")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert {"k9s", "k9play-dark", "k9play-light", "textual-dark", "nord"} <= set(app.available_themes)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press("escape")
        await pilot.pause()
        table = app.screen.query_one(ResourceTable)
        light_bg = table.styles.background
        assert light_bg == Color.parse("#ffffff")
        app.theme = "nord"  # what the palette's "Change theme" does
        await pilot.pause()
        nord: Theme = app.current_theme
        assert table.styles.background == Color.parse(nord.background or "")
        assert hex_of(table.get_component_rich_style("resource-table--normal").color) == \
            Color.parse(app.theme_variables["foreground"]).hex.lower()
        app.theme = "k9play-light"
        await pilot.pause()
        assert table.styles.background == light_bg


async def _first_hit(pilot: Pilot[None], query: str) -> str:
    """Type ``query`` into the open palette and wait (searches run in a worker) for its first hit."""
    await pilot.press(*query)
    commands = pilot.app.screen.query_one(CommandList)
    for _ in range(200):
        await pilot.pause(0.01)
        if commands.option_count and commands.highlighted == 0:
            return str(commands.get_option_at_index(0).prompt)
    raise AssertionError(f"the palette found nothing for {query!r}")


async def test_palette_picks_a_skin_under_theme() -> None:
    app = rolled_out()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        assert "Theme" in await _first_hit(pilot, "theme")
        await pilot.press("enter")
        assert await _first_hit(pilot, "k9play-li") == "k9play-light"
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "k9play-light"
        assert app.screen.query_one(ResourceTable).styles.background == Color.parse("#ffffff")


# ---------------------------------------------------------- snapshots
def snap_compare_in(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, folder: str) -> SnapCompare:
    """``snap_compare`` keeping this test's SVG in ``snapshots/test_skins/<folder>/``.

    Why: syrupy walks a snapshot folder recursively and calls a file there "unused" (failing
    the run) when its test was skipped. With the corpus-dependent snapshot in a folder of its
    own, a run without the corpus never looks at it. The fixture reads the extension class when
    it is set up, hence the patch before asking for it.
    """
    base: Any = pts.SVGImageExtension  # conftest's top-level snapshots/<module>/ extension

    class InFolder(base):
        @classmethod
        def dirname(cls, *, test_location: Any) -> str:
            return str(Path(base.dirname(test_location=test_location)) / folder)

    monkeypatch.setattr(pts, "SVGImageExtension", InFolder)
    compare: SnapCompare = request.getfixturevalue("snap_compare")
    return compare


@needs_corpus
def test_snapshot_pods_with_k9s_nord_skin(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A real k9s skin on the pods view: nord's terminal-default background and title bar."""
    snap_compare = snap_compare_in(request, monkeypatch, "k9s-corpus")
    assert snap_compare(rolled_out(load_skin(CORPUS / "nord.yaml")), press=["down"], terminal_size=SIZE)


def test_snapshot_pods_with_k9play_light_skin(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    snap_compare = snap_compare_in(request, monkeypatch, "k9play")
    assert snap_compare(rolled_out("k9play-light"), press=["down"], terminal_size=SIZE)
