"""The HPA controller's view of a HorizontalPodAutoscaler, whichever version it was written in.

The real controller reads every HPA as ``autoscaling/v2`` (the apiserver converts, and v2
defaulting fills ``metrics`` and partly given ``behavior``). k9play stores each HPA in the
version it was written in, so this module does that conversion and defaulting on read
(``pkg/apis/autoscaling/v1/conversion.go``, ``pkg/apis/autoscaling/v2/defaults.go``) and turns
the controller's v2 status back into what the stored version carries: for ``autoscaling/v1``
the ``currentCPUUtilizationPercentage`` field plus the ``autoscaling.alpha.kubernetes.io/…``
annotations in which the apiserver round-trips conditions and current metrics.
"""

from __future__ import annotations

import json
from typing import Any

from k9play.api.meta import copy_obj

Obj = dict[str, Any]

V1 = "autoscaling/v1"
#: a status whose ``currentMetrics`` is KEEP leaves the stored current metrics alone
KEEP: Any = object()
V2 = "autoscaling/v2"
#: autoscaling.DefaultCPUUtilization
DEFAULT_CPU_UTILIZATION = 80
CONDITIONS_ANNOTATION = "autoscaling.alpha.kubernetes.io/conditions"
CURRENT_METRICS_ANNOTATION = "autoscaling.alpha.kubernetes.io/current-metrics"
METRIC_SPECS_ANNOTATION = "autoscaling.alpha.kubernetes.io/metrics"
BEHAVIOR_ANNOTATION = "autoscaling.alpha.kubernetes.io/behavior"

#: autoscaling/v2 defaults: scale up by max(4 pods, 100 %) per 15 s at once; scale down by
#: 100 % per 15 s after the controller's stabilization window (nil here: the flag decides)
DEFAULT_SCALE_UP: Obj = {
    "stabilizationWindowSeconds": 0,
    "selectPolicy": "Max",
    "policies": [{"type": "Pods", "value": 4, "periodSeconds": 15},
                 {"type": "Percent", "value": 100, "periodSeconds": 15}],
}
DEFAULT_SCALE_DOWN: Obj = {
    "stabilizationWindowSeconds": None,
    "selectPolicy": "Max",
    "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}],
}


def is_v1(hpa: Obj) -> bool:
    return hpa.get("apiVersion") == V1


def _annotation_json(hpa: Obj, key: str) -> Any:
    raw = ((hpa.get("metadata") or {}).get("annotations") or {}).get(key)
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def default_cpu_metric(utilization: int = DEFAULT_CPU_UTILIZATION) -> Obj:
    return {"type": "Resource",
            "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": utilization}}}


def spec_v2(hpa: Obj) -> Obj:
    """The HPA's spec as the controller sees it: autoscaling/v2, defaults applied."""
    spec = hpa.get("spec") or {}
    out: Obj = {"scaleTargetRef": dict(spec.get("scaleTargetRef") or {})}
    out["minReplicas"] = spec.get("minReplicas", 1)
    out["maxReplicas"] = int(spec.get("maxReplicas") or 0)
    if is_v1(hpa):
        metrics: list[Obj] = []
        if spec.get("targetCPUUtilizationPercentage") is not None:
            metrics.append(default_cpu_metric(int(spec["targetCPUUtilizationPercentage"])))
        for m in _annotation_json(hpa, METRIC_SPECS_ANNOTATION) or []:
            converted = _metric_spec_from_v1(m)
            if converted is not None:
                metrics.append(converted)
        behavior = _annotation_json(hpa, BEHAVIOR_ANNOTATION)
    else:
        metrics = copy_obj(spec.get("metrics") or [])
        behavior = copy_obj(spec.get("behavior")) if spec.get("behavior") is not None else None
    if not metrics:
        metrics = [default_cpu_metric()]
    out["metrics"] = metrics
    if behavior is not None:
        behavior = {"scaleUp": fill_rules(behavior.get("scaleUp"), DEFAULT_SCALE_UP),
                    "scaleDown": fill_rules(behavior.get("scaleDown"), DEFAULT_SCALE_DOWN)}
    out["behavior"] = behavior
    return out


def fill_rules(rules: Obj | None, defaults: Obj) -> Obj:
    """``GenerateHPAScale{Up,Down}Rules``: unset fields of ``rules`` take the defaults."""
    out = copy_obj(defaults)
    for k in ("selectPolicy", "stabilizationWindowSeconds", "policies"):
        if rules is not None and rules.get(k) is not None:
            out[k] = copy_obj(rules[k])
    return out


def _metric_spec_from_v1(m: Obj) -> Obj | None:
    """An ``autoscaling/v1`` MetricSpec (from the metrics annotation) as v2."""
    t = m.get("type")
    if t == "Resource" and m.get("resource"):
        r = m["resource"]
        if r.get("targetAverageUtilization") is not None:
            target: Obj = {"type": "Utilization", "averageUtilization": r["targetAverageUtilization"]}
        else:
            target = {"type": "AverageValue", "averageValue": r.get("targetAverageValue")}
        return {"type": "Resource", "resource": {"name": r.get("name"), "target": target}}
    if t == "ContainerResource" and m.get("containerResource"):
        r = m["containerResource"]
        if r.get("targetAverageUtilization") is not None:
            target = {"type": "Utilization", "averageUtilization": r["targetAverageUtilization"]}
        else:
            target = {"type": "AverageValue", "averageValue": r.get("targetAverageValue")}
        return {"type": "ContainerResource",
                "containerResource": {"name": r.get("name"), "container": r.get("container"), "target": target}}
    if t in ("Pods", "Object", "External"):
        return {"type": t}
    return None


