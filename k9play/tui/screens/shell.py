"""``s`` on a pod: a shell in one of its containers — simulated, never the host's.

k9s runs ``kubectl exec -it … -- sh``. Here each line typed at the prompt is run by
:func:`k9play.kubectl.exec.run_line` inside the container's simulated filesystem, and the
transcript (prompt, command, output) scrolls above the prompt. ``exit`` or esc leaves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Input, Label, RichLog

from k9play.kubectl.exec import ExecError, run_line
from k9play.tui.widgets import ClusterHeader, Flash

if TYPE_CHECKING:
    from k9play.tui.app import K9playApp

PROMPT = "/ # "


class ShellScreen(Screen[None]):
    """A transcript and a prompt; one ``sh -c LINE`` per Enter."""

    AUTO_FOCUS = "#shell-input"

    DEFAULT_CSS = """
    ShellScreen {
        #transcript {
            height: 1fr; background: $k9s-bg; color: $k9s-std; padding: 0 1;
            border: round $k9s-border; border-title-align: center; border-title-color: $k9s-title;
        }
        #prompt { height: 1; dock: bottom; margin-bottom: 1; }
        #prompt > Label { width: auto; color: $k9s-prompt; text-style: bold; }
        #prompt > Input, #prompt > Input:focus {
            border: none; height: 1; padding: 0; width: 1fr;
            background: $k9s-bg; background-tint: transparent; color: $k9s-std;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", key_display="esc", id="k9play.shell.back"),
    ]

    def __init__(self, namespace: str, pod: str, container: str) -> None:
        super().__init__()
        self.namespace, self.pod, self.container = namespace, pod, container

    @property
    def k9(self) -> K9playApp:
        return cast("K9playApp", self.app)

    def compose(self) -> ComposeResult:
        yield ClusterHeader()
        log = RichLog(id="transcript", wrap=True, auto_scroll=True)
        log.border_title = f" Shell({self.namespace}/{self.pod}:{self.container}) "
        yield log
        with Horizontal(id="prompt"):
            yield Label(PROMPT)
            yield Input(id="shell-input", select_on_focus=False)
        yield Flash(self.k9.flash_message)

    def on_mount(self) -> None:
        self.query_one("#shell-input", Input).cursor_blink = self.k9.realtime

    def sync(self, now: float) -> None:
        self.query_one(ClusterHeader).update_state()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        line = event.value
        event.input.value = ""
        self.run(line)

    def run(self, line: str) -> None:
        """Run one line as the shell would and append it, with its output, to the transcript."""
        log = self.query_one("#transcript", RichLog)
        log.write(Text(PROMPT + line))
        if line.strip() in ("exit", "logout"):
            self.dismiss()
            return
        if not line.strip():
            return
        pod = self.k9.cluster.store.try_get("Pod", self.pod, self.namespace)
        if pod is None:
            log.write(Text(f'Error from server (NotFound): pods "{self.pod}" not found'))
            return
        try:
            result = run_line(self.k9.cluster, pod, self.container, line)
        except ExecError as e:
            log.write(Text(str(e)))
            return
        for out in result.output.splitlines():
            log.write(Text(out))

    def action_back(self) -> None:
        self.dismiss()
