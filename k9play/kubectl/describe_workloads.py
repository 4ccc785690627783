"""``kubectl describe`` for DaemonSets, StatefulSets and HorizontalPodAutoscalers (kubectl
v1.34's ``describeDaemonSet``, ``describeStatefulSet``, ``describeVolumeClaimTemplates`` and
``describeHorizontalPodAutoscalerV2``).

kubectl asks the apiserver for ``autoscaling/v2`` first, which every v1.34 apiserver serves,
so an HPA written as ``autoscaling/v1`` is described as the apiserver converts it: its
``targetCPUUtilizationPercentage`` becomes a cpu Resource metric, its ``autoscaling.alpha``
round-trip annotations become metrics, current metrics, conditions and behavior, and the
v2 defaults (cpu at 80% when there is no metric, scaling rules filled in) apply.
"""

from __future__ import annotations

import json
from typing import Any

from k9play.api.meta import Obj, annotations_of, copy_obj, labels_of, name_of, namespace_of
from k9play.api.selectors import SelectorError, selector_from_spec
from k9play.api.store import ObjectStore
from k9play.kubectl.describe_apps import pod_phase_counts
from k9play.kubectl.describe_pod import describe_pod_template
from k9play.kubectl.describe_util import (
    LEVEL_0,
    LEVEL_1,
    LEVEL_2,
    LEVEL_3,
    PrefixWriter,
    describe_events,
    format_labels,
    go_value,
    print_annotations_multiline,
    print_labels_multiline,
    quantity_string,
    rfc1123z,
    selector_string,
)

BETA_STORAGE_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class"


def _int(value: Any) -> int:
    return int(value or 0)


def quantity_ptr(value: Any) -> str:
    """``(*resource.Quantity).String()``: ``<nil>`` for a nil pointer."""
    return "<nil>" if value is None else quantity_string(value)


def go_quote(text: str) -> str:
    """``%q`` of a string (``strconv.Quote``)."""
    out = []
    for ch in text:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch in _GO_ESCAPES:
            out.append(_GO_ESCAPES[ch])
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) < 0x80:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'


_GO_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def _pod_counts(store: ObjectStore, owner: Obj) -> str:
    try:
        selector = selector_from_spec((owner.get("spec") or {}).get("selector"))
    except (SelectorError, ValueError):
        running = waiting = succeeded = failed = 0
    else:
        running, waiting, succeeded, failed = pod_phase_counts(store, owner, selector)
    return f"{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed"


# ----------------------------------------------------------------- daemonset
def describe_daemon_set(store: ObjectStore, ds: Obj, events: list[Obj], now: float) -> str:
    spec, status = ds.get("spec") or {}, ds.get("status") or {}
    template = spec.get("template") or {}
    w = PrefixWriter()
    w.write(LEVEL_0, f"Name:\t{name_of(ds)}\n")
    w.write(LEVEL_0, f"Namespace:\t{namespace_of(ds)}\n")
    w.write(LEVEL_0, f"Selector:\t{selector_string(spec.get('selector'))}\n")
    w.write(LEVEL_0, f"Node-Selector:\t{format_labels((template.get('spec') or {}).get('nodeSelector'))}\n")
    print_labels_multiline(w, "Labels", labels_of(ds))
    print_annotations_multiline(w, "Annotations", annotations_of(ds))
    w.write(LEVEL_0, f"Desired Number of Nodes Scheduled: {_int(status.get('desiredNumberScheduled'))}\n")
    w.write(LEVEL_0, f"Current Number of Nodes Scheduled: {_int(status.get('currentNumberScheduled'))}\n")
    w.write(LEVEL_0, f"Number of Nodes Scheduled with Up-to-date Pods: {_int(status.get('updatedNumberScheduled'))}\n")
    w.write(LEVEL_0, f"Number of Nodes Scheduled with Available Pods: {_int(status.get('numberAvailable'))}\n")
    w.write(LEVEL_0, f"Number of Nodes Misscheduled: {_int(status.get('numberMisscheduled'))}\n")
    w.write(LEVEL_0, f"Pods Status:\t{_pod_counts(store, ds)}\n")
    describe_pod_template(w, template)
    describe_events(w, events, now)
    return w.render()


