"""Actions on the selected (or marked) objects of a resource table: the k9s verbs.

A separate base class of :class:`~k9play.tui.screens.browser.BrowserScreen` so that the
browser (views, filter, navigation) and the verbs (delete, scale, logs …) stay readable apart.
Textual merges ``BINDINGS`` along the MRO, so bindings declared here apply to the browser.

k9s binds some keys per view (``s`` scales a deployment, opens a shell on a pod, suspends a
cronjob; ``r`` restarts a deployment, drains a node): each meaning is its own binding and
:meth:`ResourceActions.check_action` lets only the one for the current kind through — the
others are hidden from the header's hints and the key reaches the next binding. The work
itself is in :mod:`k9play.kubectl.verbs` (store API / kubectl commands); here are only the
dialogs and the flash line.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from textual.binding import Binding, BindingType
from textual.screen import Screen

from k9play.api import errors
from k9play.api.meta import Obj
from k9play.api.resources import ResourceType
from k9play.kubectl import verbs
from k9play.kubectl.drain import DrainOptions
from k9play.kubectl.edit import EditSession
from k9play.kubectl.exec import default_container
from k9play.kubectl.printers import to_yaml
from k9play.kubectl.verbs import Outcome, path_of
from k9play.tui import editor
from k9play.tui.screens.dialogs import (
    ConfirmDialog,
    DeleteChoice,
    DeleteDialog,
    DrainDialog,
    ImageDialog,
    PickDialog,
    ScaleDialog,
)
from k9play.tui.screens.drain_progress import show_drain
from k9play.tui.screens.logs import LogsScreen
from k9play.tui.screens.rollout import RolloutScreen
from k9play.tui.screens.shell import ShellScreen
from k9play.tui.screens.text import TextScreen

if TYPE_CHECKING:
    from k9play.tui.app import K9playApp

Key = tuple[str, str]

LOGGABLE = ("Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "Service")
#: action → the kinds it applies to (actions not listed apply to every kind)
APPLIES: dict[str, tuple[str, ...]] = {
    "logs": LOGGABLE, "logs_previous": LOGGABLE, "kill": ("Pod",), "shell": ("Pod",),
    "scale": verbs.SCALABLE, "restart": verbs.RESTARTABLE, "set_image": verbs.IMAGE_KINDS,
    "rollback": ("ReplicaSet",), "cordon": ("Node",), "uncordon": ("Node",), "drain": ("Node",),
    "decode": ("Secret",), "trigger": ("CronJob",), "suspend": ("CronJob",), "rollout": ("Deployment",),
}


class ResourceActions(Screen[None]):
    """Verbs on objects; the browser supplies ``rt`` and :meth:`selected_keys`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit", "Edit", id="k9play.edit"),
        # priority: the table binds ``l`` to pan right; on loggable views k9s' ``l`` is logs
        Binding("l", "logs", "Logs", priority=True, id="k9play.logs"),
        Binding("p", "logs_previous", "Logs Previous", id="k9play.logs-previous"),
        Binding("ctrl+d", "delete", "Delete", key_display="ctrl-d", id="k9play.delete"),
        Binding("ctrl+k", "kill", "Kill", key_display="ctrl-k", id="k9play.kill"),
        Binding("s", "scale", "Scale", id="k9play.scale"),
        Binding("s", "shell", "Shell", id="k9play.shell"),
        Binding("s", "suspend", "Suspend/Resume", id="k9play.suspend"),
        Binding("r", "restart", "Restart", id="k9play.restart"),
        Binding("r", "drain", "Drain", id="k9play.drain"),
        Binding("ctrl+l", "rollback", "Rollback", key_display="ctrl-l", id="k9play.rollback"),
        Binding("c", "cordon", "Cordon", id="k9play.cordon"),
        Binding("u", "uncordon", "Uncordon", id="k9play.uncordon"),
        Binding("x", "decode", "Decode", id="k9play.decode"),
        Binding("t", "trigger", "Trigger", id="k9play.trigger"),
        Binding("i", "set_image", "Set Image", id="k9play.set-image"),
        Binding("o", "rollout", "Rollout", id="k9play.rollout"),
    ]

    rt: ResourceType

    def selected_keys(self) -> list[Key]:
        """The marked rows, else the row under the cursor (empty when the table is empty)."""
        raise NotImplementedError

    def selected_container(self) -> tuple[Key, str] | None:
        """On a pod's containers page: (pod key, container name) under the cursor."""
        return None

    def _cursor_container(self, pod: Obj) -> str | None:
        """The container under the cursor on the containers page, if it is one of ``pod``'s."""
        chosen = self.selected_container()
        spec = pod.get("spec") or {}
        names = [c["name"] for field in ("initContainers", "containers") for c in spec.get(field) or []]
        return chosen[1] if chosen is not None and chosen[1] in names else None

    @property
    def k9(self) -> K9playApp:
        return cast("K9playApp", self.app)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        kinds = APPLIES.get(action)
        return kinds is None or self.rt.kind in kinds

    # --------------------------------------------------------------- helpers
    def _report(self, outcome: Outcome) -> None:
        self.k9.flash(outcome.text, "info" if outcome.ok else "error")

    def _confirm(self, title: str, message: str, then: Callable[[], Outcome]) -> None:
        """k9s' confirm dialog; on OK run ``then`` and flash its outcome."""

        def done(ok: bool | None) -> None:
            if ok:
                self._report(then())

        self.app.push_screen(ConfirmDialog(title, message), done)

    def _what(self, keys: list[Key]) -> str:
        """``deployment default/web`` or ``(3) marked deployments`` for dialog questions."""
        return f"{self.rt.singular} {path_of(keys[0])}" if len(keys) == 1 else f"({len(keys)}) marked {self.rt.plural}"

    # ------------------------------------------------------------ every kind
    def action_edit(self) -> None:
        """``kubectl edit`` in the user's editor; invalid edits re-open with the reasons on top."""
        keys = self.selected_keys()
        obj = self.k9.cluster.store.try_get(self.rt.kind, keys[0][1], keys[0][0] or None) if keys else None
        if obj is None:
            return
        sync = self.k9.folder_sync
        origin = sync.origins.get((self.rt.kind, keys[0][0], keys[0][1])) if sync is not None else None
        if sync is not None and origin is not None:
            self._edit_source(*origin)
            return
        session = EditSession(self.k9.acting.store, obj)
        text = session.buffer()
        while True:
            try:
                edited = editor.run_editor(self.app, text)
            except editor.EditorError as e:
                self.k9.flash(str(e), "error")
                return
            result = session.save(edited)
            if result.reopen is None:
                self.k9.flash(result.message, "info" if result.ok else "error")
                return
            text = result.reopen

    def _edit_source(self, path: Path, line: int, _col: int) -> None:
        """An object from a watched file: edit the file at its document, then apply the file."""
        try:
            editor.edit_file(self.app, path, line)
        except editor.EditorError as e:
            self.k9.flash(str(e), "error")
            return
        sync = self.k9.folder_sync
        if sync is not None:
            self.k9.show_sync_report(sync.sync_file(path), say_unchanged=True)

    def action_delete(self) -> None:
        keys = self.selected_keys()
        if not keys:
            return
        rt = self.rt
        question = f"Delete {verbs.targets_text(rt, keys)}?"

        def done(choice: DeleteChoice | None) -> None:
            if choice is not None:
                self._report(verbs.delete(self.k9.acting, rt, keys, choice.propagation, choice.force))

        self.app.push_screen(DeleteDialog(question), done)

    # ------------------------------------------------------------------ pods
    def action_kill(self) -> None:
        """``ctrl-k``: no dialog, grace period 1 s (k9s)."""
        if keys := self.selected_keys():
            self._report(verbs.kill(self.k9.acting, keys))

    def action_logs(self, previous: bool = False) -> None:
        keys = self.selected_keys()
        if not keys:
            return
        pod, note = verbs.pod_for(self.k9.acting, self.rt, keys[0])
        if pod is None:
            self.k9.flash(note, "error")
            return
        names = [c["name"] for c in (pod.get("spec") or {}).get("containers") or []]
        container = self._cursor_container(pod)  # k9s: on the containers page, that container's logs
        if container is None:
            container = default_container(pod)
            annotated = "kubectl.kubernetes.io/default-container" in (pod["metadata"].get("annotations") or {})
            if len(names) > 1 and not annotated:
                note = f'Defaulted container "{container}" out of: {", ".join(names)}'
        if note:
            self.k9.flash(note)
        md = pod["metadata"]
        if (denied := self.k9.denied("get", "Pod", md["namespace"], md["name"], "log")) is not None:
            self.k9.flash(denied.kubectl_text(), "error")
            return
        self.app.push_screen(LogsScreen(md["namespace"], md["name"], container, previous=previous))

    def action_logs_previous(self) -> None:
        self.action_logs(previous=True)

    def action_shell(self) -> None:
        keys = self.selected_keys()
        pod = self.k9.cluster.store.try_get("Pod", keys[0][1], keys[0][0]) if keys else None
        if pod is None:
            return
        if (pod.get("status") or {}).get("phase") != "Running":
            self.k9.flash(f"{path_of(keys[0])} is not in a running state", "error")
            return
        ns, name = keys[0]
        # kubectl v1.34 tries a WebSocket (``get pods/exec``), then falls back to SPDY (``create``)
        denied = self.k9.denied("get", "Pod", ns, name, "exec") and self.k9.denied("create", "Pod", ns, name, "exec")
        if denied is not None:
            self.k9.flash(denied.kubectl_text(), "error")
            return
        names = [c["name"] for c in (pod.get("spec") or {}).get("containers") or []]
        chosen = self._cursor_container(pod)
        if len(names) == 1 or chosen in names:
            self.app.push_screen(ShellScreen(ns, name, chosen if chosen in names else names[0]))
            return

        def picked(container: str | None) -> None:
            if container is not None:
                self.app.push_screen(ShellScreen(ns, name, container))

        self.app.push_screen(PickDialog("Containers", names, default_container(pod)), picked)

    def action_set_image(self) -> None:
        keys = self.selected_keys()
        obj = self.k9.cluster.store.try_get(self.rt.kind, keys[0][1], keys[0][0]) if keys else None
        if obj is None:
            return
        rt, key = self.rt, keys[0]

        def done(images: dict[str, str] | None) -> None:
            if images is not None:
                self._report(verbs.set_images(self.k9.acting, rt, key, images))

        self.app.push_screen(ImageDialog(f"Set image of {self._what(keys)}?", verbs.container_images(rt, obj)), done)

    # ------------------------------------------------------------- workloads
    def action_scale(self) -> None:
        keys = self.selected_keys()
        if not keys:
            return
        rt = self.rt
        current = 0
        if len(keys) == 1 and (obj := self.k9.cluster.store.try_get(rt.kind, keys[0][1], keys[0][0])) is not None:
            current = verbs.replicas_of(obj)
        question = f"Scale {rt.singular} {path_of(keys[0])}?" if len(keys) == 1 else \
            f"Scale [{len(keys)}] {rt.plural}?"

        def done(replicas: int | None) -> None:
            if replicas is not None:
                self._report(verbs.scale(self.k9.acting, rt, keys, replicas))

        self.app.push_screen(ScaleDialog(question, current), done)

    def action_rollout(self) -> None:
        """``o`` on a deployment: the rollout pane (old and new ReplicaSets stepping, with events)."""
        if keys := self.selected_keys():
            self.app.push_screen(RolloutScreen(keys[0][0], keys[0][1]))

    def action_restart(self) -> None:
        if keys := self.selected_keys():
            rt = self.rt
            self._confirm("Confirm Restart", f"Restart {self._what(keys)}?",
                          lambda: verbs.restart(self.k9.acting, rt, keys))

    def action_rollback(self) -> None:
        if keys := self.selected_keys():
            self._confirm("Confirm Rollback", f"Rollback {self.rt.plural} {path_of(keys[0])}?",
                          lambda: verbs.rollback(self.k9.acting, keys[0]))

    def action_trigger(self) -> None:
        if keys := self.selected_keys():
            self._confirm("Confirm Job Trigger", f"Trigger Cronjob {path_of(keys[0])}?",
                          lambda: verbs.trigger(self.k9.acting, keys[0]))

    def action_suspend(self) -> None:
        keys = self.selected_keys()
        cj = self.k9.cluster.store.try_get("CronJob", keys[0][1], keys[0][0]) if keys else None
        if cj is not None:
            title = "Resume" if verbs.is_suspended(cj) else "Suspend"
            self._confirm(title, f"{title} CronJob {path_of(keys[0])}?",
                          lambda: verbs.toggle_suspend(self.k9.acting, keys[0]))

    # ----------------------------------------------------------------- nodes
    def action_cordon(self, on: bool = True) -> None:
        if keys := self.selected_keys():
            verb = "Cordon" if on else "Uncordon"
            names = [name for _, name in keys]
            question = f"{verb} {names[0]}?" if len(names) == 1 else f"{verb} ({len(names)}) marked nodes?"
            self._confirm(f"Confirm {verb}", question, lambda: verbs.cordon(self.k9.acting, names, on))

    def action_uncordon(self) -> None:
        self.action_cordon(on=False)

    def action_drain(self) -> None:
        names = [name for _, name in self.selected_keys()]
        if not names:
            return
        question = f"Drain {names[0]}?" if len(names) == 1 else f"Drain ({len(names)}) nodes?"

        def done(opts: DrainOptions | None) -> None:
            if opts is not None:
                self._drain(names, opts)

        self.app.push_screen(DrainDialog(question), done)

    def _drain(self, names: list[str], opts: DrainOptions) -> None:
        show_drain(self.k9, names, opts)

    # --------------------------------------------------------------- secrets
    def action_decode(self) -> None:
        keys = self.selected_keys()
        try:
            secret = self.k9.acting.store.try_get("Secret", keys[0][1], keys[0][0]) if keys else None
        except errors.ApiError as e:
            self.k9.flash(e.kubectl_text(), "error")
            return
        if secret is not None:
            text = to_yaml(verbs.decode_secret(secret)) if secret.get("data") else "{}\n"
            self.app.push_screen(TextScreen("Secret Decoder", path_of(keys[0]), lambda: text))
