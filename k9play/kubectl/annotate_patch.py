"""``kubectl annotate`` and ``kubectl patch`` (kubectl v1.34 ``pkg/cmd/annotate``, ``pkg/cmd/patch``)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import yaml

from k9play.api import errors
from k9play.api.meta import copy_obj
from k9play.kubectl.commands import CommandError, Flags, Result, resolve_resources

if TYPE_CHECKING:
    from k9play.kubectl.commands import Kubectl

#: ``kubernetes.io/change-cause`` may always be overwritten (``validateNoAnnotationOverwrites``)
CHANGE_CAUSE = "kubernetes.io/change-cause"
PATCH_TYPES = {"strategic": "strategic", "merge": "merge", "json": "json"}


def annotate(k: Kubectl, flags: Flags, result: Result) -> None:
    from k9play.kubectl.nodes import _on, _targets, split_updates

    targets, new, removed = split_updates(flags.args)
    if "" in new:
        raise CommandError(f"invalid annotation format: ={new['']}")
    if not new and not removed:
        raise CommandError("at least one annotation update is required")
    overwrite = _on(flags, "overwrite")
    for rt, obj in _targets(k, flags, targets, k.namespace_of(flags)):
        current = dict(obj["metadata"].get("annotations") or {})
        if not overwrite:
            clashes = [f"'{key}' already has a value ({current[key]})" for key, value in new.items()
                       if key != CHANGE_CAUSE and key in current and current[key] != value]
            if clashes:
                raise CommandError("--overwrite is false but found the following declared annotation(s): "
                                   + "; ".join(clashes))
        annotations = {**current, **new}
        for key in removed:
            annotations.pop(key, None)
        if annotations != current:
            updated = copy_obj(obj)
            updated["metadata"]["annotations"] = annotations
            if not annotations:
                del updated["metadata"]["annotations"]
            k.store.update(updated)
        result.write(f"{rt.qualified_kind}/{obj['metadata']['name']} annotated\n")


def patch(k: Kubectl, flags: Flags, result: Result) -> None:
    reqs = resolve_resources(flags.args)
    text = flags.get("patch")
    if text is None:
        raise CommandError("must specify --patch or --patch-file containing the contents of the patch")
    kind = flags.get("type") or "strategic"
    if kind not in PATCH_TYPES:
        raise CommandError(f'--type must be one of [json merge strategic], not "{kind}"')
    try:
        body = yaml.safe_load(text)  # kubectl accepts JSON or YAML
    except yaml.YAMLError as e:
        raise CommandError(f"unable to parse \"{text}\": {e}") from None
    if not reqs or not any(r.names for r in reqs):
        raise CommandError("resource(s) were provided, but no name was specified")
    ns = k.namespace_of(flags)
    for req in reqs:
        for name in req.names:
            before = k.store.try_get(req.rt.kind, name, ns if req.rt.namespaced else None)
            try:
                after = k.store.patch(req.rt.kind, name, ns if req.rt.namespaced else None, body, PATCH_TYPES[kind])
            except errors.ApiError as e:
                raise CommandError(e.kubectl_text(), verbatim=True) from None
            same = before is not None and json.dumps(before, sort_keys=True) == json.dumps(after, sort_keys=True)
            result.write(f"{req.rt.qualified_kind}/{name} patched{' (no change)' if same else ''}\n")
