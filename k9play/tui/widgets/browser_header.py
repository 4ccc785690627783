"""The browser's header: k9s puts the favourite namespaces first in the key-hint menu
(``<0> all  <1> default …``) whenever the view is namespaced and not a drill-down."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from k9play.tui.widgets.header import ClusterHeader


@runtime_checkable
class HasNamespaceMenu(Protocol):
    def namespace_menu(self) -> list[tuple[str, str]]: ...


class BrowserHeader(ClusterHeader):
    """A :class:`ClusterHeader` that asks its screen for the namespace hints."""

    def __init__(self) -> None:
        super().__init__()
        self._menu: list[tuple[str, str]] = []

    def _namespace_menu(self) -> list[tuple[str, str]]:
        screen = self.screen
        return screen.namespace_menu() if isinstance(screen, HasNamespaceMenu) else []

    def update_state(self) -> None:
        menu = self._namespace_menu()
        if menu != self._menu:
            self._menu = menu
            self.refresh()
        super().update_state()

    def hints(self) -> list[tuple[str, str]]:
        return [*self._namespace_menu(), *super().hints()]