# --------------------------------------------------------------- statefulset
def describe_stateful_set(store: ObjectStore, sts: Obj, events: list[Obj], now: float) -> str:
    spec, status = sts.get("spec") or {}, sts.get("status") or {}
    strategy = spec.get("updateStrategy") or {}
    w = PrefixWriter()
    w.write(LEVEL_0, f"Name:\t{name_of(sts)}\n")
    w.write(LEVEL_0, f"Namespace:\t{namespace_of(sts)}\n")
    w.write(LEVEL_0, f"CreationTimestamp:\t{rfc1123z(sts['metadata'].get('creationTimestamp'))}\n")
    w.write(LEVEL_0, f"Selector:\t{selector_string(spec.get('selector'))}\n")
    print_labels_multiline(w, "Labels", labels_of(sts))
    print_annotations_multiline(w, "Annotations", annotations_of(sts))
    w.write(LEVEL_0, f"Replicas:\t{_int(spec.get('replicas', 1))} desired | {_int(status.get('replicas'))} total\n")
    w.write(LEVEL_0, f"Update Strategy:\t{strategy.get('type', '')}\n")
    rolling = strategy.get("rollingUpdate")
    if rolling is not None and rolling.get("partition") is not None:
        w.write(LEVEL_1, f"Partition:\t{_int(rolling['partition'])}\n")
        if rolling.get("maxUnavailable") is not None:
            w.write(LEVEL_1, f"MaxUnavailable:\t{rolling['maxUnavailable']}\n")
    w.write(LEVEL_0, f"Pods Status:\t{_pod_counts(store, sts)}\n")
    describe_pod_template(w, spec.get("template") or {})
    _volume_claim_templates(w, spec.get("volumeClaimTemplates"))
    describe_events(w, events, now)
    return w.render()


def claim_class(pvc: Obj) -> str:
    """``storageutil.GetPersistentVolumeClaimClass``: the beta annotation, then the field."""
    annotations = annotations_of(pvc)
    if BETA_STORAGE_CLASS_ANNOTATION in annotations:
        return annotations[BETA_STORAGE_CLASS_ANNOTATION]
    return (pvc.get("spec") or {}).get("storageClassName") or ""


def _volume_claim_templates(w: PrefixWriter, templates: list[Obj] | None) -> None:
    """``describeVolumeClaimTemplates``; access modes print as a Go slice."""
    if not templates:
        w.write(LEVEL_0, "Volume Claims:\t<none>\n")
        return
    w.write(LEVEL_0, "Volume Claims:\n")
    for pvc in templates:
        spec = pvc.get("spec") or {}
        w.write(LEVEL_1, f"Name:\t{name_of(pvc)}\n")
        w.write(LEVEL_1, f"StorageClass:\t{claim_class(pvc)}\n")
        print_labels_multiline(w, "Labels", labels_of(pvc), "  ")
        print_labels_multiline(w, "Annotations", annotations_of(pvc), "  ")
        requests = (spec.get("resources") or {}).get("requests") or {}
        capacity = quantity_string(requests["storage"]) if "storage" in requests else "<default>"
        w.write(LEVEL_1, f"Capacity:\t{capacity}\n")
        w.write(LEVEL_1, f"Access Modes:\t{go_value(list(spec.get('accessModes') or []))}\n")


# ----------------------------------------------------------------------- hpa
def describe_hpa(store: ObjectStore, hpa: Obj, events: list[Obj], now: float) -> str:
    """``describeHorizontalPodAutoscalerV2`` of the object as ``autoscaling/v2`` serves it."""
    if hpa.get("apiVersion") == "autoscaling/v1":
        hpa = hpa_v1_to_v2(hpa)
    spec, status = hpa.get("spec") or {}, hpa.get("status") or {}
    ref = spec.get("scaleTargetRef") or {}
    current = status.get("currentMetrics") or []
    w = PrefixWriter()
    w.write(LEVEL_0, f"Name:\t{name_of(hpa)}\n")
    w.write(LEVEL_0, f"Namespace:\t{namespace_of(hpa)}\n")
    print_labels_multiline(w, "Labels", labels_of(hpa))
    print_annotations_multiline(w, "Annotations", annotations_of(hpa))
    w.write(LEVEL_0, f"CreationTimestamp:\t{rfc1123z(hpa['metadata'].get('creationTimestamp'))}\n")
    w.write(LEVEL_0, f"Reference:\t{ref.get('kind', '')}/{ref.get('name', '')}\n")
    w.write(LEVEL_0, "Metrics:\t( current / target )\n")
    for i, metric in enumerate(spec.get("metrics") or []):
        _metric(w, metric, current[i] if i < len(current) else {})
    min_replicas = spec.get("minReplicas")
    w.write(LEVEL_0, f"Min replicas:\t{'<unset>' if min_replicas is None else _int(min_replicas)}\n")
    w.write(LEVEL_0, f"Max replicas:\t{_int(spec.get('maxReplicas'))}\n")
    behavior = spec.get("behavior")
    if behavior is not None:
        w.write(LEVEL_0, "Behavior:\n")
        _direction_behavior(w, "Scale Up", behavior.get("scaleUp"))
        _direction_behavior(w, "Scale Down", behavior.get("scaleDown"))
    w.write(LEVEL_0, f"{ref.get('kind', '')} pods:\t")
    w.write(LEVEL_0, f"{_int(status.get('currentReplicas'))} current / {_int(status.get('desiredReplicas'))} desired\n")
    conditions = status.get("conditions") or []
    if conditions:
        w.write(LEVEL_0, "Conditions:\n")
        w.write(LEVEL_1, "Type\tStatus\tReason\tMessage\n")
        w.write(LEVEL_1, "----\t------\t------\t-------\n")
        for c in conditions:
            w.write(LEVEL_1, f"{c.get('type', '')}\t{c.get('status', '')}\t{c.get('reason', '')}\t"
                             f"{c.get('message', '')}\n")
    describe_events(w, events, now)
    return w.render()


