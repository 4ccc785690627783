"""k9s skins (research/k9s.md §3) as Textual themes.

Every colour k9play draws is a ``$k9s-*`` theme variable (:data:`K9S_COLORS`, k9s' stock
look). A k9s skin file is read the way k9s reads it — its values laid over the stock ones,
unknown keys ignored, a colour tcell does not know treated as the terminal default — and
turned into a :class:`~textual.theme.Theme` whose ``variables`` carry the ``$k9s-*`` values.
So a skin is just one more theme: it sits beside Textual's own in the command palette, and
a Textual theme picked there gets ``$k9s-*`` values derived from its colours
(:func:`derive_k9s_colors`).

A file that cannot be a skin (unreadable, not YAML, no ``k9s:`` root, a section of the wrong
shape) raises :class:`SkinError` naming the file and the problem; the app then keeps the
stock look and shows the error.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import yaml
from textual.color import Color, ColorParseError
from textual.theme import BUILTIN_THEMES, Theme

#: The terminal's own colour (k9s ``default``, ``-`` or empty): Textual's ANSI default.
DEFAULT: Final = "ansi_default"
#: Name of the stock theme (k9s' built-in look, no skin file).
STOCK_THEME: Final = "k9s"

#: k9s' stock skin as theme variables. Values follow k9s' ``skins/stock.yaml``, else its
#: built-in defaults (``config/styles.go``); ``k9s-flash-*`` are k9s' hard-coded flash
#: colours and ``k9s-menu-style`` is the menu's text style (``none``, ``bold`` or ``dim``).
#: Where k9play drew differently before skins, its look is kept: plain text (``k9s-fg``),
#: dialog messages, log lines and the container picker use the healthy-row colour (stock.yaml:
#: dodgerblue/white), and the menu is not dimmed.
K9S_COLORS: dict[str, str] = {
    # body, header, flash
    "k9s-bg": "black",
    "k9s-fg": "lightskyblue",
    "k9s-logo": "orange",
    "k9s-info-label": "white",
    "k9s-info": "orange",
    "k9s-flash-info": "navajowhite",
    "k9s-flash-warn": "orange",
    "k9s-flash-error": "orangered",
    # frame: border, title, menu, crumbs
    "k9s-border": "dodgerblue",
    "k9s-border-focus": "aqua",
    "k9s-title": "aqua",
    "k9s-title-bg": "black",
    "k9s-title-highlight": "fuchsia",
    "k9s-title-counter": "papayawhip",
    "k9s-title-filter": "steelblue",
    "k9s-menu": "white",
    "k9s-menu-key": "dodgerblue",
    "k9s-menu-numkey": "fuchsia",
    "k9s-menu-style": "none",
    "k9s-crumb-fg": "black",
    "k9s-crumb-bg": "steelblue",
    "k9s-crumb-active": "orange",
    # row status colours (frame.status)
    "k9s-std": "lightskyblue",
    "k9s-add": "dodgerblue",
    "k9s-modify": "greenyellow",
    "k9s-pending": "darkorange",
    "k9s-error": "orangered",
    "k9s-highlight": "aqua",
    "k9s-kill": "mediumpurple",
    "k9s-completed": "gray",
    # table
    "k9s-table-fg": "blue",
    "k9s-table-bg": "black",
    "k9s-cursor-fg": "black",
    "k9s-cursor-bg": "aqua",
    "k9s-mark": "darkgoldenrod",
    "k9s-table-header": "white",
    "k9s-table-header-bg": "black",
    "k9s-table-sorter": "orange",
    # prompt
    "k9s-prompt": "cadetblue",
    "k9s-prompt-bg": "black",
    "k9s-prompt-suggest": "dodgerblue",
    "k9s-prompt-border": "aqua",
    "k9s-prompt-border-filter": "seagreen",
    # help
    "k9s-help-text": "cadetblue",
    "k9s-help-bg": "black",
    "k9s-help-section": "white",
    "k9s-help-key": "dodgerblue",
    "k9s-help-numkey": "fuchsia",
    # dialog
    "k9s-dialog-fg": "lightskyblue",
    "k9s-dialog-bg": "black",
    "k9s-dialog-button-fg": "black",
    "k9s-dialog-button-bg": "dodgerblue",
    "k9s-dialog-button-focus-fg": "white",
    "k9s-dialog-button-focus-bg": "fuchsia",
    "k9s-dialog-label": "fuchsia",
    "k9s-dialog-field": "dodgerblue",
    # yaml / describe
    "k9s-yaml-key": "steelblue",
    "k9s-yaml-colon": "white",
    "k9s-yaml-value": "papayawhip",
    # logs
    "k9s-logs-fg": "lightskyblue",
    "k9s-logs-bg": "black",
    "k9s-logs-indicator-fg": "dodgerblue",
    "k9s-logs-indicator-bg": "black",
    "k9s-logs-toggle-on": "papayawhip",
    "k9s-logs-toggle-off": "steelblue",
    # xray
    "k9s-xray-fg": "blue",
    "k9s-xray-bg": "black",
    "k9s-xray-cursor": "aqua",
    "k9s-xray-cursor-text": "black",
    "k9s-xray-graphic": "darkgoldenrod",
    # charts (pulses): [ok, fault] pairs and per-resource series
    "k9s-charts-bg": "black",
    "k9s-charts-dial-bg": "black",
    "k9s-charts-chart-bg": "black",
    "k9s-charts-dial-ok": "palegreen",
    "k9s-charts-dial-fault": "orangered",
    "k9s-charts-ok": "palegreen",
    "k9s-charts-fault": "orangered",
    "k9s-charts-cpu": "dodgerblue",
    "k9s-charts-cpu-alt": "darkslateblue",
    "k9s-charts-mem": "yellow",
    "k9s-charts-mem-alt": "goldenrod",
    # container picker
    "k9s-picker-main": "lightskyblue",
    "k9s-picker-focus": "aqua",
    "k9s-picker-shortcut": "aqua",
}

#: The k9s skin keys k9play reads (``k9s:`` omitted), each onto its theme variable. Keys
#: listed in :data:`SCHEMA` but not here (``info.cpuColor``, ``body.logoColorMsg``…) style
#: elements k9play does not have; they are still checked.
SKIN_KEYS: dict[str, str] = {
    "body.fgColor": "k9s-fg",
    "body.bgColor": "k9s-bg",
    "body.logoColor": "k9s-logo",
    "body.logoColorInfo": "k9s-flash-info",
    "body.logoColorWarn": "k9s-flash-warn",
    "body.logoColorError": "k9s-flash-error",
    "prompt.fgColor": "k9s-prompt",
    "prompt.bgColor": "k9s-prompt-bg",
    "prompt.suggestColor": "k9s-prompt-suggest",
    "prompt.border.command": "k9s-prompt-border",
    "prompt.border.default": "k9s-prompt-border-filter",
    "help.fgColor": "k9s-help-text",
    "help.bgColor": "k9s-help-bg",
    "help.sectionColor": "k9s-help-section",
    "help.keyColor": "k9s-help-key",
    "help.numKeyColor": "k9s-help-numkey",
    "info.fgColor": "k9s-info",
    "info.sectionColor": "k9s-info-label",
    "dialog.fgColor": "k9s-dialog-fg",
    "dialog.bgColor": "k9s-dialog-bg",
    "dialog.buttonFgColor": "k9s-dialog-button-fg",
    "dialog.buttonBgColor": "k9s-dialog-button-bg",
    "dialog.buttonFocusFgColor": "k9s-dialog-button-focus-fg",
    "dialog.buttonFocusBgColor": "k9s-dialog-button-focus-bg",
    "dialog.labelFgColor": "k9s-dialog-label",
    "dialog.fieldFgColor": "k9s-dialog-field",
    "frame.border.fgColor": "k9s-border",
    "frame.border.focusColor": "k9s-border-focus",
    "frame.title.fgColor": "k9s-title",
    "frame.title.bgColor": "k9s-title-bg",
    "frame.title.highlightColor": "k9s-title-highlight",
    "frame.title.counterColor": "k9s-title-counter",
    "frame.title.filterColor": "k9s-title-filter",
    "frame.menu.fgColor": "k9s-menu",
    "frame.menu.fgStyle": "k9s-menu-style",
    "frame.menu.keyColor": "k9s-menu-key",
    "frame.menu.numKeyColor": "k9s-menu-numkey",
    "frame.crumbs.fgColor": "k9s-crumb-fg",
    "frame.crumbs.bgColor": "k9s-crumb-bg",
    "frame.crumbs.activeColor": "k9s-crumb-active",
    "frame.status.newColor": "k9s-std",
    "frame.status.modifyColor": "k9s-modify",
    "frame.status.addColor": "k9s-add",
    "frame.status.pendingColor": "k9s-pending",
    "frame.status.errorColor": "k9s-error",
    "frame.status.highlightColor": "k9s-highlight",
    "frame.status.killColor": "k9s-kill",
    "frame.status.completedColor": "k9s-completed",
    "views.table.fgColor": "k9s-table-fg",
    "views.table.bgColor": "k9s-table-bg",
    "views.table.cursorFgColor": "k9s-cursor-fg",
    "views.table.cursorBgColor": "k9s-cursor-bg",
    "views.table.markColor": "k9s-mark",
    "views.table.header.fgColor": "k9s-table-header",
    "views.table.header.bgColor": "k9s-table-header-bg",
    "views.table.header.sorterColor": "k9s-table-sorter",
    "views.xray.fgColor": "k9s-xray-fg",
    "views.xray.bgColor": "k9s-xray-bg",
    "views.xray.cursorColor": "k9s-xray-cursor",
    "views.xray.cursorTextColor": "k9s-xray-cursor-text",
    "views.xray.graphicColor": "k9s-xray-graphic",
    "views.charts.bgColor": "k9s-charts-bg",
    "views.charts.dialBgColor": "k9s-charts-dial-bg",
    "views.charts.chartBgColor": "k9s-charts-chart-bg",
    "views.charts.defaultDialColors[0]": "k9s-charts-dial-ok",
    "views.charts.defaultDialColors[1]": "k9s-charts-dial-fault",
    "views.charts.defaultChartColors[0]": "k9s-charts-ok",
    "views.charts.defaultChartColors[1]": "k9s-charts-fault",
    "views.charts.resourceColors.cpu[0]": "k9s-charts-cpu",
    "views.charts.resourceColors.cpu[1]": "k9s-charts-cpu-alt",
    "views.charts.resourceColors.mem[0]": "k9s-charts-mem",
    "views.charts.resourceColors.mem[1]": "k9s-charts-mem-alt",
    "views.yaml.keyColor": "k9s-yaml-key",
    "views.yaml.colonColor": "k9s-yaml-colon",
    "views.yaml.valueColor": "k9s-yaml-value",
    "views.picker.mainColor": "k9s-picker-main",
    "views.picker.focusColor": "k9s-picker-focus",
    "views.picker.shortcutColor": "k9s-picker-shortcut",
    "views.logs.fgColor": "k9s-logs-fg",
    "views.logs.bgColor": "k9s-logs-bg",
    "views.logs.indicator.fgColor": "k9s-logs-indicator-fg",
    "views.logs.indicator.bgColor": "k9s-logs-indicator-bg",
    "views.logs.indicator.toggleOnColor": "k9s-logs-toggle-on",
    "views.logs.indicator.toggleOffColor": "k9s-logs-toggle-off",
}

#: k9play's flash line has no key of its own in k9s (its colours are hard-coded there); a
#: skin that does not set ``body.logoColor{Info,Warn,Error}`` gets them from these keys, so
#: the flash stays readable on the skin's background.
FLASH_FALLBACK: dict[str, str] = {
    "k9s-flash-info": "body.fgColor",
    "k9s-flash-warn": "frame.status.pendingColor",
    "k9s-flash-error": "frame.status.errorColor",
}

_C, _LIST, _MAP, _STYLE = "color", "colors", "colormap", "style"
SchemaNode = dict[str, "SchemaNode | str"]

#: The k9s skin format (``internal/config/styles.go``): what each known key holds.
SCHEMA: SchemaNode = {
    "body": {k: _C for k in ("fgColor", "bgColor", "logoColor", "logoColorMsg", "logoColorInfo", "logoColorWarn",
                             "logoColorError")},
    "prompt": {"fgColor": _C, "bgColor": _C, "suggestColor": _C, "border": {"command": _C, "default": _C}},
    "help": {k: _C for k in ("fgColor", "bgColor", "sectionColor", "keyColor", "numKeyColor")},
    "info": {k: _C for k in ("fgColor", "sectionColor", "cpuColor", "memColor", "k9sRevColor")},
    "dialog": {k: _C for k in ("fgColor", "bgColor", "buttonFgColor", "buttonBgColor", "buttonFocusFgColor",
                               "buttonFocusBgColor", "labelFgColor", "fieldFgColor")},
    "frame": {
        "title": {k: _C for k in ("fgColor", "bgColor", "highlightColor", "counterColor", "filterColor")},
        "border": {"fgColor": _C, "focusColor": _C},
        "menu": {"fgColor": _C, "fgStyle": _STYLE, "keyColor": _C, "numKeyColor": _C},
        "crumbs": {"fgColor": _C, "bgColor": _C, "activeColor": _C},
        "status": {k: _C for k in ("newColor", "modifyColor", "addColor", "pendingColor", "errorColor",
                                   "highlightColor", "killColor", "completedColor")},
    },
    "views": {
        "table": {"fgColor": _C, "bgColor": _C, "cursorFgColor": _C, "cursorBgColor": _C, "markColor": _C,
                  "header": {"fgColor": _C, "bgColor": _C, "sorterColor": _C, "selectedSortColumnColor": _C}},
        "xray": {k: _C for k in ("fgColor", "bgColor", "cursorColor", "cursorTextColor", "graphicColor")},
        "charts": {"bgColor": _C, "dialBgColor": _C, "chartBgColor": _C, "focusFgColor": _C, "focusBgColor": _C,
                   "defaultDialColors": _LIST, "defaultChartColors": _LIST, "resourceColors": _MAP},
        "yaml": {"keyColor": _C, "colonColor": _C, "valueColor": _C},
        "picker": {"mainColor": _C, "focusColor": _C, "shortcutColor": _C},
        "logs": {"fgColor": _C, "bgColor": _C,
                 "indicator": {"fgColor": _C, "bgColor": _C, "toggleOnColor": _C, "toggleOffColor": _C}},
    },
}

#: k9s' ``menu.fgStyle`` → Textual ``text-style``.
MENU_STYLES: dict[str, str] = {"normal": "none", "bold": "bold", "dim": "dim"}

#: Colour names tcell accepts (W3C/X11; tcell has no ``cyan``/``magenta``): Textual knows
#: them all by the same names and values, so lookups go through :meth:`Color.parse`.
_NOT_TCELL = frozenset({"cyan", "magenta", "transparent"})
_NAME = re.compile(r"[a-z]+")
_HEX = re.compile(r"#[0-9a-fA-F]{6}")


class SkinError(ValueError):
    """A skin file k9play cannot use: ``str()`` is ``<file>: <what is wrong>``."""

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem


def parse_color(value: object) -> str | None:
    """A k9s colour value → a Textual colour (``#rrggbb`` or :data:`DEFAULT`), None if unknown.

    As tcell's ``GetColor``: a W3C/X11 name or ``#rrggbb``; ``default``, ``-`` and empty
    mean the terminal's colour. Names are matched case-insensitively (tcell is stricter).
    """
    if value is None:
        return DEFAULT
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.lower() in ("", "-", "default"):
        return DEFAULT
    if _HEX.fullmatch(text):
        return text.lower()
    name = text.lower()
    if not _NAME.fullmatch(name) or name in _NOT_TCELL:
        return None
    try:
        return Color.parse(name).hex.lower()
    except ColorParseError:
        return None


@dataclass(frozen=True)
class Skin:
    """A loaded skin: its theme (named after the file) and what was odd about it."""

    name: str
    colors: dict[str, str]
    theme: Theme
    path: Path | None = None
    warnings: tuple[str, ...] = ()


def read_skin(data: object, source: str) -> tuple[dict[str, str], list[str]]:
    """Flatten a parsed skin document: ``{"frame.border.fgColor": "#1e90ff", …}`` plus warnings.

    Shapes are checked strictly (k9s would refuse to load them), values leniently: a colour
    tcell does not know becomes the terminal default, as in k9s, with a warning.
    """
    if not isinstance(data, dict) or "k9s" not in data:
        raise SkinError(source, "not a k9s skin: the top level must be a mapping with a `k9s:` key")
    values: dict[str, str] = {}
    warnings: list[str] = []
    for path, kind, value in _walk(data["k9s"], SCHEMA, "k9s", source):
        key = path.removeprefix("k9s.")
        if kind == _STYLE:
            style = MENU_STYLES.get(str(value).lower()) if value is not None else "none"
            if style is None:
                warnings.append(f'{source}: {path}: unknown style "{value}" (normal, bold or dim)')
            else:
                values[key] = style
            continue
        color = parse_color(value)
        if color is None:
            warnings.append(f'{source}: {path}: unknown colour "{value}" (terminal default used)')
            color = DEFAULT
        values[key] = color
    return values, warnings


def _walk(node: object, schema: SchemaNode, path: str, source: str) -> Iterator[tuple[str, str, object]]:
    """Yield ``(dotted path, kind, raw value)`` for every known key present; unknown keys are skipped."""
    if node is None:
        return
    if not isinstance(node, dict):
        raise SkinError(source, f"{path}: expected a mapping, got {_kind(node)}")
    for key, sub in schema.items():
        if key not in node:
            continue
        value, where = node[key], f"{path}.{key}"
        if isinstance(sub, dict):
            yield from _walk(value, sub, where, source)
        elif sub == _LIST:
            yield from _walk_list(value, where, source)
        elif sub == _MAP:
            if value is None:
                continue
            if not isinstance(value, dict):
                raise SkinError(source, f"{where}: expected a mapping of colour lists, got {_kind(value)}")
            for name, colors in value.items():
                yield from _walk_list(colors, f"{where}.{name}", source)
        else:
            if isinstance(value, dict | list):
                raise SkinError(source, f"{where}: expected a colour, got {_kind(value)}")
            yield where, sub, value


def _walk_list(value: object, where: str, source: str) -> Iterator[tuple[str, str, object]]:
    if value is None:
        return
    if not isinstance(value, list):
        raise SkinError(source, f"{where}: expected a list of colours, got {_kind(value)}")
    for i, item in enumerate(value):
        if isinstance(item, dict | list):
            raise SkinError(source, f"{where}[{i}]: expected a colour, got {_kind(item)}")
        yield f"{where}[{i}]", _C, item


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"


def skin_colors(values: Mapping[str, str]) -> dict[str, str]:
    """The stock variables with a skin's keys laid over them (k9s loads skins over its defaults)."""
    colors = dict(K9S_COLORS)
    for var, key in FLASH_FALLBACK.items():
        if key in values:
            colors[var] = values[key]
    for key, var in SKIN_KEYS.items():  # after the fallbacks: a skin's own logoColorInfo wins
        if key in values:
            colors[var] = values[key]
    return colors


def _solid(value: str) -> str | None:
    """A concrete colour for Textual's colour system, or None for the terminal default."""
    return None if value == DEFAULT else Color.parse(value).hex


def skin_theme(name: str, colors: Mapping[str, str]) -> Theme:
    """A Textual theme whose ``$k9s-*`` variables are ``colors`` and whose base colours echo them,
    so Textual's own widgets (command palette, inputs) look like the rest of the skin."""
    bg, fg = _solid(colors["k9s-bg"]), _solid(colors["k9s-fg"])
    panel = _solid(colors["k9s-dialog-bg"]) or bg
    extra: dict[str, str] = {}
    cursor_bg, cursor_fg = _solid(colors["k9s-cursor-bg"]), _solid(colors["k9s-cursor-fg"])
    if cursor_bg and cursor_fg:
        extra |= {"block-cursor-background": cursor_bg, "block-cursor-foreground": cursor_fg}
    if focus := _solid(colors["k9s-border-focus"]):
        extra["border"] = focus
    if blurred := _solid(colors["k9s-border"]):
        extra["border-blurred"] = blurred
    return Theme(
        name=name,
        primary=_solid(colors["k9s-border"]) or "#1e90ff",
        secondary=_solid(colors["k9s-border-focus"]),
        accent=_solid(colors["k9s-title-highlight"]),
        warning=_solid(colors["k9s-pending"]),
        error=_solid(colors["k9s-error"]),
        success=_solid(colors["k9s-modify"]),
        foreground=fg,
        background=bg,
        surface=bg,
        panel=panel,
        dark=_is_dark(bg, fg),
        variables={**extra, **colors},
    )


def _is_dark(bg: str | None, fg: str | None) -> bool:
    """Dark unless the background is light (or, on the terminal's background, the text is dark)."""
    if bg is not None:
        return Color.parse(bg).brightness < 0.5
    if fg is not None:
        return Color.parse(fg).brightness >= 0.5
    return True


#: The stock look as a theme (also what a broken skin falls back to).
K9S_THEME: Final = skin_theme(STOCK_THEME, K9S_COLORS)


def derive_k9s_colors(theme: Theme) -> dict[str, str]:
    """``$k9s-*`` values for a theme that has none (Textual's built-ins), from its colour system:
    the table in the theme's foreground, statuses in its warning/error/success/accent colours."""
    c = theme.to_color_system().generate()
    bg, fg = c["background"], c["foreground"]
    muted = _blend(fg, bg, 0.45)
    primary, secondary, accent = c["primary"], c["secondary"], c["accent"]
    role = {
        "bg": bg, "fg": fg, "muted": muted, "primary": primary, "secondary": secondary, "accent": accent,
        "warning": c["warning"], "error": c["error"], "success": c["success"], "panel": c["panel"],
        "surface": c["surface"],
    }
    by_role: dict[str, str] = {
        "k9s-bg": "bg", "k9s-fg": "fg", "k9s-logo": "accent", "k9s-info-label": "fg", "k9s-info": "accent",
        "k9s-flash-info": "fg", "k9s-flash-warn": "warning", "k9s-flash-error": "error",
        "k9s-border": "muted", "k9s-border-focus": "primary", "k9s-title": "primary", "k9s-title-bg": "bg",
        "k9s-title-highlight": "accent", "k9s-title-counter": "warning", "k9s-title-filter": "success",
        "k9s-menu": "fg", "k9s-menu-key": "primary", "k9s-menu-numkey": "accent",
        "k9s-crumb-fg": "bg", "k9s-crumb-bg": "primary", "k9s-crumb-active": "accent",
        "k9s-std": "fg", "k9s-add": "primary", "k9s-modify": "success", "k9s-pending": "warning",
        "k9s-error": "error", "k9s-highlight": "secondary", "k9s-kill": "accent", "k9s-completed": "muted",
        "k9s-table-fg": "fg", "k9s-table-bg": "bg", "k9s-cursor-fg": "bg", "k9s-cursor-bg": "primary",
        "k9s-mark": "warning", "k9s-table-header": "fg", "k9s-table-header-bg": "bg", "k9s-table-sorter": "accent",
        "k9s-prompt": "fg", "k9s-prompt-bg": "surface", "k9s-prompt-suggest": "muted",
        "k9s-prompt-border": "primary", "k9s-prompt-border-filter": "success",
        "k9s-help-text": "fg", "k9s-help-bg": "bg", "k9s-help-section": "accent", "k9s-help-key": "primary",
        "k9s-help-numkey": "accent",
        "k9s-dialog-fg": "fg", "k9s-dialog-bg": "panel", "k9s-dialog-button-fg": "bg",
        "k9s-dialog-button-bg": "primary", "k9s-dialog-button-focus-fg": "bg", "k9s-dialog-button-focus-bg": "accent",
        "k9s-dialog-label": "accent", "k9s-dialog-field": "fg",
        "k9s-yaml-key": "primary", "k9s-yaml-colon": "muted", "k9s-yaml-value": "fg",
        "k9s-logs-fg": "fg", "k9s-logs-bg": "bg", "k9s-logs-indicator-fg": "primary", "k9s-logs-indicator-bg": "bg",
        "k9s-logs-toggle-on": "success", "k9s-logs-toggle-off": "muted",
        "k9s-xray-fg": "fg", "k9s-xray-bg": "bg", "k9s-xray-cursor": "primary", "k9s-xray-cursor-text": "bg",
        "k9s-xray-graphic": "accent",
        "k9s-charts-bg": "bg", "k9s-charts-dial-bg": "bg", "k9s-charts-chart-bg": "bg",
        "k9s-charts-dial-ok": "success", "k9s-charts-dial-fault": "error", "k9s-charts-ok": "success",
        "k9s-charts-fault": "error", "k9s-charts-cpu": "primary", "k9s-charts-cpu-alt": "secondary",
        "k9s-charts-mem": "warning", "k9s-charts-mem-alt": "accent",
        "k9s-picker-main": "fg", "k9s-picker-focus": "primary", "k9s-picker-shortcut": "accent",
    }
    out = {var: role[r] for var, r in by_role.items()}
    out["k9s-menu-style"] = "none"
    return out


def _blend(fg: str, bg: str, amount: float) -> str:
    """``fg`` faded ``amount`` of the way to ``bg``; ANSI colours cannot be mixed, so they stay."""
    a, b = Color.parse(fg), Color.parse(bg)
    if a.ansi is not None or b.ansi is not None:
        return fg
    return a.blend(b, amount).hex


# ------------------------------------------------------------------- loading files
def load_skin(path: Path, name: str | None = None) -> Skin:
    """Read a k9s skin file; the theme is named after the file unless ``name`` is given."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SkinError(source, "no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise SkinError(source, f"cannot read: {e}") from None
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        raise SkinError(source, f"{where}{e.problem or e}") from None
    except yaml.YAMLError as e:
        raise SkinError(source, f"invalid YAML: {e}") from None
    values, warnings = read_skin(data, source)
    theme_name = name or theme_name_for(path)
    colors = skin_colors(values)
    return Skin(theme_name, colors, skin_theme(theme_name, colors), path, tuple(warnings))


def theme_name_for(path: Path) -> str:
    """The file's stem; ``k9s-<stem>`` when that would replace one of Textual's themes (``nord``)."""
    stem = path.stem
    return f"k9s-{stem}" if stem in BUILTIN_THEMES or stem == STOCK_THEME else stem


def bundled_skins_dir() -> Path:
    """k9play's own skins: ``themes/`` in a source checkout, ``k9play/themes`` in a wheel."""
    here = Path(__file__).resolve().parents[1]
    for candidate in (here / "themes", here.parent / "themes"):
        if candidate.is_dir():
            return candidate
    return here.parent / "themes"


def user_skins_dir(env: Mapping[str, str] | None = None) -> Path:
    """``$XDG_CONFIG_HOME/k9play/skins`` (``~/.config`` when unset), as k9s keeps its own."""
    env = os.environ if env is None else env
    base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "k9play" / "skins"


def skin_dirs(env: Mapping[str, str] | None = None) -> list[Path]:
    """Where a skin NAME is looked up, first match wins: the user's skins, then k9play's."""
    return [user_skins_dir(env), bundled_skins_dir()]


def find_skin(name: str, dirs: list[Path]) -> Path | None:
    for folder in dirs:
        for ext in (".yaml", ".yml"):
            candidate = folder / f"{name}{ext}"
            if candidate.is_file():
                return candidate
    return None


def skin_names(dirs: list[Path]) -> list[str]:
    """Every skin NAME the dirs offer, sorted."""
    return sorted({p.stem for d in dirs if d.is_dir() for p in d.iterdir() if p.suffix in (".yaml", ".yml")})


@functools.cache
def bundled_skins() -> tuple[Skin, ...]:
    """k9play's own skins, for the command palette; read once (files that fail to load are left
    out here, and a test keeps them loading)."""
    skins = []
    folder = bundled_skins_dir()
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            skins.append(load_skin(path))
        except SkinError:
            continue
    return tuple(skins)


def resolve_skin(spec: str, env: Mapping[str, str] | None = None) -> Skin | str:
    """``--skin NAME|FILE`` → a loaded :class:`Skin`, or the name of a Textual theme.

    A spec that names an existing file, contains a path separator or ends in ``.yaml``/``.yml``
    is a FILE; anything else is a NAME looked up in :func:`skin_dirs`, then among Textual's
    themes (``textual-light``, and ``k9s`` for the stock look).
    """
    path = Path(spec).expanduser()
    if path.is_file() or os.sep in spec or "/" in spec or path.suffix in (".yaml", ".yml"):
        return load_skin(path)
    dirs = skin_dirs(env)
    found = find_skin(spec, dirs)
    if found is not None:
        return load_skin(found)
    if spec in BUILTIN_THEMES or spec == STOCK_THEME:
        return spec
    known = ", ".join(skin_names(dirs)) or "none"
    raise SkinError(spec, f"no such skin in {', '.join(str(d) for d in dirs)} (skins: {known}) "
                          "and not a Textual theme")
