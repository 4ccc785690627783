"""Ingress validation as the apiserver does it (``pkg/apis/networking/validation``): what a path
and a backend must look like, so a typo is refused with the field and the reason, not accepted
and silently routed nowhere."""

from __future__ import annotations

import ipaddress
from typing import Any

from k9play.api.errors import Cause
from k9play.api.meta import Obj

PATH_TYPES = ("Exact", "ImplementationSpecific", "Prefix")  # supportedPathTypes.List(), sorted
INVALID_PATH_SEQUENCES = ("//", "/./", "/../", "%2f", "%2F")
INVALID_PATH_SUFFIXES = ("/..", "/.")


def _go(value: Any) -> str:
    from k9play.api.validation import go_repr

    return go_repr(value)


def _invalid(field: str, value: Any, detail: str) -> Cause:
    return Cause(field, f"Invalid value: {_go(value)}: {detail}", "FieldValueInvalid")


def _required(field: str, detail: str = "") -> Cause:
    return Cause(field, "Required value" + (f": {detail}" if detail else ""), "FieldValueRequired")


def validate_ingress(obj: Obj) -> list[Cause]:
    spec = obj.get("spec") or {}
    causes: list[Cause] = []
    rules = spec.get("rules") or []
    if not rules and spec.get("defaultBackend") is None:
        causes.append(Cause("spec", f"Invalid value: {'null' if spec.get('rules') is None else '[]'}: either "
                                    "`defaultBackend` or `rules` must be specified", "FieldValueInvalid"))
    if spec.get("defaultBackend") is not None:
        causes += _backend(spec["defaultBackend"], "spec.defaultBackend")
    for i, rule in enumerate(rules):
        field = f"spec.rules[{i}]"
        host = (rule or {}).get("host") or ""
        if host and _is_ip(host):
            causes.append(_invalid(f"{field}.host", host, "must be a DNS name, not an IP address"))
        http = (rule or {}).get("http")
        if http is None:
            continue
        paths = http.get("paths") or []
        if not paths:
            causes.append(_required(f"{field}.http.paths"))
        for j, path in enumerate(paths):
            causes += _path(path or {}, f"{field}.http.paths[{j}]")
    return causes


def _path(path: Obj, field: str) -> list[Cause]:
    kind = path.get("pathType")
    if kind is None:
        return [_required(f"{field}.pathType", "pathType must be specified")]
    value = path.get("path") or ""
    causes: list[Cause] = []
    if kind in ("Exact", "Prefix"):
        if not value.startswith("/"):
            causes.append(_invalid(f"{field}.path", value, "must be an absolute path"))
        if value:
            causes += [_invalid(f"{field}.path", value, f"must not contain '{s}'")
                       for s in INVALID_PATH_SEQUENCES if s in value]
            causes += [_invalid(f"{field}.path", value, f"cannot end with '{s}'")
                       for s in INVALID_PATH_SUFFIXES if value.endswith(s)]
    elif kind == "ImplementationSpecific":
        if value and not value.startswith("/"):
            causes.append(_invalid(f"{field}.path", value, "must be an absolute path"))
    else:
        supported = ", ".join(f'"{t}"' for t in PATH_TYPES)
        causes.append(Cause(f"{field}.pathType", f"Unsupported value: {_go(kind)}: supported values: {supported}",
                            "FieldValueNotSupported"))
    return causes + _backend(path.get("backend") or {}, f"{field}.backend")


def _backend(backend: Obj, field: str) -> list[Cause]:
    service, resource = backend.get("service"), backend.get("resource")
    if service is not None and resource is not None:
        return [_invalid(field, "", "cannot set both resource and service backends")]
    if resource is not None:
        return []
    if service is None:
        return [_invalid(field, "", "resource or service backend is required")]
    causes = [] if service.get("name") else [_required(f"{field}.service.name")]
    port = service.get("port") or {}
    if port.get("name") and port.get("number"):
        causes.append(_invalid(field, "", "cannot set both port name & port number"))
    elif not port.get("name") and not port.get("number"):
        causes.append(_required(field, "port name or number is required"))
    elif port.get("number") and not 0 < int(port["number"]) < 65536:
        causes.append(_invalid(f"{field}.service.port.number", port["number"], "must be between 1 and 65535, "
                                                                                "inclusive"))
    return causes


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