def _metric(w: PrefixWriter, metric: Obj, status: Obj) -> None:
    """One line of the Metrics table; ``status`` is the current metric at the same index."""
    mtype = metric.get("type", "")
    if mtype == "External":
        src, cur = metric.get("external") or {}, (status.get("external") or {}).get("current") or {}
        target, name = src.get("target") or {}, go_quote((src.get("metric") or {}).get("name", ""))
        if target.get("averageValue") is not None:
            value = quantity_ptr(cur.get("averageValue")) if cur.get("averageValue") is not None else "<unknown>"
            w.write(LEVEL_1, f"{name} (target average value):\t{value} / {quantity_ptr(target['averageValue'])}\n")
        else:
            value = quantity_ptr(cur.get("value")) if status.get("external") is not None else "<unknown>"
            w.write(LEVEL_1, f"{name} (target value):\t{value} / {quantity_ptr(target.get('value'))}\n")
    elif mtype == "Pods":
        src = metric.get("pods") or {}
        value = "<unknown>"
        if status.get("pods") is not None:
            value = quantity_ptr((status["pods"].get("current") or {}).get("averageValue"))
        w.write(LEVEL_1, f"{go_quote((src.get('metric') or {}).get('name', ''))} on pods:\t{value} / "
                         f"{quantity_ptr((src.get('target') or {}).get('averageValue'))}\n")
    elif mtype == "Object":
        src = metric.get("object") or {}
        obj, target = src.get("describedObject") or {}, src.get("target") or {}
        cur = (status.get("object") or {}).get("current") or {}
        w.write(LEVEL_1, f"\"{(src.get('metric') or {}).get('name', '')}\" on {obj.get('kind', '')}/"
                         f"{obj.get('name', '')} ")
        if target.get("type") == "AverageValue":
            value = quantity_ptr(cur.get("averageValue")) if status.get("object") is not None else "<unknown>"
            w.write(LEVEL_0, f"(target average value):\t{value} / {quantity_ptr(target.get('averageValue'))}\n")
        else:
            value = quantity_ptr(cur.get("value")) if status.get("object") is not None else "<unknown>"
            w.write(LEVEL_0, f"(target value):\t{value} / {quantity_ptr(target.get('value'))}\n")
    elif mtype in ("Resource", "ContainerResource"):
        key = "resource" if mtype == "Resource" else "containerResource"
        src, target = metric.get(key) or {}, (metric.get(key) or {}).get("target") or {}
        if mtype == "Resource":
            w.write(LEVEL_1, f"resource {src.get('name', '')} on pods")
        else:
            w.write(LEVEL_1, f"resource {src.get('name', '')} of container \"{src.get('container', '')}\" on pods")
        cur = status.get(key)
        current = (cur or {}).get("current") or {}
        if target.get("averageValue") is not None:
            value = quantity_ptr(current.get("averageValue")) if cur is not None else "<unknown>"
            w.write(LEVEL_0, f":\t{value} / {quantity_ptr(target['averageValue'])}\n")
        else:
            value = "<unknown>"
            if cur is not None and current.get("averageUtilization") is not None:
                value = f"{_int(current['averageUtilization'])}% ({quantity_ptr(current.get('averageValue'))})"
            utilization = target.get("averageUtilization")
            goal = "<auto>" if utilization is None else f"{_int(utilization)}%"
            w.write(LEVEL_1, f"(as a percentage of request):\t{value} / {goal}\n")
    else:
        w.write(LEVEL_1, f"<unknown metric type {go_quote(mtype)}>\n")