def conditions_of(hpa: Obj) -> list[Obj]:
    """The HPA's current conditions (for v1 objects, from the round-trip annotation)."""
    if is_v1(hpa):
        conds = _annotation_json(hpa, CONDITIONS_ANNOTATION) or []
    else:
        conds = (hpa.get("status") or {}).get("conditions") or []
    return [copy_obj(c) for c in conds if isinstance(c, dict)]


def set_condition(conditions: list[Obj], ctype: str, status: str, reason: str, message: str, now: str) -> None:
    """``setConditionInList``: add or update in place; the transition time moves on a status change."""
    for c in conditions:
        if c.get("type") == ctype:
            break
    else:
        c = {"type": ctype}
        conditions.append(c)
    if c.get("status") != status:
        c["lastTransitionTime"] = now
    c["status"] = status
    c["reason"] = reason
    c["message"] = message
    c_ordered = {k: c[k] for k in ("type", "status", "lastTransitionTime", "reason", "message") if k in c}
    c.clear()
    c.update(c_ordered)


# ------------------------------------------------------------- writing back
def stored_status(hpa: Obj, status: Obj) -> tuple[Obj, dict[str, str] | None]:
    """The v2 ``status`` as the stored version holds it: ``(status, annotations or None)``.

    ``annotations`` is only returned for v1 objects: the full annotation map to store.
    """
    old = hpa.get("status") or {}
    keep = status.get("currentMetrics") is KEEP
    if not is_v1(hpa):
        out: Obj = {}
        if status.get("lastScaleTime"):
            out["lastScaleTime"] = status["lastScaleTime"]
        if status.get("currentReplicas"):
            out["currentReplicas"] = status["currentReplicas"]
        out["desiredReplicas"] = status.get("desiredReplicas", 0)
        out["currentMetrics"] = old.get("currentMetrics") if keep else (status.get("currentMetrics") or None)
        if status.get("conditions"):
            out["conditions"] = status["conditions"]
        return out, None
    v1: Obj = {}
    if status.get("lastScaleTime"):
        v1["lastScaleTime"] = status["lastScaleTime"]
    v1["currentReplicas"] = status.get("currentReplicas", 0)
    v1["desiredReplicas"] = status.get("desiredReplicas", 0)
    annotations = dict((hpa.get("metadata") or {}).get("annotations") or {})
    annotations.pop(CONDITIONS_ANNOTATION, None)
    if keep:
        if old.get("currentCPUUtilizationPercentage") is not None:
            v1["currentCPUUtilizationPercentage"] = old["currentCPUUtilizationPercentage"]
    else:
        for m in status.get("currentMetrics") or []:
            res = m.get("resource") or {}
            if m.get("type") == "Resource" and res.get("name") == "cpu" \
                    and (res.get("current") or {}).get("averageUtilization") is not None:
                v1["currentCPUUtilizationPercentage"] = res["current"]["averageUtilization"]
        annotations.pop(CURRENT_METRICS_ANNOTATION, None)
        if status.get("currentMetrics"):
            annotations[CURRENT_METRICS_ANNOTATION] = go_json(
                [_metric_status_to_v1(m) for m in status["currentMetrics"]])
    if status.get("conditions"):
        annotations[CONDITIONS_ANNOTATION] = go_json(status["conditions"])
    return v1, annotations


def _metric_status_to_v1(m: Obj) -> Obj:
    t = m.get("type", "")
    if t == "Resource" and m.get("resource"):
        r = m["resource"]
        cur = r.get("current") or {}
        out: Obj = {"name": r.get("name")}
        if cur.get("averageUtilization") is not None:
            out["currentAverageUtilization"] = cur["averageUtilization"]
        out["currentAverageValue"] = cur.get("averageValue") or "0"
        return {"type": "Resource", "resource": out}
    if t == "ContainerResource" and m.get("containerResource"):
        r = m["containerResource"]
        cur = r.get("current") or {}
        out = {"name": r.get("name")}
        if cur.get("averageUtilization") is not None:
            out["currentAverageUtilization"] = cur["averageUtilization"]
        out["currentAverageValue"] = cur.get("averageValue") or "0"
        out["container"] = r.get("container")
        return {"type": "ContainerResource", "containerResource": out}
    return {"type": t}


def go_json(value: Any) -> str:
    """``json.Marshal``: compact, with ``<``, ``>`` and ``&`` escaped as Go does."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def format_milli_quantity(value: int) -> str:
    """``resource.NewMilliQuantity(value, DecimalSI).String()``: ``1m``, ``2``, ``157286400``, ``12M``."""
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    value = abs(value)
    suffixes = ("m", "", "k", "M", "G", "T", "P", "E")
    i = 0
    while i + 1 < len(suffixes) and value % 1000 == 0:
        value //= 1000
        i += 1
    return f"{sign}{value}{suffixes[i]}"


def go_label_selector(spec: Obj | None) -> str:
    """``%+v`` of a ``*metav1.LabelSelector`` (how the controller prints external metric selectors)."""
    if spec is None:
        return "nil"
    labels = ",".join(f"{k}: {v}" for k, v in sorted((spec.get("matchLabels") or {}).items()))
    exprs = ",".join(
        f"LabelSelectorRequirement{{Key:{e.get('key', '')},Operator:{e.get('operator', '')},"
        f"Values:[]string{{{','.join(e.get('values') or [])},}},}}"
        for e in spec.get("matchExpressions") or [])
    return (f"&LabelSelector{{MatchLabels:map[string]string{{{labels + ',' if labels else ''}}},"
            f"MatchExpressions:[]LabelSelectorRequirement{{{exprs + ',' if exprs else ''}}},}}")
