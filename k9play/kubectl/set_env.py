"""``kubectl set env`` and ``kubectl set resources`` (kubectl v1.34 ``pkg/cmd/set``): change the
pod template's containers; a changed template rolls out like any edit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from k9play.api.meta import Obj, copy_obj
from k9play.api.quantity import QuantityError, parse_quantity
from k9play.kubectl.commands import CommandError, Flags, Result

if TYPE_CHECKING:
    from k9play.api.resources import ResourceType
    from k9play.kubectl.commands import Kubectl


def _pod_spec(rt: ResourceType, obj: Obj) -> Obj:
    spec = obj.setdefault("spec", {})
    if rt.kind == "Pod":
        return spec
    if rt.kind == "CronJob":
        spec = spec.setdefault("jobTemplate", {}).setdefault("spec", {})
    return spec.setdefault("template", {}).setdefault("spec", {})


def _containers(flags: Flags, pod_spec: Obj) -> list[Obj]:
    wanted = flags.get("container") or "*"
    containers = list(pod_spec.get("containers") or [])
    picked = [c for c in containers if wanted == "*" or c.get("name") == wanted]
    if not picked:
        raise CommandError(f'unable to find container named "{wanted}"')
    return picked


def set_env(k: Kubectl, flags: Flags, result: Result, targets: list[str], pairs: list[str]) -> None:
    """``set env TYPE/NAME KEY=VALUE … KEY-`` (``--list`` prints them instead)."""
    from k9play.kubectl.workloads import _objects

    updates, removes = {}, []
    for p in pairs:
        if p.endswith("-") and "=" not in p:
            removes.append(p[:-1])
        else:
            key, _, value = p.partition("=")
            updates[key] = value
    for rt, obj in _objects(k, flags, targets):
        new = copy_obj(obj)
        containers = _containers(flags, _pod_spec(rt, new))
        if flags.has("list"):
            for c in containers:
                result.write(f"# {rt.kind.lower()}s/{obj['metadata']['name']}, container {c.get('name')}\n")
                for e in c.get("env") or []:
                    result.write(f"{e.get('name')}={e.get('value', '')}\n" if "value" in e or "valueFrom" not in e
                                 else f"# {e.get('name')} from {next(iter(e['valueFrom']))}\n")
            continue
        if not updates and not removes:
            raise CommandError("at least one environment variable must be provided")
        for c in containers:
            env = [e for e in c.get("env") or [] if e.get("name") not in removes]
            for key, value in updates.items():
                current = next((e for e in env if e.get("name") == key), None)
                if current is None:
                    env.append({"name": key, "value": value})
                else:
                    current.clear()
                    current.update({"name": key, "value": value})
            if env:
                c["env"] = env
            else:
                c.pop("env", None)
        if new != obj:
            k.store.update(new)
        result.write(f"{rt.qualified_kind}/{obj['metadata']['name']} env updated\n")


def set_resources(k: Kubectl, flags: Flags, result: Result, targets: list[str]) -> None:
    """``set resources TYPE/NAME --limits=cpu=200m,memory=512Mi --requests=…``."""
    from k9play.kubectl.workloads import _objects

    limits, requests = _resource_list(flags.get("limits")), _resource_list(flags.get("requests"))
    if not limits and not requests:
        raise CommandError("you must specify an update to requests or limits (in the form of --requests/--limits)")
    for rt, obj in _objects(k, flags, targets):
        new = copy_obj(obj)
        for c in _containers(flags, _pod_spec(rt, new)):
            res = c.setdefault("resources", {})
            if limits:
                res["limits"] = {**(res.get("limits") or {}), **limits}
            if requests:
                res["requests"] = {**(res.get("requests") or {}), **requests}
        if new != obj:
            k.store.update(new)
        result.write(f"{rt.qualified_kind}/{obj['metadata']['name']} resource requirements updated\n")


def _resource_list(text: str | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part:
            continue
        name, eq, value = part.partition("=")
        if not eq:
            raise CommandError(f"Invalid argument syntax {part}, expected <resource>=<value>")
        try:
            parse_quantity(value)
        except (QuantityError, ValueError):
            raise CommandError("quantities must match the regular expression "
                               "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'") from None
        out[name] = value
    return out
