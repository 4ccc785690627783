"""``kubectl cordon``, ``uncordon``, ``drain``, ``taint`` and ``label`` (kubectl v1.34:
``pkg/cmd/drain``, ``pkg/cmd/taint``, ``pkg/cmd/label``), with their messages.

``drain`` runs :class:`~k9play.kubectl.drain.Drain` and lets simulated time pass while it
waits (``Kubectl.wait``); without ``--timeout`` kubectl would wait forever — here it waits
at most :data:`UNBOUNDED_WAIT` virtual seconds and then reports the timeout as kubectl would.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from k9play.api import errors
from k9play.api.meta import Obj, copy_obj, labels_of
from k9play.api.resources import ResourceType
from k9play.api.selectors import SelectorError, parse_label_selector
from k9play.kubectl.commands import CommandError, Flags, Result, resolve_resources, resolve_type
from k9play.kubectl.drain import Drain, DrainOptions

if TYPE_CHECKING:
    from k9play.kubectl.commands import Kubectl

#: the longest a drain without --timeout waits in the simulation (virtual seconds)
UNBOUNDED_WAIT = 600.0
_DURATION = re.compile(r"^(?:(\d+(?:\.\d+)?)(ms|s|m|h))+$")
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h)")
EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")


def parse_go_duration(text: str, flag: str) -> float:
    """``time.ParseDuration`` for ``--timeout`` (``0`` means none)."""
    if text == "0":
        return 0.0
    if not _DURATION.match(text):
        raise CommandError(f'invalid argument "{text}" for "--{flag}" flag: time: invalid duration "{text}"')
    return sum(float(n) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[u] for n, u in _PART.findall(text))


def _on(flags: Flags, name: str) -> bool:
    """A boolean flag: given, and not ``=false``."""
    value = flags.get(name)
    return value is not None and value.lower() != "false"


def _nodes(k: Kubectl, flags: Flags, verb: str) -> list[Obj]:
    """The nodes named (``NAME`` or ``node/NAME``) or selected with ``-l``."""
    selector = flags.get("selector")
    if not flags.args and selector is None:
        raise CommandError(f"USAGE: {verb} NODE [flags]\nSee 'kubectl {verb} -h' for help and examples")
    if flags.args and selector:
        raise CommandError("error: cannot specify both a node name and a --selector option", verbatim=True)
    if selector is not None:
        try:
            return k.store.list("Node", label_selector=parse_label_selector(selector))
        except SelectorError as e:
            raise CommandError(str(e)) from None
    out = []
    for arg in flags.args:
        name = arg.split("/", 1)[1] if "/" in arg else arg
        if "/" in arg and resolve_type(arg.split("/", 1)[0]).kind != "Node":
            raise CommandError(f'error: expected resource of type node, got "{arg.split("/", 1)[0]}"', verbatim=True)
        node = k.store.try_get("Node", name)
        if node is None:
            raise CommandError(errors.not_found("nodes", name).kubectl_text(), verbatim=True)
        out.append(node)
    return out


def _cordon(k: Kubectl, flags: Flags, result: Result, desired: bool) -> None:
    verb = "cordon" if desired else "uncordon"
    for node in _nodes(k, flags, verb):
        name = node["metadata"]["name"]
        if bool((node.get("spec") or {}).get("unschedulable")) == desired:
            result.write(f"node/{name} already {verb}ed\n")
            continue
        if flags.get("dry-run", "none") not in ("client", "server"):
            k.store.patch("Node", name, None, {"spec": {"unschedulable": True if desired else None}})
        suffix = f" ({flags.get('dry-run')} dry run)" if flags.get("dry-run") in ("client", "server") else ""
        result.write(f"node/{name} {verb}ed{suffix}\n")


def cordon(k: Kubectl, flags: Flags, result: Result) -> None:
    _cordon(k, flags, result, True)


def uncordon(k: Kubectl, flags: Flags, result: Result) -> None:
    _cordon(k, flags, result, False)


def drain_options(flags: Flags) -> DrainOptions:
    """kubectl drain's flags as :class:`DrainOptions` (``--timeout`` 0, the default: for ever)."""
    grace = flags.get("grace-period", "-1") or "-1"
    try:
        grace_period = int(grace)
    except ValueError:
        raise CommandError(f'invalid argument "{grace}" for "--grace-period" flag: strconv.ParseInt: parsing '
                           f'"{grace}": invalid syntax') from None
    timeout = parse_go_duration(flags.get("timeout", "0") or "0", "timeout")
    return DrainOptions(grace_period=grace_period, timeout=timeout, ignore_daemonsets=_on(flags, "ignore-daemonsets"),
                        delete_emptydir_data=_on(flags, "delete-emptydir-data"), force=_on(flags, "force"),
                        pod_selector=flags.get("pod-selector", "") or "",
                        disable_eviction=_on(flags, "disable-eviction"))


