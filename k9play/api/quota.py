"""ResourceQuota: what an object uses, which quotas it falls under, and the admission check.

Ported from ``pkg/quota/v1/evaluator/core`` (pods, PVCs, services, object counts) and
``plugin/pkg/admission/resourcequota/controller.go`` (``CheckRequest``):

* A quota takes part only once the resourcequota controller has written ``status.hard``
  (``Matches`` reads the status); its ``status.used`` is the usage admission adds to.
* A pod under a quota on ``cpu``/``memory``/``requests.*``/``limits.*`` must state them in
  every container: ``failed quota: q: must specify limits.cpu for: app; …``.
* Too much: ``exceeded quota: q, requested: pods=1, used: pods=3, limited: pods=3`` (only the
  resources that exceed, sorted); admitted usage is charged to ``status.used`` at once.
* Scopes (pods only): Terminating, NotTerminating, BestEffort, NotBestEffort, PriorityClass
  (``scopeSelector``), as ``podMatchesScopeFunc``.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

from k9play.api import errors, resources
from k9play.api.meta import copy_obj
from k9play.api.quantity import QuantityError, canonical, parse_quantity, quantity_format, quantity_string

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore

Obj = dict[str, Any]
Usage = dict[str, tuple[Fraction, str]]  # resource → (amount, Quantity format)

#: resources whose presence makes every container state them (``validationSet``)
COMPUTE = frozenset({"cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"})
POD_RESOURCES = COMPUTE | {"pods", "count/pods", "ephemeral-storage", "requests.ephemeral-storage",
                           "limits.ephemeral-storage"}
LEGACY_COUNTS = {"Pod": "pods", "Service": "services", "ReplicationController": "replicationcontrollers",
                 "ResourceQuota": "resourcequotas", "Secret": "secrets", "ConfigMap": "configmaps",
                 "PersistentVolumeClaim": "persistentvolumeclaims"}


def count_resource(kind: str) -> str:
    """``count/<resource>.<group>``, as ``ObjectCountQuotaResourceNameFor`` names it."""
    rt = resources.by_kind(kind)
    return f"count/{rt.plural}.{rt.group}" if rt.group else f"count/{rt.plural}"


def _q(value: Any) -> tuple[Fraction, str]:
    try:
        return parse_quantity(value), quantity_format(value)
    except (QuantityError, TypeError):
        return Fraction(0), "DecimalSI"


def _add(usage: Usage, key: str, amount: Fraction, fmt: str = "DecimalSI") -> None:
    cur = usage.get(key)
    usage[key] = (cur[0] + amount, cur[1]) if cur else (amount, fmt)


def _container_compute(res: Obj) -> Usage:
    """``podComputeUsageHelper`` for one requests/limits pair."""
    out: Usage = {}
    for name, value in (res.get("requests") or {}).items():
        amount, fmt = _q(value)
        if name in ("cpu", "memory", "ephemeral-storage"):
            _add(out, name, amount, fmt)
            _add(out, f"requests.{name}", amount, fmt)
        elif name.startswith("hugepages-"):
            _add(out, f"requests.{name}", amount, fmt)
    for name, value in (res.get("limits") or {}).items():
        amount, fmt = _q(value)
        if name in ("cpu", "memory", "ephemeral-storage"):
            _add(out, f"limits.{name}", amount, fmt)
    return out


def _pod_usage(pod: Obj) -> Usage:
    """``PodUsageFunc``: app containers add up; the largest init container counts if bigger."""
    spec = pod.get("spec") or {}
    sums: dict[str, Usage] = {"requests": {}, "limits": {}}
    for c in spec.get("containers") or []:
        res = c.get("resources") or {}
        for part in ("requests", "limits"):
            for name, value in (res.get(part) or {}).items():
                _add(sums[part], name, *_q(value))
    for c in spec.get("initContainers") or []:
        res = c.get("resources") or {}
        for part in ("requests", "limits"):
            for name, value in (res.get(part) or {}).items():
                amount, fmt = _q(value)
                if amount > sums[part].get(name, (Fraction(-1), ""))[0]:
                    sums[part][name] = (amount, fmt)
    for part in ("requests", "limits"):
        for name, value in (spec.get("overhead") or {}).items():
            _add(sums[part], name, *_q(value))
    as_res = {part: {k: canonical(*v) for k, v in sums[part].items()} for part in sums}
    usage: Usage = {"pods": (Fraction(1), "DecimalSI"), "count/pods": (Fraction(1), "DecimalSI")}
    usage.update(_container_compute(as_res))
    return usage


def usage_of(obj: Obj) -> Usage:
    """What one object charges to a quota."""
    kind = obj.get("kind", "")
    if kind == "Pod":
        return _pod_usage(obj)
    usage: Usage = {count_resource(kind): (Fraction(1), "DecimalSI")}
    if kind in LEGACY_COUNTS:
        usage[LEGACY_COUNTS[kind]] = (Fraction(1), "DecimalSI")
    if kind == "PersistentVolumeClaim":
        spec = obj.get("spec") or {}
        storage = ((spec.get("resources") or {}).get("requests") or {}).get("storage")
        cls = spec.get("storageClassName")
        if storage is not None:
            _add(usage, "requests.storage", *_q(storage))
            if cls:
                _add(usage, f"{cls}.storageclass.storage.k8s.io/requests.storage", *_q(storage))
        if cls:
            usage[f"{cls}.storageclass.storage.k8s.io/persistentvolumeclaims"] = (Fraction(1), "DecimalSI")
    elif kind == "Service":
        spec = obj.get("spec") or {}
        stype = spec.get("type", "ClusterIP")
        if stype == "LoadBalancer":
            usage["services.loadbalancers"] = (Fraction(1), "DecimalSI")
        if stype in ("NodePort", "LoadBalancer"):
            usage["services.nodeports"] = (Fraction(len(spec.get("ports") or [])), "DecimalSI")
    return usage


def matching_resources(kind: str, names: set[str]) -> set[str]:
    """``MatchingResources``: which of a quota's resources this kind's evaluator tracks."""
    if kind == "Pod":
        return {n for n in names if n in POD_RESOURCES or n.startswith(("requests.hugepages-",))}
    own = {count_resource(kind), LEGACY_COUNTS.get(kind, "")}
    if kind == "PersistentVolumeClaim":
        return {n for n in names if n in own or n == "requests.storage" or ".storageclass.storage.k8s.io/" in n}
    if kind == "Service":
        return {n for n in names if n in own or n in ("services.loadbalancers", "services.nodeports")}
    return names & own


def is_terminal(pod: Obj) -> bool:
    return (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")


def _best_effort(pod: Obj) -> bool:
    from k9play.api.admission import qos_class

    return qos_class(pod.get("spec") or {}) == "BestEffort"


def _scope_matches(scope: str, pod: Obj, expression: Obj | None = None) -> bool:
    spec = pod.get("spec") or {}
    if scope == "Terminating":
        return spec.get("activeDeadlineSeconds") is not None and spec["activeDeadlineSeconds"] >= 0
    if scope == "NotTerminating":
        return spec.get("activeDeadlineSeconds") is None or spec["activeDeadlineSeconds"] < 0
    if scope == "BestEffort":
        return _best_effort(pod)
    if scope == "NotBestEffort":
        return not _best_effort(pod)
    if scope == "PriorityClass":
        name = spec.get("priorityClassName")
        if expression is None:
            return bool(name)
        op, values = expression.get("operator"), expression.get("values") or []
        if op == "Exists":
            return bool(name)
        if op == "DoesNotExist":
            return not name
        if op == "In":
            return bool(name) and name in values
        if op == "NotIn":
            return not name or name not in values
    return False


def matches(quota: Obj, obj: Obj, *, hard: Obj | None = None) -> bool:
    """``Matches``: the quota tracks a resource of this object and its scopes select it."""
    hard = (quota.get("status") or {}).get("hard") if hard is None else hard
    if not matching_resources(obj.get("kind", ""), set(hard or {})):
        return False
    spec = quota.get("spec") or {}
    scopes = [(s, None) for s in spec.get("scopes") or []]
    scopes += [(e.get("scopeName", ""), e) for e in (spec.get("scopeSelector") or {}).get("matchExpressions") or []]
    if not scopes:
        return True
    if obj.get("kind") != "Pod":
        return False
    return all(_scope_matches(s, obj, e) for s, e in scopes)


def must_specify(pod: Obj, required: set[str]) -> str:
    """``podEvaluator.Constraints``: each container names every compute resource quota'd."""
    need = required & COMPUTE
    if not need:
        return ""
    missing: dict[str, set[str]] = {}
    spec = pod.get("spec") or {}
    for c in list(spec.get("containers") or []) + list(spec.get("initContainers") or []):
        have = set(_container_compute(c.get("resources") or {}))
        for r in need - have:
            missing.setdefault(r, set()).add(c.get("name", ""))
    if not missing:
        return ""
    parts = sorted(f"{r} for: {','.join(sorted(names))}" for r, names in missing.items())
    return "must specify " + "; ".join(parts)


