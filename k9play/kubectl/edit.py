"""``kubectl edit`` without the editor: the buffer to edit and what saving it does.

Ported from kubectl's ``editoptions.go``: the object is shown as YAML under kubectl's
comment header; saving computes a patch from the shown object to the edited one and applies
it to the live object (so status updates that happen meanwhile do not conflict; editing
``resourceVersion`` makes it a precondition and can). An invalid object or a YAML error
re-opens the buffer with the reasons in the header; saving that unchanged cancels.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from k9play.api import errors, resources
from k9play.api.meta import Obj
from k9play.api.patches import merge_patch
from k9play.api.store import ObjectStore
from k9play.kubectl.printers import to_yaml
from k9play.manifests.applier import three_way_patch

HEADER = (
    "# Please edit the object below. Lines beginning with a '#' will be ignored,\n"
    "# and an empty file will abort the edit. If an error occurs while saving this file will be\n"
    "# reopened with the relevant failures.\n"
    "#\n"
)


@dataclass(frozen=True)
class EditResult:
    """``reopen`` is the next buffer when the editor must open again; else ``message`` ends it."""

    message: str
    ok: bool = True
    reopen: str | None = None


def strip_comments(text: str) -> str:
    """kubectl's ``StripComments``: drop every line whose first non-blank character is ``#``."""
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def _hash_breaks(text: str) -> str:
    return text.replace("\n", "\n# ")


class EditSession:
    """One ``kubectl edit`` of one object: :meth:`buffer` to start, :meth:`save` per save."""

    def __init__(self, store: ObjectStore, obj: Obj) -> None:
        self.store = store
        self.rt = resources.for_object(obj["apiVersion"], obj["kind"])
        self.name = obj["metadata"]["name"]
        self.namespace = obj["metadata"].get("namespace")
        shown = dict(obj)
        shown["metadata"] = {k: v for k, v in obj["metadata"].items() if k != "managedFields"}
        self.original = shown
        self.original_text = to_yaml(shown)
        self._last_error_text: str | None = None

    @property
    def ident(self) -> str:
        return f"{self.rt.qualified_kind}/{self.name}"

    def buffer(self, reasons: list[tuple[str, list[str]]] | None = None, body: str | None = None) -> str:
        """The file handed to the editor: the header, any reasons, then the object."""
        out = HEADER
        for head, others in reasons or []:
            out += f"# {_hash_breaks(head)}{':' if others else ''}\n"
            out += "".join(f"# * {_hash_breaks(o)}\n" for o in others)
            out += "#\n"
        return out + (self.original_text if body is None else body)

    def save(self, edited: str) -> EditResult:
        """What kubectl does when the editor exits with ``edited`` in the file."""
        body = strip_comments(edited)
        if self._last_error_text is not None and body == self._last_error_text:
            return EditResult("error: Edit cancelled, no valid changes were saved.", ok=False)
        if body.strip() == strip_comments(self.original_text).strip():
            return EditResult("Edit cancelled, no changes made.")
        if not body.strip():
            return EditResult("Edit cancelled, saved file was empty.")
        try:
            new = yaml.safe_load(body)
        except yaml.YAMLError as e:
            return self._reopen(body, [(f"The edited file had a syntax error: {_yaml_error(e)}", [])])
        if not isinstance(new, dict):
            return self._reopen(body, [("The edited file had a syntax error: the object must be a map", [])])
        if new == self.original:
            return EditResult(f"{self.ident} skipped")
        md = new.get("metadata") if isinstance(new.get("metadata"), dict) else {}
        if new.get("apiVersion") != self.original["apiVersion"] or new.get("kind") != self.original["kind"] or \
                md.get("name") != self.name:
            return EditResult("error: At least one of apiVersion, kind and name was changed", ok=False)
        if self.rt.namespaced and md.get("namespace", self.namespace) != self.namespace:
            return EditResult(f'error: the namespace from the provided object "{md.get("namespace")}" does not '
                              f'match the namespace "{self.namespace}". You must pass \'--namespace='
                              f"{md.get('namespace')}' to perform this operation.", ok=False)
        patch = three_way_patch(self.original, new, self.original)
        return self._apply(body, patch)

    def _apply(self, body: str, patch: Obj) -> EditResult:
        resource = self.rt.resource
        live = self.store.try_get(self.rt.kind, self.name, self.namespace)
        if live is None:
            return EditResult(f'error: {resource} "{self.name}" could not be found on the server', ok=False)
        merged = merge_patch(live, patch)
        rv = ((patch.get("metadata") or {}).get("resourceVersion"))
        merged["metadata"]["resourceVersion"] = rv or live["metadata"]["resourceVersion"]
        try:
            self.store.update(merged, field_validation="Strict")
        except errors.ApiError as e:
            if e.reason == "Invalid":
                causes = [f"{c.field}: {c.message}" for c in e.causes] or [e.message]
                reasons = [(f'{resource} "{self.name}" was not valid', causes)]
                return self._reopen(body, reasons, f'error: {resource} "{self.name}" is invalid')
            if e.reason == "NotFound":
                return EditResult(f'error: {resource} "{self.name}" could not be found on the server', ok=False)
            return EditResult(f'error: {resource} "{self.name}" could not be patched: {e}', ok=False)
        return EditResult(f"{self.ident} edited")

    def _reopen(self, body: str, reasons: list[tuple[str, list[str]]], message: str = "") -> EditResult:
        self._last_error_text = body
        return EditResult(message or f"error: {reasons[0][0]}", ok=False, reopen=self.buffer(reasons, body + "\n"))


def _yaml_error(e: yaml.YAMLError) -> str:
    mark = getattr(e, "problem_mark", None)
    problem = getattr(e, "problem", None) or str(e)
    return f"yaml: line {mark.line + 1}: {problem}" if mark is not None else problem