def drain_targets(k: Kubectl, flags: Flags) -> tuple[list[str], DrainOptions]:
    """The nodes a drain line names and how to drain them; CommandError as kubectl says it."""
    opts = drain_options(flags)
    return [n["metadata"]["name"] for n in _nodes(k, flags, "drain")], opts


def drain(k: Kubectl, flags: Flags, result: Result) -> None:
    opts = drain_options(flags)
    nodes = _nodes(k, flags, "drain")
    _cordon(k, Flags(args=[n["metadata"]["name"] for n in nodes], values={}), result, True)
    pending: list[str] = []
    pending_errs: list[str] = []
    for node in nodes:
        d = Drain(k.store, node["metadata"]["name"], opts)
        d.start(cordon=False)
        started = k.now()
        if not d.done and k.wait is not None:
            k.wait(lambda d=d: (d.poll(), d.done)[1], opts.timeout + 1 if opts.timeout else UNBOUNDED_WAIT)
        d.expire(opts.timeout or k.now() - started)  # a no-op once done
        lines = list(zip(d.lines, d.streams, strict=True))
        if d.failed and "There are pending nodes to be drained:" in d.lines:
            cut = d.lines.index("There are pending nodes to be drained:")
            pending.append(node["metadata"]["name"])
            errs = d.lines[cut + 2:]
            lines = lines[:cut]
        else:
            errs = []
        for line, stream in lines:
            if stream == "out":
                result.write(line + "\n")
            else:
                result.error(line)
        if d.failed:
            result.code = 1
            pending_errs += errs
    if pending:  # after every node, as RunDrain does; then CheckErr prints the errors
        result.error("There are pending nodes to be drained:")
        for name in pending:
            result.error(f" {name}")
        for line in pending_errs:
            result.error(line)


# -------------------------------------------------------------------- taint
def _taint_string(t: Obj) -> str:
    """``Taint.ToString``."""
    s = t.get("key", "")
    if t.get("value"):
        s += f"={t['value']}"
    return f"{s}:{t['effect']}" if t.get("effect") else s


def parse_taint(spec: str) -> Obj:
    """``parseTaint``: ``key[=value][:effect]``."""
    parts = spec.split(":")
    taint: Obj = {}
    if len(parts) == 1:
        taint["key"] = parts[0]
    elif len(parts) == 2:
        if parts[1] not in EFFECTS:
            raise CommandError(f"invalid taint effect: {parts[1]}, unsupported taint effect")
        kv = parts[0].split("=")
        if len(kv) > 2:
            raise CommandError(f"invalid taint spec: {spec}")
        taint["key"] = kv[0]
        if len(kv) == 2:
            taint["value"] = kv[1]
        taint["effect"] = parts[1]
    else:
        raise CommandError(f"invalid taint spec: {spec}")
    if not taint["key"] or not re.fullmatch(r"([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*"
                                            r"[A-Za-z0-9])?", taint["key"]):
        raise CommandError(f"invalid taint spec: {spec}, name part must consist of alphanumeric characters, '-', "
                           "'_' or '.', and must start and end with an alphanumeric character")
    return taint


def taint(k: Kubectl, flags: Flags, result: Result) -> None:
    args = list(flags.args)
    if not args:
        raise CommandError("USAGE: taint NODE NAME KEY_1=VAL_1:TAINT_EFFECT_1 ... KEY_N=VAL_N:TAINT_EFFECT_N "
                           "[flags]\nSee 'kubectl taint -h' for help and examples")
    if "/" in args[0]:
        kind, _, first = args[0].partition("/")
        names, specs = [first], args[1:]
    else:
        kind, rest = args[0], args[1:]
        names = [] if flags.has("all") or flags.has("selector") else rest[:1]
        specs = rest[len(names):]
    if resolve_type(kind).kind != "Node":
        raise CommandError(f"invalid resource type {kind}, only node types are supported")
    if not specs:
        raise CommandError("at least one taint update is required")
    add, remove = [], []
    for spec in specs:
        if spec.endswith("-"):
            remove.append(parse_taint(spec[:-1]))
        else:
            t = parse_taint(spec)
            if "effect" not in t:
                raise CommandError(f"unknown taint spec: {spec}")
            add.append(t)
    nodes = k.store.list("Node") if flags.has("all") else _nodes(k, Flags(args=names, values=flags.values), "taint")
    for node in nodes:
        result.write(f"node/{node['metadata']['name']} {_retaint(k, node, add, remove, _on(flags, 'overwrite'))}\n")


