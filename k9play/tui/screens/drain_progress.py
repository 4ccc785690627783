"""A drain on a live page: ``r`` on nodes and ``:kubectl drain`` both end here.

kubectl drain blocks while it evicts, retries PodDisruptionBudget refusals every 5 s and
waits for the pods to go (``--timeout 0``: for ever). The TUI cannot block, so the
:class:`~k9play.kubectl.drain.Drain` is polled on every redraw while simulated time runs,
and the page shows its lines as kubectl prints them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k9play.api import errors
from k9play.kubectl.drain import Drain, DrainOptions
from k9play.tui.screens.text import TextScreen

if TYPE_CHECKING:
    from k9play.tui.app import K9playApp


def show_drain(app: K9playApp, names: list[str], opts: DrainOptions, *, title: str = "Drain Progress",
               subject: str = "") -> None:
    """Drain the nodes one after the other (as kubectl and k9s do); the last line, or the
    first error, goes to the flash line when every drain is done."""
    drains = [Drain(app.acting.store, name, opts) for name in names]
    try:
        drains[0].start()
    except errors.ApiError as e:  # the acting user may not cordon or list
        app.flash(e.kubectl_text(), "error")
        return
    reported = False

    def progress() -> str:
        nonlocal reported
        for i, d in enumerate(drains):
            d.poll()
            if d.done and i + 1 < len(drains) and not drains[i + 1].lines:
                try:
                    drains[i + 1].start()
                except errors.ApiError as e:
                    drains[i + 1].lines.append(e.kubectl_text())
                    drains[i + 1].done = drains[i + 1].failed = True
        if all(d.done for d in drains) and not reported:
            reported = True
            failed = next((d for d in drains if d.failed), None)
            lines = failed.lines if failed else drains[-1].lines
            last = next((line for line in lines if line.startswith("error")), lines[-1]) if failed else lines[-1]
            app.flash(last, "error" if failed else "info")
        return "\n".join(line for d in drains for line in d.lines)

    app.push_screen(TextScreen(title, subject or ", ".join(names), progress, plain=True))
