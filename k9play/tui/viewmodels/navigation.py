"""Where the browser is and how it got there: pages, drill-downs, command history, favourites.

Textual-free, so the rules (what ``enter`` opens, what ``[`` goes back to) are plain data
and functions that tests can call directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from k9play.api.meta import Obj
from k9play.api.resources import ResourceType, by_kind
from k9play.api.selectors import SelectorError, selector_from_labels, selector_from_spec
from k9play.tui.viewmodels.rowsources import Key, Scope

ViewKind = Literal["resources", "containers", "aliases"]

#: k9s ``config/data/ns.go``: MaxFavoritesNS.
MAX_FAVOURITES = 9
#: k9s ``model/history.go``: MaxHistory.
MAX_HISTORY = 20

#: kinds whose ``enter`` lists the pods their selector picks (k9s ``showPodsFromSelector``)
SELECTOR_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"})


@dataclass(frozen=True)
class ViewState:
    """One page of the browser: enough to rebuild it exactly (``esc`` restores it)."""

    rt: ResourceType
    #: the app's namespace while this page shows (None: all); cluster-scoped kinds list
    #: everything regardless, but keep it so going back restores the header's namespace
    namespace: str | None
    view: ViewKind = "resources"
    scope: Scope | None = None
    pod: Key | None = None  # the containers view's pod
    query: str = ""
    sort: tuple[str, bool] | None = None  # (column, descending); None: the natural order
    wide: bool = False
    cursor: Key | None = None

    @property
    def crumb(self) -> str:
        """k9s' crumb for this page: the lower-case view name."""
        return {"containers": "containers", "aliases": "aliases"}.get(self.view, self.rt.plural)

    @property
    def drilled(self) -> bool:
        return self.scope is not None or self.view != "resources"


def aliases_view(namespace: str | None) -> ViewState:
    return ViewState(by_kind("Pod"), namespace, view="aliases")


def drill_down(rt: ResourceType, obj: Obj) -> ViewState | str | None:
    """k9s' enter functions (``view/*.go SetEnterFn``): the page to push, an error to flash,
    or None (describe it instead)."""
    meta = obj["metadata"]
    name, ns = meta["name"], meta.get("namespace") or None
    pods = by_kind("Pod")
    spec = obj.get("spec") or {}
    if rt.kind in SELECTOR_KINDS or rt.kind == "ReplicationController":
        try:
            sel = selector_from_labels(spec.get("selector")) if rt.kind == "ReplicationController" \
                else selector_from_spec(spec.get("selector"))
        except SelectorError as e:
            return f"{rt.singular} {name}: {e}"
        return ViewState(pods, ns, scope=Scope(str(sel), selector=sel))
    if rt.kind == "Service":
        if not spec.get("selector"):
            return f"service {name} has no selector: no pods to show"
        sel = selector_from_labels(spec["selector"])
        return ViewState(pods, ns, scope=Scope(str(sel), selector=sel))
    if rt.kind == "Node":
        return ViewState(pods, None, scope=Scope(f"node={name}", node=name))
    if rt.kind == "Namespace":
        return ViewState(pods, name)
    if rt.kind == "CronJob":
        return ViewState(by_kind("Job"), ns, scope=Scope(f"cronjob={name}", owner_uid=meta.get("uid")))
    if rt.kind == "Pod":
        return ViewState(pods, ns, view="containers", pod=(ns or "", name), sort=("IDX", False))
    return None


class History:
    """k9s ``model/history.go``: the commands run, and a position for ``[`` and ``]``."""

    def __init__(self, limit: int = MAX_HISTORY) -> None:
        self.commands: list[str] = []
        self.limit = limit
        self.index = -1

    def push(self, line: str) -> None:
        """Record a command; going somewhere new forgets the forward part (like a browser)."""
        if not line or (self.commands and self.commands[self.index] == line):
            return
        del self.commands[self.index + 1:]
        self.commands.append(line)
        if len(self.commands) > self.limit:
            del self.commands[0]
        self.index = len(self.commands) - 1

    def back(self) -> str | None:
        if self.index <= 0:
            return None
        self.index -= 1
        return self.commands[self.index]

    def forward(self) -> str | None:
        if self.index >= len(self.commands) - 1:
            return None
        self.index += 1
        return self.commands[self.index]

    def recent(self) -> list[str]:
        """Newest first, without repeats (what the prompt's ↑ walks through)."""
        out: list[str] = []
        for line in reversed(self.commands):
            if line not in out:
                out.append(line)
        return out


class Favourites:
    """k9s' favourite namespaces: a new one goes first, at most nine, ``all`` is key 0."""

    def __init__(self, initial: tuple[str, ...] = ("default",)) -> None:
        self.names: list[str] = list(initial)

    def add(self, namespace: str | None) -> None:
        """k9s ``addFavNS``: already there → unchanged; else prepended, the oldest dropped."""
        if namespace is None or namespace in self.names:
            return
        self.names = [namespace, *self.names][:MAX_FAVOURITES]

    def menu(self) -> list[tuple[str, str]]:
        """``[("0", "all"), ("1", "default"), …]`` — the header's namespace hints."""
        return [("0", "all"), *((str(i), ns) for i, ns in enumerate(self.names[:MAX_FAVOURITES], 1))]

    def at(self, index: int) -> str | None:
        """The namespace on number key ``index`` (``None`` = all); KeyError if unassigned."""
        if index == 0:
            return None
        if index > len(self.names) or index > MAX_FAVOURITES:
            raise KeyError(index)
        return self.names[index - 1]