def _pretty(usage: dict[str, str]) -> str:
    return ",".join(f"{k}={usage[k]}" for k in sorted(usage))


def admit(obj: Obj, store: ObjectStore, request_name: str) -> None:
    """Charge a new object to its namespace's quotas, or refuse it (``CheckRequest``)."""
    kind = obj.get("kind", "")
    ns = (obj.get("metadata") or {}).get("namespace", "")
    if not ns or kind == "Event":
        return
    quotas = store.list("ResourceQuota", ns)
    if not quotas or (kind == "Pod" and is_terminal(obj)):
        return
    rt = resources.by_kind(kind)
    name = f'{rt.resource} "{request_name}"'
    delta = usage_of(obj)
    charged: list[Obj] = []
    for quota in quotas:
        status = quota.get("status") or {}
        hard: dict[str, Any] = status.get("hard") or {}
        if not matches(quota, obj):
            continue
        restricted = matching_resources(kind, set(hard))
        if kind == "Pod":
            problem = must_specify(obj, restricted)
            if problem:
                raise errors.forbidden(f"{name} is forbidden: failed quota: {quota['metadata']['name']}: {problem}")
        used: dict[str, Any] = status.get("used") or {}
        if any(r not in used for r in restricted):
            raise errors.forbidden(f"{name} is forbidden: status unknown for quota: {quota['metadata']['name']}, "
                                   f"resources: {','.join(sorted(restricted))}")
        requested = {r: delta[r] for r in restricted if r in delta}
        new_used = dict(used)
        exceeded = []
        for r, (amount, fmt) in requested.items():
            total = _q(used[r])[0] + amount
            new_used[r] = canonical(total, _q(used[r])[1] if _q(used[r])[0] else fmt)
            if total > _q(hard[r])[0]:
                exceeded.append(r)
        if exceeded:
            raise errors.forbidden(
                f"{name} is forbidden: exceeded quota: {quota['metadata']['name']}, "
                f"requested: {_pretty({r: canonical(*requested[r]) for r in exceeded})}, "
                f"used: {_pretty({r: quantity_string(used[r]) for r in exceeded})}, "
                f"limited: {_pretty({r: quantity_string(hard[r]) for r in exceeded})}")
        if requested:
            updated = copy_obj(quota)
            updated["status"]["used"] = new_used
            charged.append(updated)
    for updated in charged:
        store.update_status(updated)