def _direction_behavior(w: PrefixWriter, direction: str, rules: Obj | None) -> None:
    """``printDirectionBehavior``."""
    if rules is None:
        return
    w.write(LEVEL_1, f"{direction}:\n")
    if rules.get("stabilizationWindowSeconds") is not None:
        w.write(LEVEL_2, f"Stabilization Window: {_int(rules['stabilizationWindowSeconds'])} seconds\n")
    policies = rules.get("policies") or []
    if policies:
        w.write(LEVEL_2, f"Select Policy: {rules.get('selectPolicy') or 'Max'}\n")
        w.write(LEVEL_2, "Policies:\n")
        for p in policies:
            w.write(LEVEL_3, f"- Type: {p.get('type', '')}\tValue: {_int(p.get('value'))}\t"
                             f"Period: {_int(p.get('periodSeconds'))} seconds\n")


# ------------------------------------------------------ autoscaling/v1 -> v2
METRIC_SPECS_ANNOTATION = "autoscaling.alpha.kubernetes.io/metrics"
METRIC_STATUSES_ANNOTATION = "autoscaling.alpha.kubernetes.io/current-metrics"
CONDITIONS_ANNOTATION = "autoscaling.alpha.kubernetes.io/conditions"
BEHAVIOR_ANNOTATION = "autoscaling.alpha.kubernetes.io/behavior"
_ROUND_TRIP = (METRIC_SPECS_ANNOTATION, METRIC_STATUSES_ANNOTATION, CONDITIONS_ANNOTATION, BEHAVIOR_ANNOTATION)
DEFAULT_CPU_UTILIZATION = 80


def hpa_v1_to_v2(hpa: Obj) -> Obj:
    """The ``autoscaling/v2`` form the apiserver serves for an object written as ``autoscaling/v1``."""
    v1spec, v1status = hpa.get("spec") or {}, hpa.get("status") or {}
    meta = copy_obj(hpa.get("metadata") or {})
    annotations = dict(meta.get("annotations") or {})
    for key in _ROUND_TRIP:
        annotations.pop(key, None)
    if annotations:
        meta["annotations"] = annotations
    else:
        meta.pop("annotations", None)
    src_annotations = annotations_of(hpa)

    metrics = [_metric_spec(m) for m in _json_list(src_annotations.get(METRIC_SPECS_ANNOTATION))]
    if v1spec.get("targetCPUUtilizationPercentage") is not None:
        metrics.append({"type": "Resource", "resource": {"name": "cpu", "target": {
            "type": "Utilization", "averageUtilization": v1spec["targetCPUUtilizationPercentage"]}}})
    if not metrics:
        metrics = [{"type": "Resource", "resource": {"name": "cpu", "target": {
            "type": "Utilization", "averageUtilization": DEFAULT_CPU_UTILIZATION}}}]
    spec: Obj = {"scaleTargetRef": copy_obj(v1spec.get("scaleTargetRef") or {}),
                 "minReplicas": v1spec.get("minReplicas", 1), "maxReplicas": v1spec.get("maxReplicas", 0),
                 "metrics": metrics}
    behavior = _json_obj(src_annotations.get(BEHAVIOR_ANNOTATION))
    if behavior:
        spec["behavior"] = {"scaleUp": _scale_rules(behavior.get("scaleUp"), up=True),
                            "scaleDown": _scale_rules(behavior.get("scaleDown"), up=False)}

    current: list[Obj] = []
    if v1status.get("currentCPUUtilizationPercentage") is not None:
        current = [{"type": "Resource", "resource": {"name": "cpu", "current": {
            "averageUtilization": v1status["currentCPUUtilizationPercentage"]}}}]
    if METRIC_STATUSES_ANNOTATION in src_annotations:  # replaces the status: it has more information
        current = [_metric_status(m) for m in _json_list(src_annotations[METRIC_STATUSES_ANNOTATION])]
    status: Obj = {k: v1status[k] for k in ("observedGeneration", "lastScaleTime", "currentReplicas",
                                            "desiredReplicas") if k in v1status}
    if current:
        status["currentMetrics"] = current
    conditions = _json_list(src_annotations.get(CONDITIONS_ANNOTATION))
    if conditions:
        status["conditions"] = conditions
    return {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": meta,
            "spec": spec, "status": status}


