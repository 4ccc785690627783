"""A container's environment as the kubelet builds it: ``env``, ``envFrom``, the downward
API, ConfigMap and Secret references, and ``$(VAR)`` expansion.

A missing ConfigMap, Secret or key that is not ``optional`` is the kubelet's
``CreateContainerConfigError``; the message is the kubelet's.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import TYPE_CHECKING, Any

from k9play.kubelet.service_env import service_env

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore

Obj = dict[str, Any]


class ConfigError(Exception):
    """``CreateContainerConfigError`` with the kubelet's message."""


def _decode(value: str) -> str:
    try:
        return base64.b64decode(value).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return value


def _source(store: ObjectStore, kind: str, name: str, namespace: str) -> Obj | None:
    return store.try_get(kind, name, namespace)


def _data(obj: Obj, kind: str) -> dict[str, str]:
    if kind == "Secret":
        data = {k: _decode(v) for k, v in (obj.get("data") or {}).items()}
        data.update(obj.get("stringData") or {})
        return data
    return {**(obj.get("binaryData") or {}), **(obj.get("data") or {})}


_REF = re.compile(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)")


def expand(value: str, env: dict[str, str]) -> str:
    """Kubernetes ``$(VAR)`` references; ``$$`` escapes a ``$``; unknown references stay."""

    def sub(m: re.Match[str]) -> str:
        if m.group(0) == "$$":
            return "$"
        return env.get(m.group(1), m.group(0))

    return _REF.sub(sub, value)


def field_value(pod: Obj, path: str) -> str:
    md, spec, status = pod.get("metadata") or {}, pod.get("spec") or {}, pod.get("status") or {}
    m = re.fullmatch(r"metadata\.(labels|annotations)\['([^']+)'\]", path)
    if m:
        return str((md.get(m.group(1)) or {}).get(m.group(2), ""))
    return str({
        "metadata.name": md.get("name", ""),
        "metadata.namespace": md.get("namespace", ""),
        "metadata.uid": md.get("uid", ""),
        "spec.nodeName": spec.get("nodeName", ""),
        "spec.serviceAccountName": spec.get("serviceAccountName", ""),
        "status.hostIP": status.get("hostIP", ""),
        "status.podIP": status.get("podIP", ""),
    }.get(path, ""))


def build_env(store: ObjectStore, pod: Obj, container: Obj) -> dict[str, str]:
    """The environment of ``container``; raises :class:`ConfigError` on a missing reference.

    As the kubelet's ``makeEnvironmentVariables``: ``envFrom``, then ``env`` (whose ``$(VAR)``
    may also name a Service variable), then the Service variables the container did not set."""
    ns = (pod.get("metadata") or {}).get("namespace", "default")
    env: dict[str, str] = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                           "HOSTNAME": (pod.get("metadata") or {}).get("name", "")}
    services = service_env(store, pod)
    declared = _declared_env(store, pod, container, ns, services)
    env.update(declared)
    env.update({k: v for k, v in services.items() if k not in declared})
    return env


def _declared_env(store: ObjectStore, pod: Obj, container: Obj, ns: str, services: dict[str, str]) -> dict[str, str]:
    """``envFrom`` and ``env`` in order; ``$(VAR)`` sees these and the Service variables."""
    env: dict[str, str] = {}
    for src in container.get("envFrom") or []:
        prefix = src.get("prefix", "")
        for key, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
            ref = src.get(key)
            if ref is None:
                continue
            obj = _source(store, kind, ref.get("name", ""), ns)
            if obj is None:
                if ref.get("optional"):
                    continue
                raise ConfigError(f'{kind.lower()} "{ref.get("name", "")}" not found')
            for k, v in _data(obj, kind).items():
                env[prefix + k] = v
    for var in container.get("env") or []:
        name = var.get("name", "")
        if "value" in var:
            env[name] = expand(str(var["value"]), {**services, **env})
            continue
        vf = var.get("valueFrom") or {}
        if "fieldRef" in vf:
            env[name] = field_value(pod, vf["fieldRef"].get("fieldPath", ""))
        elif "resourceFieldRef" in vf:
            res = vf["resourceFieldRef"].get("resource", "")
            kind, _, rname = res.partition(".")
            value = ((container.get("resources") or {}).get(kind) or {}).get(rname)
            env[name] = str(value) if value is not None else "0"
        else:
            for key, kind in (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")):
                ref = vf.get(key)
                if ref is None:
                    continue
                obj = _source(store, kind, ref.get("name", ""), ns)
                if obj is None:
                    if ref.get("optional"):
                        break
                    raise ConfigError(f'{kind.lower()} "{ref.get("name", "")}" not found')
                data = _data(obj, kind)
                if ref.get("key") not in data:
                    if ref.get("optional"):
                        break
                    raise ConfigError(f"couldn't find key {ref.get('key')} in {kind} {ns}/{ref.get('name')}")
                env[name] = data[ref["key"]]
    return env
