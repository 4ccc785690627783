"""The root screen: one live table, the prompt, the crumbs and the flash line (k9s' browser).

The browser is a stack of pages (:class:`ViewState`): a ``:`` command starts a new stack,
``enter`` pushes a drill-down (a deployment's pods, a pod's containers …), ``esc`` pops
back to the page as it was — kind, namespace, filter, sort and cursor. Command history
(``[`` ``]`` ``-``) and favourite namespaces (``0``–``9``) follow k9s.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar, Literal, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.timer import Timer
from textual.widgets import Input

from k9play.api.resources import ResourceType, by_kind
from k9play.kubectl.completion import complete
from k9play.kubectl.container_columns import CONTAINER
from k9play.tui.commands import (
    ALL,
    AppCommand,
    CommandError,
    KubectlCommand,
    MetaCommand,
    PulsesCommand,
    ViewCommand,
    XRayCommand,
    command_words,
    parse,
    resolve,
)
from k9play.tui.keymap import Scope as KeyScope
from k9play.tui.screens.detail import DetailScreen
from k9play.tui.screens.help import HelpScreen, binding_rows
from k9play.tui.screens.kubectl_line import run_kubectl_line
from k9play.tui.screens.pulses import PulsesScreen
from k9play.tui.screens.resource_actions import Key, ResourceActions
from k9play.tui.screens.sources import SourcesScreen
from k9play.tui.screens.table_keys import TABLE_ACTIONS, TABLE_BINDINGS, TableKeys, shared_first
from k9play.tui.screens.xray import XRayScreen
from k9play.tui.viewmodels.aliases import ALIAS_COLUMNS, alias_rows
from k9play.tui.viewmodels.navigation import Favourites, History, ViewState, aliases_view, drill_down
from k9play.tui.viewmodels.rowsources import ContainerSource, StaticSource
from k9play.tui.viewmodels.table import ResourceTableModel, TableModel
from k9play.tui.widgets import CommandBar, Flash, ResourceTable
from k9play.tui.widgets.browser_header import BrowserHeader
from k9play.tui.widgets.crumbs import Crumbs
from k9play.tui.widgets.flash import FlashMessage
from k9play.tui.widgets.sync_errors import SyncErrors

if TYPE_CHECKING:
    from textual.app import App

    from k9play.tui.app import K9playApp

BROWSER_BINDINGS = [
    # priority: the app handles it before forwarding the next keys, so a fast ``:pods``
    # lands in the prompt (see check_action: inside the open prompt ``:`` is just a character)
    Binding("colon", "command", "Command", key_display=":", priority=True, id="k9play.command"),
    Binding("d", "describe", "Describe", id="k9play.describe"),
    Binding("y", "yaml", "YAML", id="k9play.yaml"),
    Binding("enter", "view", "View", key_display="enter", id="k9play.view"),
    Binding("u", "use_namespace", "Use", id="k9play.use"),
    Binding("question_mark", "help", "Help", key_display="?", id="k9play.help"),
    Binding("q", "quit", "Quit", id="k9play.quit"),
    Binding("escape", "back", "Back", show=False),  # reserved: not remappable
    Binding("ctrl+a", "aliases", "Aliases", show=False, key_display="ctrl-a", id="k9play.aliases"),
    Binding("left_square_bracket", "history(-1)", "History back", show=False, key_display="[",
            id="k9play.history-back"),
    Binding("right_square_bracket", "history(1)", "History forward", show=False, key_display="]",
            id="k9play.history-forward"),
    Binding("minus", "last_view", "Last view", show=False, key_display="-", id="k9play.last-view"),
    Binding("ctrl+g", "toggle_crumbs", "Crumbs", show=False, key_display="ctrl-g", id="k9play.crumbs"),
    *(Binding(str(i), f"favourite({i})", f"Namespace {i}", show=False, id=f"k9play.namespace-{i}")
      for i in range(10)),
]

#: CPU seconds per idle slice spent building search texts ahead of the first filter keystroke
INDEX_SLICE = 0.004

BROWSER_ACTIONS = frozenset({"command", "describe", "yaml", "view", "use_namespace", "help", "quit", "back",
                             "aliases", "history", "last_view", "toggle_crumbs", "favourite"})


class BrowserScreen(TableKeys):
    """Owns the page stack and turns commands, ``enter`` and ``esc`` into views."""

    AUTO_FOCUS = "#table"

    BINDINGS: ClassVar[list[BindingType]] = shared_first(ResourceActions.BINDINGS, BROWSER_BINDINGS)

    def __init__(self) -> None:
        super().__init__()
        self.rt: ResourceType = by_kind("Pod")
        self.last_namespaced: ResourceType = self.rt
        self.state = ViewState(self.rt, "default")
        self.stack: list[ViewState] = []
        self.model: TableModel | None = None
        self.history = History()
        #: every line run at the prompt (views and kubectl), oldest first
        self.typed: list[str] = []
        self.favourites = Favourites()
        self.filter_history: list[str] = []
        self._lines: tuple[str | None, str | None] = (None, None)  # (previous, current) for "-"
        self._index_timer: Timer | None = None

    @property
    def k9(self) -> K9playApp:
        return cast("K9playApp", self.app)

    def compose(self) -> ComposeResult:
        yield BrowserHeader()
        yield ResourceTable(id="table")
        yield SyncErrors(self.k9.folder_sync)
        yield CommandBar(cursor_blink=self.k9.realtime,
                         completions={"command": self.complete_command,
                                      "filter": lambda _before, _last: self.filter_history},
                         history={"command": self.prompt_history, "filter": lambda: self.filter_history})
        yield Crumbs()
        yield Flash(self.k9.flash_message)

    def on_mount(self) -> None:
        self.state = ViewState(self.rt, self.k9.namespace)
        self.history.push(self.rt.plural)
        self.typed.append(self.rt.plural)
        self._lines = (None, self.rt.plural)
        self.reopen(self.state)

    def on_unmount(self) -> None:
        if self.model is not None:
            self.model.close()

    # ------------------------------------------------------------------ views
    def _build_model(self, state: ViewState) -> TableModel:
        store, wake = self.k9.cluster.store, self.k9.request_sync
        if state.view == "aliases":
            return TableModel(StaticSource(alias_rows()), ALIAS_COLUMNS, kind="Alias", natural_column="RESOURCE")
        if state.view == "containers":
            assert state.pod is not None
            return TableModel(ContainerSource(store, state.pod), CONTAINER, kind="Container", on_dirty=wake)
        denied = self.k9.denied("list", state.rt.kind, state.namespace if state.rt.namespaced else None)
        if denied is not None:  # k9s: the apiserver's refusal in the flash line, and no rows
            self.k9.flash(denied.kubectl_text(), "error")
        return ResourceTableModel(store, state.rt, state.namespace, wide=state.wide, scope=state.scope,
                                  on_dirty=wake, source=StaticSource([]) if denied is not None else None)

    def reopen(self, state: ViewState) -> None:
        """Show ``state``: a fresh model with its sort and filter, the cursor on its row."""
        if self.model is not None:
            self.model.close()
        now = self.k9.cluster.clock.now()
        model = self._build_model(state)
        model.apply_pending(now)
        if state.sort is not None:
            model.sort_by(*state.sort)
        if state.query:
            model.set_filter(state.query)
        self.model, self.state, self.rt = model, state, state.rt
        if state.view == "resources" and state.rt.namespaced and state.scope is None:
            self.last_namespaced = state.rt
        if state.view != "aliases":
            self.k9.namespace = state.namespace
        self.table.set_model(model, now, cursor=state.cursor)
        self.update_title()
        self.query_one(Crumbs).show([s.crumb for s in [*self.stack, state]])
        self.query_one(BrowserHeader).update_state()
        self._schedule_index()

    def show_view(self, rt: ResourceType) -> None:
        """A new root page of ``rt`` in the app's namespace."""
        self.stack.clear()
        self.reopen(ViewState(rt, self.k9.namespace))

    def sync(self, now: float) -> None:
        """Per frame: fold the model's batch into the table and redraw what changed."""
        if self.model is None:
            return
        delta = self.model.apply_pending(now)
        self.table.sync(now, delta)
        if delta.structural:
            self.update_title()
        self.query_one(BrowserHeader).update_state()
        self.query_one(SyncErrors).update_state()
        if delta:
            self._schedule_index()

    def _schedule_index(self) -> None:
        """Build the rows' search texts in idle slices, so that the first ``/`` keystroke on
        a 100k-row table is one pass over ready strings; faster while a filter is in use."""
        model = self.model
        if model is None or model.texts_ready or self._index_timer is not None:
            return
        bar = self.query_one(CommandBar)
        eager = bool(self.state.query) or (bar.is_open and bar.mode == "filter")
        self._index_timer = self.set_timer(0.016 if eager else 0.1, self._index_step)

    def filter_opened(self) -> None:
        if self._index_timer is not None:  # reschedule at the eager pace
            self._index_timer.stop()
            self._index_timer = None
        self._schedule_index()

    def _index_step(self) -> None:
        self._index_timer = None
        if self.model is not None:
            self.model.build_texts(INDEX_SLICE)
            self._schedule_index()

    def update_title(self) -> None:
        model, st = self.model, self.state
        if model is None:
            return
        if st.view == "aliases":
            name, scope = "aliases", "all"
        elif st.view == "containers" and st.pod is not None:
            name, scope = "containers", "/".join(p for p in st.pod if p)
        else:
            name, scope = st.rt.plural, (st.namespace or "all") if st.rt.namespaced else "all"
        query = st.query or (st.scope.label if st.scope is not None else "")
        self.table.show_title(name, scope, len(model), query)

    def namespace_menu(self) -> list[tuple[str, str]]:
        """The header's ``<0> all <1> default …`` — only where number keys switch namespace."""
        return self.favourites.menu() if self._namespace_keys() else []

    def _namespace_keys(self) -> bool:
        st = self.state
        return st.view == "resources" and st.rt.namespaced and st.scope is None

    # ---------------------------------------------------------------- actions
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "command":
            return not self.query_one(CommandBar).is_open
        view = self.state.view
        if action in ("describe", "yaml"):
            return view != "aliases"
        if action == "use_namespace":
            return view == "resources" and self.rt.kind == "Namespace"
        if action == "favourite":
            index = int(cast(int, parameters[0]))
            return self._namespace_keys() and index <= len(self.favourites.names)
        if action in BROWSER_ACTIONS:
            return True
        checked = self.table_check(action, parameters)
        if checked is not None:
            return checked
        if view == "aliases":
            return False  # the verbs act on resources
        return super().check_action(action, parameters)

    def action_command(self) -> None:
        self.query_one(CommandBar).open("command")

    def on_command_bar_closed(self, event: CommandBar.Closed) -> None:
        if event.mode == "filter":
            if event.cancelled:
                self.set_query("")  # k9s: esc in the filter prompt resets the filter
            elif event.text and event.text not in self.filter_history[:1]:
                self.filter_history.insert(0, event.text)
        if not self.query_one(CommandBar).is_open:  # a fast ``:`` after esc has opened it again
            self.set_focus(self.table)

    def on_command_bar_filter_changed(self, event: CommandBar.FilterChanged) -> None:
        if event.text != self.query_one(CommandBar).query_one(Input).value:
            return  # more keys are already typed: filter once, for the newest text
        self.set_query(event.text)

    def on_command_bar_run(self, event: CommandBar.Run) -> None:
        self.run_command(event.text)

    def complete_command(self, before: list[str], last: str = "") -> list[str]:
        """First word: every command name; after a resource: the namespaces, then ``all``; a
        kubectl line: what kubectl's shell completion offers, in the namespace the line runs in."""
        if not before:
            return command_words()
        if before[0] == "kubectl":
            return complete(self.k9.acting.store, before[1:], last, self.k9.namespace or "default")
        if resolve(before[0]) is None:
            return []
        return [*(o["metadata"]["name"] for o in self.k9.cluster.store.list("Namespace")), ALL]

    def run_command(self, text: str, *, remember: bool = True) -> None:
        """Execute one prompt line; errors go to the flash line, never raise."""
        cmd = parse(text)
        if isinstance(cmd, CommandError):
            self.k9.flash(cmd.message, "error")
        elif isinstance(cmd, AppCommand):
            self.k9.run_app_command(cmd)
        elif isinstance(cmd, MetaCommand):
            if cmd.name == "aliases":
                self.action_aliases()
            elif cmd.name == "sources":
                self.app.push_screen(SourcesScreen())
            elif cmd.name == "user":
                self.k9.act_as(cmd.args[0] if cmd.args else None, list(cmd.args[1:]))
                self.reopen(self.state)
        elif isinstance(cmd, KubectlCommand):
            if remember:
                self.typed.append(cmd.line)  # for ↑ only: [ and ] replay views, not commands
            run_kubectl_line(self.k9, list(cmd.argv), cmd.line)
        elif isinstance(cmd, XRayCommand | PulsesCommand):  # pushed over the table, in its namespace
            if cmd.namespace is not None:
                if not self.namespace_exists(cmd.namespace):
                    return
                self.switch_namespace(None if cmd.namespace == ALL else cmd.namespace)
            ns = self.k9.namespace
            self.app.push_screen(XRayScreen(cmd.rt, ns) if isinstance(cmd, XRayCommand) else PulsesScreen(ns))
        elif isinstance(cmd, ViewCommand):
            namespace = self.k9.namespace
            if cmd.namespace is not None:
                if not self.namespace_exists(cmd.namespace):
                    return
                namespace = None if cmd.namespace == ALL else cmd.namespace
                self.favourites.add(namespace)
            rt = cmd.rt or (self.rt if self.state.view == "resources" and self.rt.namespaced
                            else self.last_namespaced)
            self.stack.clear()  # a command starts a new page stack (k9s clearStack)
            self.reopen(ViewState(rt, namespace, query=cmd.query))
            self._ran(cmd.line or text, remember)

    def prompt_history(self) -> list[str]:
        """What ↑ walks through at the prompt: views and kubectl lines, newest first, no repeats."""
        return list(dict.fromkeys(reversed(self.typed)))

    def _ran(self, line: str, remember: bool) -> None:
        if remember:
            self.history.push(line)
            self.typed.append(line)
        if line != self._lines[1]:
            self._lines = (self._lines[1], line)

    def namespace_exists(self, namespace: str) -> bool:
        if namespace != ALL and self.k9.cluster.store.try_get("Namespace", namespace) is None:
            self.k9.flash(f'namespace "{namespace}" not found', "error")
            return False
        return True

    def action_history(self, step: int) -> None:
        """``[``/``]``: run the previous/next command again (k9s ``previousCommand``)."""
        line = self.history.back() if step < 0 else self.history.forward()
        if line is None:
            self.k9.flash(f"Can't go {'back' if step < 0 else 'forward'} any further", "warn")
            return
        self.run_command(line, remember=False)

    def action_last_view(self) -> None:
        """``-``: toggle between the current command and the one before it, like ``cd -``."""
        previous = self._lines[0]
        if previous is None:
            self.k9.flash("No previous view to switch to", "warn")
            return
        self.run_command(previous, remember=False)

    # ------------------------------------------------------------- namespaces
    def switch_namespace(self, namespace: str | None) -> None:
        """Show the current kind in ``namespace`` (None = all) and make it a favourite."""
        self.k9.namespace = namespace
        self.favourites.add(namespace)
        sort = ("NAMESPACE", False) if namespace is None else None
        self.reopen(ViewState(self.rt, namespace, sort=sort))

    def action_favourite(self, index: int) -> None:
        try:
            namespace = self.favourites.at(index)
        except KeyError:
            return
        self.switch_namespace(namespace)
        self.k9.flash(f"Viewing namespace `{namespace or ALL}`...")

    def action_use_namespace(self) -> None:
        """k9s ``u`` on a namespace: make it the active one (and a favourite); stay here."""
        key = self.table.cursor_key
        if key is None:
            return
        self.k9.namespace = key[1]
        self.favourites.add(key[1])
        self.state = replace(self.state, namespace=key[1])
        self.query_one(BrowserHeader).update_state()
        self.k9.flash(f"Namespace {key[1]} is now active!")

    # ------------------------------------------------------------- drill-down
    def selected_keys(self) -> list[Key]:
        """Marked rows, else the cursor row. On the containers page: their pod."""
        view = self.state.view
        if view == "aliases" or self.model is None:
            return []
        if view == "containers":
            return [self.state.pod] if self.state.pod is not None else []
        marked = self.model.marked_keys()
        key = self.table.cursor_key
        return marked or ([key] if key is not None else [])

    def selected_container(self) -> tuple[Key, str] | None:
        """On the containers page: (pod key, container name) under the cursor."""
        key = self.table.cursor_key
        if self.state.view != "containers" or self.state.pod is None or key is None:
            return None
        return self.state.pod, key[1]

    def _selected(self) -> tuple[ResourceType, Key] | None:
        keys = [self.table.cursor_key] if self.state.view != "containers" else self.selected_keys()
        key = keys[0] if keys else None
        return (self.rt, key) if key is not None else None

    def action_describe(self) -> None:
        self._detail("describe")

    def action_yaml(self) -> None:
        self._detail("yaml")

    def _detail(self, mode: Literal["describe", "yaml"]) -> None:
        """Describe or YAML of the selected object, if the acting user may ``get`` it."""
        if (sel := self._selected()) is None:
            return
        rt, (ns, name) = sel
        denied = self.k9.denied("get", rt.kind, ns or None, name)
        if denied is not None:
            self.k9.flash(denied.kubectl_text(), "error")
            return
        self.app.push_screen(DetailScreen(rt, (ns, name), mode=mode))

    def push(self, state: ViewState) -> None:
        """Open ``state`` on top of the current page (``esc`` comes back here)."""
        self.stack.append(replace(self.state, cursor=self.table.cursor_key))
        self.reopen(state)

    def action_view(self) -> None:
        """Enter: drill down as k9s does; anything without a drill-down is described."""
        key, model = self.table.cursor_key, self.model
        if key is None or model is None:
            return
        if self.state.view == "aliases":
            self.run_command(key[1])
            return
        if self.state.view == "containers":
            logs = getattr(self, "action_logs", None)  # k9s: enter on a container shows its logs
            if callable(logs):
                logs()
            else:
                self.k9.flash(f"container {key[1]}: no logs view yet", "warn")
            return
        obj = model.get(key)
        target = drill_down(self.rt, obj) if obj is not None else None
        if target is None:
            self.action_describe()
        elif isinstance(target, str):
            self.k9.flash(target, "error")
        else:
            if self.rt.kind == "Namespace":
                self.favourites.add(target.namespace)
            self.push(target)

    def action_aliases(self) -> None:
        """ctrl-a: the aliases page (again: back where it was opened, as k9s toggles it)."""
        if self.state.view == "aliases" and self.stack:
            self.action_back()
        else:
            self.push(aliases_view(self.k9.namespace))

    def action_back(self) -> None:
        """esc: clear the filter; else back to the previous page as it was."""
        if self.state.query:
            self.set_query("")
        elif self.stack:
            self.back_to(len(self.stack) - 1)
        else:
            self.table.focus()

    def back_to(self, index: int) -> None:
        """Pop pages down to ``stack[index]`` and show it (a click on a crumb)."""
        if not 0 <= index < len(self.stack):
            return
        state = self.stack[index]
        del self.stack[index:]
        if not state.rt.namespaced and state.view == "resources":
            state = replace(state, namespace=self.k9.namespace)  # k9s: the active namespace sticks
        self.reopen(state)

    def on_crumbs_selected(self, event: Crumbs.Selected) -> None:
        self.back_to(event.index)

    def action_toggle_crumbs(self) -> None:
        self.query_one(Crumbs).toggle_class("-hidden")

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())

    def action_quit(self) -> None:
        """q: back when there is somewhere to go back to, else quit."""
        if self.stack:
            self.back_to(len(self.stack) - 1)
        else:
            self.app.exit()

    def show_flash(self, message: FlashMessage) -> None:
        self.query_one(Flash).show(message)

    @classmethod
    def help_sections(cls, verbs: list[tuple[str, str]] | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
        """The help screen's browser columns, from the bindings themselves (``verbs``: the
        current view's, listed with the resource keys as k9s does)."""
        shown = {"colon": ":", "question_mark": "?", "escape": "esc"}
        general = [b for b in BROWSER_BINDINGS if b.show or b.action in ("back", "aliases")]
        nav = [b for b in BROWSER_BINDINGS if b not in general and not b.action.startswith("favourite")]
        table = [b for b in TABLE_BINDINGS if b.action.split("(")[0] in TABLE_ACTIONS]
        return [
            ("RESOURCE", [*binding_rows(general, shown), *(verbs or []), ("0-9", "Namespace"), ("ctrl-c", "Quit")]),
            ("GENERAL", binding_rows(nav, shown)),
            ("TABLE", binding_rows(table, shown)),
        ]


def binding_chains(app: type[App[object]]) -> list[list[KeyScope]]:
    """The focus chains a remapped key must not clash on: table → browser → app, and the
    open prompt (its input, then the prompt's own keys)."""

    def flat(cls: type) -> list[BindingType]:
        return [b for bs in cls._merge_bindings().key_to_bindings.values() for b in bs]  # type: ignore[attr-defined]

    browser, application = ("browser", flat(BrowserScreen)), ("app", flat(app))
    return [
        [("table", flat(ResourceTable)), browser, application],
        [("input", flat(Input)), ("prompt", flat(CommandBar))],
    ]