def _json_list(text: str | None) -> list[Obj]:
    try:
        value = json.loads(text) if text else None
    except ValueError:
        return []
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _json_obj(text: str | None) -> Obj | None:
    try:
        value = json.loads(text) if text else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _scale_rules(rules: Obj | None, *, up: bool) -> Obj:
    """``GenerateHPAScaleUpRules``/``GenerateHPAScaleDownRules``: nil fields take the defaults.
    The scale-down window has none: the controller's command line sets it."""
    out: Obj = {"selectPolicy": "Max"}
    if up:
        out["stabilizationWindowSeconds"] = 0
        out["policies"] = [{"type": "Pods", "value": 4, "periodSeconds": 15},
                           {"type": "Percent", "value": 100, "periodSeconds": 15}]
    else:
        out["policies"] = [{"type": "Percent", "value": 100, "periodSeconds": 15}]
    for key, value in (rules or {}).items():
        if value is not None:
            out[key] = value
    return out


def _target(average_value: Any, utilization: Any) -> Obj:
    """A v1 resource target: Utilization when a utilization is set, else AverageValue; both values kept."""
    target: Obj = {"type": "AverageValue" if utilization is None else "Utilization"}
    if average_value is not None:
        target["averageValue"] = average_value
    if utilization is not None:
        target["averageUtilization"] = utilization
    return target


def _metric_spec(m: Obj) -> Obj:
    """An ``autoscaling/v1`` MetricSpec (from the round-trip annotation) in v2 form."""
    mtype = m.get("type", "")
    if mtype == "Resource" or mtype == "ContainerResource":
        key = "resource" if mtype == "Resource" else "containerResource"
        src = m.get(key) or {}
        out = {"name": src.get("name", ""),
               "target": _target(src.get("targetAverageValue"), src.get("targetAverageUtilization"))}
        if mtype == "ContainerResource":
            out["container"] = src.get("container", "")
        return {"type": mtype, key: out}
    if mtype == "Pods":
        src = m.get("pods") or {}
        return {"type": mtype, "pods": {"metric": _metric_id(src.get("metricName"), src.get("selector")),
                                        "target": {"type": "AverageValue",
                                                   "averageValue": src.get("targetAverageValue", 0)}}}
    if mtype == "Object":
        src = m.get("object") or {}
        target: Obj = {"type": "Value" if src.get("averageValue") is None else "AverageValue",
                       "value": src.get("targetValue", 0)}
        if src.get("averageValue") is not None:
            target["averageValue"] = src["averageValue"]
        return {"type": mtype, "object": {"describedObject": src.get("target") or {},
                                          "metric": _metric_id(src.get("metricName"), src.get("selector")),
                                          "target": target}}
    if mtype == "External":
        src = m.get("external") or {}
        value, average = src.get("targetValue"), src.get("targetAverageValue")
        target = {"type": "AverageValue" if value is None else "Value"}
        if value is not None:
            target["value"] = value
        if average is not None:
            target["averageValue"] = average
        return {"type": mtype, "external": {"metric": _metric_id(src.get("metricName"), src.get("metricSelector")),
                                            "target": target}}
    return {"type": mtype}


def _metric_status(m: Obj) -> Obj:
    """An ``autoscaling/v1`` MetricStatus (from the round-trip annotation) in v2 form."""
    mtype = m.get("type", "")
    if mtype == "Resource" or mtype == "ContainerResource":
        key = "resource" if mtype == "Resource" else "containerResource"
        src = m.get(key) or {}
        current = {"averageValue": src.get("currentAverageValue", 0)}
        if src.get("currentAverageUtilization") is not None:
            current["averageUtilization"] = src["currentAverageUtilization"]
        out = {"name": src.get("name", ""), "current": current}
        if mtype == "ContainerResource":
            out["container"] = src.get("container", "")
        return {"type": mtype, key: out}
    if mtype == "Pods":
        src = m.get("pods") or {}
        return {"type": mtype, "pods": {"metric": _metric_id(src.get("metricName"), src.get("selector")),
                                        "current": {"averageValue": src.get("currentAverageValue", 0)}}}
    if mtype == "Object":
        src = m.get("object") or {}
        return {"type": mtype, "object": {"describedObject": src.get("target") or {},
                                          "metric": _metric_id(src.get("metricName"), src.get("selector")),
                                          "current": {"value": src.get("currentValue", 0),
                                                      "averageValue": src.get("averageValue")}}}
    if mtype == "External":
        src = m.get("external") or {}
        return {"type": mtype, "external": {"metric": _metric_id(src.get("metricName"), src.get("metricSelector")),
                                            "current": {"value": src.get("currentValue", 0),
                                                        "averageValue": src.get("currentAverageValue")}}}
    return {"type": mtype}


def _metric_id(name: str | None, selector: Obj | None) -> Obj:
    out: Obj = {"name": name or ""}
    if selector is not None:
        out["selector"] = selector
    return out
