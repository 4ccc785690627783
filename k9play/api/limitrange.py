"""LimitRange: defaulting of LimitRange items and the LimitRanger admission plugin.

Ported from ``pkg/apis/core/v1/defaults.go`` (``SetDefaults_LimitRangeItem``) and
``plugin/pkg/admission/limitranger/admission.go``:

* An item of type Container defaults ``default`` from ``max`` and ``defaultRequest`` from
  ``default``, then from ``min``.
* On pod creation each container without a request or limit gets the default one, recorded in
  the ``kubernetes.io/limit-ranger`` annotation (``LimitRanger plugin set: cpu, memory
  request for container app; …``).
* Validation: ``min``/``max``/``maxLimitRequestRatio`` per Container, per Pod (sums), and
  ``min``/``max`` storage per PersistentVolumeClaim, with the plugin's messages, joined as
  ``utilerrors.NewAggregate`` joins them. Go walks resource maps in random order; names are
  sorted here so messages are reproducible.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

from k9play.api import errors
from k9play.api.quantity import QuantityError, canonical, parse_quantity, quantity_format, quantity_string

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore

Obj = dict[str, Any]
ANNOTATION = "kubernetes.io/limit-ranger"


def default_items(lr: Obj) -> None:
    """``SetDefaults_LimitRangeItem`` for every Container item, in place."""
    for item in (lr.get("spec") or {}).get("limits") or []:
        if item.get("type") != "Container":
            continue
        default = item.setdefault("default", {})
        request = item.setdefault("defaultRequest", {})
        for k, v in (item.get("max") or {}).items():
            default.setdefault(k, v)
        for k, v in default.items():
            request.setdefault(k, v)
        for k, v in (item.get("min") or {}).items():
            request.setdefault(k, v)


def _value(v: Any) -> Fraction:
    try:
        return parse_quantity(v)
    except (QuantityError, TypeError):
        return Fraction(0)


def _merge(container: Obj, defaults: dict[str, dict[str, Any]], prefix: str, notes: list[str]) -> None:
    """``mergeContainerResources``."""
    res = container.setdefault("resources", {})
    set_requests, set_limits = [], []
    limits = res.setdefault("limits", {})
    for k, v in defaults["limits"].items():
        if k not in limits:
            limits[k] = v
            set_limits.append(k)
    requests = res.setdefault("requests", {})
    for k, v in defaults["requests"].items():
        if k not in requests:
            requests[k] = v
            set_requests.append(k)
    if not limits:
        del res["limits"]
    if not requests:
        del res["requests"]
    name = container.get("name", "")
    if set_requests:
        notes.append(f"{', '.join(sorted(set_requests))} request for {prefix} {name}")
    if set_limits:
        notes.append(f"{', '.join(sorted(set_limits))} limit for {prefix} {name}")


def mutate_pod(pod: Obj, ranges: list[Obj]) -> None:
    """``PodMutateLimitFunc`` for each LimitRange of the namespace."""
    spec = pod.get("spec") or {}
    for lr in ranges:
        defaults: dict[str, dict[str, Any]] = {"requests": {}, "limits": {}}
        for item in (lr.get("spec") or {}).get("limits") or []:
            if item.get("type") == "Container":
                defaults["requests"].update(item.get("defaultRequest") or {})
                defaults["limits"].update(item.get("default") or {})
        notes: list[str] = []
        for c in spec.get("containers") or []:
            _merge(c, defaults, "container", notes)
        for c in spec.get("initContainers") or []:
            _merge(c, defaults, "init container", notes)
        if notes:
            pod["metadata"].setdefault("annotations", {})[ANNOTATION] = "LimitRanger plugin set: " + "; ".join(notes)


def _min(kind: str, name: str, enforced: Any, requests: Obj, limits: Obj) -> str:
    want = quantity_string(enforced)
    if name not in requests:
        return f"minimum {name} usage per {kind} is {want}.  No request is specified"
    if _value(requests[name]) < _value(enforced):
        return f"minimum {name} usage per {kind} is {want}, but request is {quantity_string(requests[name])}"
    if name in limits and _value(limits[name]) < _value(enforced):
        return f"minimum {name} usage per {kind} is {want}, but limit is {quantity_string(limits[name])}"
    return ""


def _max(kind: str, name: str, enforced: Any, requests: Obj, limits: Obj) -> str:
    want = quantity_string(enforced)
    if name not in limits:
        return f"maximum {name} usage per {kind} is {want}.  No limit is specified"
    if _value(limits[name]) > _value(enforced):
        return f"maximum {name} usage per {kind} is {want}, but limit is {quantity_string(limits[name])}"
    if name in requests and _value(requests[name]) > _value(enforced):
        return f"maximum {name} usage per {kind} is {want}, but request is {quantity_string(requests[name])}"
    return ""


def _ratio(kind: str, name: str, enforced: Any, requests: Obj, limits: Obj) -> str:
    want = quantity_string(enforced)
    req, lim = _value(requests.get(name, 0)), _value(limits.get(name, 0))
    if name not in requests or req == 0:
        return f"{name} max limit to request ratio per {kind} is {want}, but no request is specified or request is 0"
    if name not in limits or lim == 0:
        return f"{name} max limit to request ratio per {kind} is {want}, but no limit is specified or limit is 0"
    observed = lim / req
    if observed > _value(enforced):
        return f"{name} max limit to request ratio per {kind} is {want}, but provided ratio is {float(observed):f}"
    return ""


def _check(kind: str, item: Obj, requests: Obj, limits: Obj, out: list[str]) -> None:
    for field, fn in (("min", _min), ("max", _max), ("maxLimitRequestRatio", _ratio)):
        for name in sorted(item.get(field) or {}):
            msg = fn(kind, name, item[field][name], requests, limits)
            if msg:
                out.append(msg)


def _pod_totals(spec: Obj, part: str) -> Obj:
    """Pod-level requests or limits: app containers add up, the largest init container wins."""
    total: dict[str, Fraction] = {}
    formats: dict[str, str] = {}
    for c in spec.get("containers") or []:
        for k, v in ((c.get("resources") or {}).get(part) or {}).items():
            total[k] = total.get(k, Fraction(0)) + _value(v)
            formats.setdefault(k, quantity_format(v))
    for c in spec.get("initContainers") or []:
        for k, v in ((c.get("resources") or {}).get(part) or {}).items():
            total[k] = max(total.get(k, Fraction(0)), _value(v))
            formats.setdefault(k, quantity_format(v))
    return {k: canonical(v, formats[k]) for k, v in total.items()}


def validate_pod(pod: Obj, ranges: list[Obj]) -> list[str]:
    """``PodValidateLimitFunc`` for every LimitRange."""
    spec = pod.get("spec") or {}
    out: list[str] = []
    for lr in ranges:
        for item in (lr.get("spec") or {}).get("limits") or []:
            if item.get("type") == "Container":
                for c in list(spec.get("containers") or []) + list(spec.get("initContainers") or []):
                    res = c.get("resources") or {}
                    _check("Container", item, res.get("requests") or {}, res.get("limits") or {}, out)
            elif item.get("type") == "Pod":
                _check("Pod", item, _pod_totals(spec, "requests"), _pod_totals(spec, "limits"), out)
    return out


def validate_claim(pvc: Obj, ranges: list[Obj]) -> list[str]:
    """``PersistentVolumeClaimValidateLimitFunc``: min and max of what the claim requests."""
    requests = ((pvc.get("spec") or {}).get("resources") or {}).get("requests") or {}
    out: list[str] = []
    for lr in ranges:
        for item in (lr.get("spec") or {}).get("limits") or []:
            if item.get("type") != "PersistentVolumeClaim":
                continue
            for name in sorted(item.get("min") or {}):
                msg = _min("PersistentVolumeClaim", name, item["min"][name], requests, {})
                if msg:
                    out.append(msg)
            for name in sorted(item.get("max") or {}):
                want = quantity_string(item["max"][name])
                if name not in requests:
                    out.append(f"maximum {name} usage per PersistentVolumeClaim is {want}.  No request is specified")
                elif _value(requests[name]) > _value(item["max"][name]):
                    out.append(f"maximum {name} usage per PersistentVolumeClaim is {want}, but request is "
                               f"{quantity_string(requests[name])}")
    return out


def aggregate(messages: list[str]) -> str:
    """``utilerrors.NewAggregate(...).Error()``: one message, or ``[a, b]`` without repeats."""
    unique = list(dict.fromkeys(messages))
    return unique[0] if len(unique) == 1 else "[" + ", ".join(unique) + "]"


def admit(obj: Obj, store: ObjectStore, request_name: str, *, mutate: bool) -> None:
    """Default (``mutate``) or validate a new Pod or PersistentVolumeClaim."""
    kind = obj.get("kind")
    if kind not in ("Pod", "PersistentVolumeClaim"):
        return
    ranges = store.list("LimitRange", (obj.get("metadata") or {}).get("namespace"))
    if not ranges:
        return
    if mutate:
        if kind == "Pod":
            mutate_pod(obj, ranges)
        return
    problems = validate_pod(obj, ranges) if kind == "Pod" else validate_claim(obj, ranges)
    if problems:
        resource = "pods" if kind == "Pod" else "persistentvolumeclaims"
        raise errors.forbidden(f'{resource} "{request_name}" is forbidden: {aggregate(problems)}')