def _retaint(k: Kubectl, node: Obj, add: list[Obj], remove: list[Obj], overwrite: bool) -> str:
    """``updateTaints`` + ``reorganizeTaints``: the new taints and the verb to print."""
    old = list((node.get("spec") or {}).get("taints") or [])
    name = node["metadata"]["name"]
    if not overwrite:
        exists = [t["key"] for t in add for o in old if t["key"] == o.get("key") and t["effect"] == o.get("effect")]
        if exists:
            raise CommandError(f"node {name} already has {','.join(exists)} taint(s) with same effect(s) and "
                               "--overwrite is false")
    new = [dict(t) for t in add]
    for o in old:
        if not any(t.get("key") == o.get("key") and t.get("effect") == o.get("effect") for t in new):
            new.append(o)
    added = len(old) != len(new)
    errs, deleted = [], False
    for r in remove:
        before = len(new)
        new = [t for t in new if not (t.get("key") == r["key"] and (not r.get("effect") or t.get("effect") ==
                                                                     r["effect"]))]
        deleted = len(new) != before
        if not deleted:
            errs.append(f'taint "{_taint_string(r)}" not found')
    if errs:
        raise CommandError(errs[0] if len(errs) == 1 else "[" + ", ".join(errs) + "]")
    patched = copy_obj(node)
    spec = patched.setdefault("spec", {})
    if new:
        spec["taints"] = new
    else:
        spec.pop("taints", None)
    if patched != node:
        k.store.update(patched)
    if (added and deleted) or overwrite:
        return "modified"
    return "tainted" if added else "untainted"


# -------------------------------------------------------------------- label
def split_updates(args: list[str]) -> tuple[list[str], dict[str, str], list[str]]:
    """``label``/``annotate`` arguments: the targets, ``KEY=VALUE`` updates and ``KEY-`` removals."""
    pairs = [a for a in args if "=" in a or (a.endswith("-") and "/" not in a and a != "-")]
    targets = [a for a in args if a not in pairs]
    if not targets:
        raise CommandError("You must provide one or more resources by argument or filename.\nExample resource "
                           "specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> "
                           "<name>'\n   '<resource>'", verbatim=True)
    updates = dict(p.partition("=")[::2] for p in pairs if "=" in p)
    removed = [p[:-1] for p in pairs if "=" not in p]
    return targets, updates, removed


def label(k: Kubectl, flags: Flags, result: Result) -> None:
    targets, new_labels, removed = split_updates(flags.args)
    for key, value in new_labels.items():
        if not key or not re.fullmatch(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?", value):
            raise CommandError(f"invalid label spec: {key}={value}")
    if not new_labels and not removed:
        raise CommandError("at least one label update is required")
    ns = k.namespace_of(flags)
    for rt, obj in _targets(k, flags, targets, ns):
        result.write(_relabel(k, rt, obj, new_labels, removed, _on(flags, "overwrite"), result))


def _targets(k: Kubectl, flags: Flags, targets: list[str], ns: str) -> list[tuple[ResourceType, Obj]]:
    out = []
    for req in resolve_resources(targets):
        if req.names:
            for name in req.names:
                obj = k.store.try_get(req.rt.kind, name, ns)
                if obj is None:
                    raise CommandError(errors.not_found(req.rt.resource, name).kubectl_text(), verbatim=True)
                out.append((req.rt, obj))
        elif flags.has("all") or flags.has("selector"):
            sel = flags.get("selector")
            out += [(req.rt, o) for o in k.store.list(req.rt.kind, ns, label_selector=sel)]
        else:
            raise CommandError("resource(s) were provided, but no name was specified")
    return out


def _relabel(k: Kubectl, rt: ResourceType, obj: Obj, new_labels: dict[str, str], removed: list[str],
             overwrite: bool, result: Result) -> str:
    """``labelFunc`` and ``updateDataChangeMsg``."""
    current = labels_of(obj)
    if not overwrite:
        clashes = [f"'{key}' already has a value ({current[key]}), and --overwrite is false"
                   for key, value in new_labels.items() if key in current and current[key] != value]
        if clashes:
            raise CommandError(clashes[0] if len(clashes) == 1 else "[" + ", ".join(clashes) + "]")
    for key in removed:
        if key not in current:
            result.write(f'label "{key}" not found.\n')
    labels = {**current, **new_labels}
    for key in removed:
        labels.pop(key, None)
    msg = "not labeled"
    if labels != current:
        msg = "unlabeled" if not overwrite and len(labels) < len(current) else "labeled"
        new = copy_obj(obj)
        new["metadata"]["labels"] = labels
        if not labels:
            del new["metadata"]["labels"]
        k.store.update(new)
    return f"{rt.qualified_kind}/{obj['metadata']['name']} {msg}\n"
