"""The metrics pipeline and the HorizontalPodAutoscaler controller on the manual clock.

The php-apache scenario follows the HPA walkthrough (request 200m, target 50 %, 610m of load
= 305 %), with the arithmetic of ``pkg/controller/podautoscaler`` v1.34: without
``spec.behavior`` the legacy rules allow max(2×current, 4) per sync, so 1 → 4 → 7; with the
autoscaling/v2 default behavior the first step is max(1+4 pods, 2×1) = 5.
"""

from __future__ import annotations

import itertools
import json

import pytest

from k9play.api.store import ObjectStore
from k9play.clock import VirtualClock
from k9play.cluster import Cluster
from k9play.controllers.hpa import HorizontalPodAutoscalerController
from k9play.controllers.hpa_replicas import MetricsError, ReplicaCalculator, get_resource_metric
from k9play.kubectl.columns import _hpa_targets
from k9play.kubelet.metrics import (
    Metrics,
    format_cpu,
    format_memory,
    format_milli_decimal,
    format_window,
    metrics_for,
    normalize_target,
    set_load,
)
from k9play.manifests.applier import apply_object

HPA_SOURCE = "horizontal-pod-autoscaler"


# ------------------------------------------------------------------ builders
def metrics_cluster() -> Cluster:
    """A cluster whose store serves the resource metrics API (what cluster.py should wire)."""
    c = Cluster(workers=2)
    if not isinstance(getattr(c.store, "resource_metrics", None), Metrics):
        Metrics(c.store, c.kubelets)
    return c.start()


def php_apache(limit: str | None = None, replicas: int | None = None) -> dict:
    resources: dict = {"requests": {"cpu": "200m"}}
    if limit:
        resources["limits"] = {"cpu": limit}
    spec: dict = {
        "selector": {"matchLabels": {"run": "php-apache"}},
        "template": {"metadata": {"labels": {"run": "php-apache"}},
                     "spec": {"containers": [{"name": "php-apache", "image": "registry.k8s.io/hpa-example",
                                              "ports": [{"containerPort": 80}], "resources": resources}]}},
    }
    if replicas is not None:
        spec["replicas"] = replicas
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "php-apache"}, "spec": spec}


def web(replicas: int = 1, *, annotations: dict | None = None, requests: dict | None = None) -> dict:
    container: dict = {"name": "app", "image": "nginx:1.27"}
    if requests is not None:
        container["resources"] = {"requests": requests}
    meta: dict = {"labels": {"app": "web"}}
    if annotations:
        meta["annotations"] = annotations
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": meta, "spec": {"containers": [container]}}}}


def hpa_v2(name: str = "php-apache", target: str = "php-apache", *, min_replicas: int = 1, max_replicas: int = 10,
           metrics: list | None = None, behavior: dict | None = None, utilization: int = 50) -> dict:
    spec: dict = {
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": target},
        "minReplicas": min_replicas, "maxReplicas": max_replicas,
        "metrics": metrics if metrics is not None else [
            {"type": "Resource", "resource": {"name": "cpu",
                                              "target": {"type": "Utilization", "averageUtilization": utilization}}}],
    }
    if behavior is not None:
        spec["behavior"] = behavior
    return {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": name},
            "spec": spec}


def get_hpa(c: Cluster, name: str = "php-apache") -> dict:
    return c.store.get("HorizontalPodAutoscaler", name, "default")


def replicas(c: Cluster, name: str = "php-apache") -> int:
    return c.store.get("Deployment", name, "default")["spec"]["replicas"]


def conditions(hpa: dict) -> dict[str, tuple[str, str, str]]:
    return {x["type"]: (x["status"], x["reason"], x["message"]) for x in (hpa.get("status") or {}).get("conditions")
            or []}


def hpa_events(c: Cluster, name: str = "php-apache") -> list[tuple[str, str, str]]:
    evs = [e for e in c.store.list("Event", "default")
           if e["source"]["component"] == HPA_SOURCE and e["involvedObject"]["name"] == name]
    evs.sort(key=lambda e: (e["firstTimestamp"], e["metadata"]["name"]))
    return [(e["type"], e["reason"], e["message"]) for e in evs]


def rescales(c: Cluster, name: str = "php-apache") -> list[str]:
    return [m for _, r, m in hpa_events(c, name) if r == "SuccessfulRescale"]


def run(c: Cluster, seconds: float, name: str = "php-apache", step: float = 5.0) -> list[tuple[float, int]]:
    """Advance, recording (time, spec.replicas) whenever the target's size changes."""
    changes = []
    last = replicas(c, name)
    t = 0.0
    while t < seconds:
        c.advance_sync(step)
        t += step
        now = replicas(c, name)
        if now != last:
            changes.append((c.clock.now(), now))
            last = now
    return changes


LOAD = ("Deployment", "default", "php-apache")
CPU_ABOVE = "New size: {}; reason: cpu resource utilization (percentage of request) above target"


# --------------------------------------------------------- the walkthrough
def test_php_apache_walkthrough_without_behavior_scales_1_4_7_and_back_after_5_minutes():
    c = metrics_cluster()
    apply_object(c.store, php_apache())
    c.advance_sync(60)
    apply_object(c.store, hpa_v2())
    assert not get_hpa(c).get("status")  # the first sync comes one period after creation
    c.advance_sync(60)
    hpa = get_hpa(c)
    assert _hpa_targets(hpa) == "cpu: 0%/50%"
    assert replicas(c) == 1 and hpa["status"]["currentReplicas"] == 1 and hpa["status"]["desiredReplicas"] == 1
    assert hpa["status"]["currentMetrics"] == [
        {"type": "Resource", "resource": {"name": "cpu", "current": {"averageValue": "1m", "averageUtilization": 0}}}]
    assert "lastScaleTime" not in hpa["status"] and "observedGeneration" not in hpa["status"]
    conds = conditions(hpa)
    assert conds["ScalingActive"] == ("True", "ValidMetricFound", "the HPA was able to successfully calculate a "
                                      "replica count from cpu resource utilization (percentage of request)")
    assert rescales(c) == []

    set_load(c, LOAD, "610m")
    t_load = c.clock.now()
    changes = run(c, 120)
    assert [n for _, n in changes] == [4, 7]
    assert changes[0][0] - t_load <= 30  # one scrape + one sync
    assert rescales(c)[0] == CPU_ABOVE.format(4)
    assert rescales(c)[1].startswith("New size: 7; reason: ")
    hpa = get_hpa(c)
    assert hpa["status"]["lastScaleTime"] is not None
    # 610m over 7 pods: 88m each (rounded up to whole millicores) = 44 % of 200m
    assert _hpa_targets(hpa) == "cpu: 44%/50%"
    assert (hpa["status"]["currentReplicas"], hpa["status"]["desiredReplicas"]) == (7, 7)

    set_load(c, LOAD, 0)
    t_off = c.clock.now()
    changes = run(c, 280)
    assert changes == []  # the 5-minute downscale stabilization window keeps 7
    assert conditions(get_hpa(c))["AbleToScale"][1] == "ScaleDownStabilized"
    assert _hpa_targets(get_hpa(c)) == "cpu: 0%/50%"
    changes = run(c, 60)
    assert [n for _, n in changes] == [1]
    assert 300 <= changes[0][0] - t_off <= 340
    assert rescales(c)[-1] == "New size: 1; reason: All metrics below target"
    # the idle recommendation is 0, below minReplicas
    assert conditions(get_hpa(c))["ScalingLimited"] == (
        "True", "TooFewReplicas", "the desired replica count is less than the minimum replica count")


def test_scale_up_limit_condition_when_capped():
    c = metrics_cluster()
    apply_object(c.store, php_apache())
    c.advance_sync(60)
    apply_object(c.store, hpa_v2())
    c.advance_sync(30)
    set_load(c, LOAD, "610m")
    seen = []
    for _ in range(8):
        c.advance_sync(5)
        hpa = get_hpa(c)
        seen.append((_hpa_targets(hpa), hpa["status"]["desiredReplicas"], conditions(hpa).get("ScalingLimited")))
        if hpa["status"]["desiredReplicas"] == 4:
            break
    target, desired, limited = seen[-1]
    assert (target, desired) == ("cpu: 305%/50%", 4)
    assert limited == ("True", "ScaleUpLimit", "the desired replica count is increasing faster than the maximum "
                                               "scale rate")
    assert conditions(get_hpa(c))["AbleToScale"] == (
        "True", "SucceededRescale", "the HPA controller was able to update the target scale to 4")


def test_default_v2_behavior_first_step_is_max_of_4_pods_and_100_percent():
    c = metrics_cluster()
    apply_object(c.store, php_apache())
    c.advance_sync(60)
    # any behavior makes the controller use the v2 rules; unset parts take the defaults
    apply_object(c.store, hpa_v2(behavior={"scaleDown": {"stabilizationWindowSeconds": 60}}))
    c.advance_sync(30)
    set_load(c, LOAD, "610m")
    changes = run(c, 120)
    assert [n for _, n in changes] == [5, 7]
    assert rescales(c)[0] == CPU_ABOVE.format(5)
    set_load(c, LOAD, None)
    t_off = c.clock.now()
    changes = run(c, 120)
    assert [n for _, n in changes] == [1]  # 100 % per 15 s may remove everything down to minReplicas
    assert 60 <= changes[0][0] - t_off <= 100


def test_behavior_policies_limit_the_rate_and_disabled_scale_down():
    c = metrics_cluster()
    apply_object(c.store, php_apache())
    c.advance_sync(60)
    behavior = {"scaleUp": {"policies": [{"type": "Pods", "value": 1, "periodSeconds": 60}]},
                "scaleDown": {"selectPolicy": "Disabled"}}
    apply_object(c.store, hpa_v2(behavior=behavior))
    c.advance_sync(30)
    set_load(c, LOAD, "610m")
    changes = run(c, 200)
    sizes = [n for _, n in changes]
    assert sizes[:3] == [2, 3, 4]  # one pod per 60 s
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(changes)]
    assert all(g >= 60 for g in gaps)
    limited = conditions(get_hpa(c))["ScalingLimited"]
    assert limited[:2] in (("True", "ScaleUpLimit"), ("False", "DesiredWithinRange"))
    set_load(c, LOAD, None)
    before = replicas(c)
    assert run(c, 400) == []  # scale-down disabled
    assert replicas(c) == before


def test_cpu_limit_caps_usage():
    c = metrics_cluster()
    apply_object(c.store, php_apache(limit="500m"))
    c.advance_sync(60)
    apply_object(c.store, hpa_v2())
    c.advance_sync(30)
    set_load(c, LOAD, "1")
    changes = run(c, 25)
    # 1 core of demand, but the pod is throttled at 500m = 250 % → ceil(5.0) = 5, legacy cap 4
    assert changes[0][1] == 4
    assert _hpa_targets(get_hpa(c)) == "cpu: 250%/50%"


# ----------------------------------------------------------- autoscaling/v1
def test_autoscaling_v1_hpa_uses_target_cpu_percentage_and_round_trips_conditions():
    c = metrics_cluster()
    apply_object(c.store, php_apache())
    c.advance_sync(60)
    apply_object(c.store, {
        "apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "php-apache"},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "php-apache"},
                 "minReplicas": 1, "maxReplicas": 10, "targetCPUUtilizationPercentage": 50}})
    c.advance_sync(30)
    hpa = get_hpa(c)
    assert hpa["apiVersion"] == "autoscaling/v1"
    assert hpa["status"] == {"currentReplicas": 1, "desiredReplicas": 1, "currentCPUUtilizationPercentage": 0}
    assert _hpa_targets(hpa) == "cpu: 0%/50%"
    ann = hpa["metadata"]["annotations"]
    conds = json.loads(ann["autoscaling.alpha.kubernetes.io/conditions"])
    assert [x["type"] for x in conds] == ["AbleToScale", "ScalingActive", "ScalingLimited"]
    assert json.loads(ann["autoscaling.alpha.kubernetes.io/current-metrics"]) == [
        {"type": "Resource", "resource": {"name": "cpu", "currentAverageUtilization": 0, "currentAverageValue": "1m"}}]
    set_load(c, LOAD, "610m")
    changes = run(c, 60)
    assert [n for _, n in changes][:1] == [4]
    assert get_hpa(c)["status"]["currentCPUUtilizationPercentage"] in (305, 44, 76, 77)


def test_v1_hpa_without_target_uses_the_80_percent_default():
    c = metrics_cluster()
    apply_object(c.store, php_apache())
    c.advance_sync(60)
    apply_object(c.store, {
        "apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "php-apache"},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "php-apache"},
                 "maxReplicas": 10}})
    c.advance_sync(30)
    set_load(c, LOAD, "200m")  # 100 % of the request: 1.25 × 1 → 2
    changes = run(c, 40)
    assert changes[0][1] == 2


# ------------------------------------------------------------------- memory
def test_memory_average_value_scales_up_to_max_and_reports_too_many_replicas():
    c = metrics_cluster()
    apply_object(c.store, web(annotations={"k9play.dev/memory": "150Mi"}))
    c.advance_sync(60)
    apply_object(c.store, hpa_v2("web", "web", max_replicas=3, metrics=[
        {"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue",
                                                                       "averageValue": "100Mi"}}}]))
    c.advance_sync(30)
    hpa = get_hpa(c, "web")
    # 150Mi average: 157286400 bytes, as NewMilliQuantity(…, DecimalSI) prints it
    assert _hpa_targets(hpa) == "memory: 157286400/100Mi"
    assert rescales(c, "web") == ["New size: 2; reason: memory resource above target"]
    changes = run(c, 120, "web")
    assert [n for _, n in changes] == [3]
    c.advance_sync(60)
    hpa = get_hpa(c, "web")
    assert replicas(c, "web") == 3
    assert conditions(hpa)["ScalingLimited"] == (
        "True", "TooManyReplicas", "the desired replica count is more than the maximum replica count")
    assert _hpa_targets(hpa) == "memory: 157286400/100Mi"


def test_memory_utilization_uses_process_memory():
    c = metrics_cluster()
    apply_object(c.store, web(2, requests={"cpu": "100m", "memory": "64Mi"}))
    c.advance_sync(60)
    apply_object(c.store, hpa_v2("web", "web", metrics=[
        {"type": "Resource", "resource": {"name": "memory", "target": {"type": "Utilization",
                                                                       "averageUtilization": 50}}}]))
    c.advance_sync(30)
    hpa = get_hpa(c, "web")
    # an idle nginx holds 6Mi: 9 % of a 64Mi request
    assert _hpa_targets(hpa) == "memory: 9%/50%"
    # the raw average as NewMilliQuantity(…, DecimalSI) prints it: 6Mi in plain bytes
    assert hpa["status"]["currentMetrics"][0]["resource"]["current"]["averageValue"] == "6291456"


# ------------------------------------------------------------ min/max clamps
def test_replicas_below_min_are_raised_at_once():
    c = metrics_cluster()
    apply_object(c.store, web(1, requests={"cpu": "100m"}))
    c.advance_sync(60)
    apply_object(c.store, hpa_v2("web", "web", min_replicas=2, max_replicas=5))
    c.advance_sync(16)
    assert replicas(c, "web") == 2
    assert rescales(c, "web") == ["New size: 2; reason: Current number of replicas below Spec.MinReplicas"]
    hpa = get_hpa(c, "web")
    assert hpa["status"]["currentMetrics"] is None
    assert conditions(hpa) == {"AbleToScale": ("True", "SucceededRescale",
                                               "the HPA controller was able to update the target scale to 2")}
    c.advance_sync(60)
    assert replicas(c, "web") == 2
    # the sync that saw the new pod without metrics recommended 2 (missing pods count as 100 %
    # on a scale-down); that recommendation is held for the 5-minute window
    conds = conditions(get_hpa(c, "web"))
    assert conds["AbleToScale"][1] == "ScaleDownStabilized"
    assert conds["ScalingLimited"][:2] == ("False", "DesiredWithinRange")
    c.advance_sync(300)
    assert replicas(c, "web") == 2
    assert conditions(get_hpa(c, "web"))["ScalingLimited"] == (
        "True", "TooFewReplicas", "the desired replica count is less than the minimum replica count")


def test_replicas_above_max_are_lowered_at_once():
    c = metrics_cluster()
    apply_object(c.store, web(5, requests={"cpu": "100m"}))
    c.advance_sync(60)
    apply_object(c.store, hpa_v2("web", "web", max_replicas=3))
    c.advance_sync(16)
    assert replicas(c, "web") == 3
    assert rescales(c, "web") == ["New size: 3; reason: Current number of replicas above Spec.MaxReplicas"]


def test_zero_replicas_disable_scaling():
    c = metrics_cluster()
    apply_object(c.store, web(0, requests={"cpu": "100m"}))
    c.advance_sync(10)
    apply_object(c.store, hpa_v2("web", "web"))
    c.advance_sync(16)
    hpa = get_hpa(c, "web")
    assert conditions(hpa)["ScalingActive"] == (
        "False", "ScalingDisabled", "scaling is disabled since the replica count of the target is zero")
    assert replicas(c, "web") == 0


# ------------------------------------------------------------------- errors
def test_pods_without_requests_report_failed_get_resource_metric():
    c = metrics_cluster()
    apply_object(c.store, web(1))
    c.advance_sync(60)
    apply_object(c.store, hpa_v2("web", "web"))
    c.advance_sync(16)
    hpa = get_hpa(c, "web")
    pod = c.store.list("Pod", "default", "app=web")[0]["metadata"]["name"]
    status, reason, message = conditions(hpa)["ScalingActive"]
    assert (status, reason) == ("False", "FailedGetResourceMetric")
    assert message == ("the HPA was unable to compute the replica count: failed to get cpu utilization: "
                       f"missing request for cpu in container app of Pod {pod}")
    assert hpa["status"]["currentMetrics"] == [{"type": ""}]
    assert _hpa_targets(hpa) == "cpu: <unknown>/50%"
    assert hpa_events(c, "web") == [
        ("Warning", "FailedGetResourceMetric",
         f"failed to get cpu utilization: missing request for cpu in container app of Pod {pod}"),
        ("Warning", "FailedComputeMetricsReplicas",
         "invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: "
         f"failed to get cpu utilization: missing request for cpu in container app of Pod {pod}"),
    ]


def test_without_a_metrics_api_the_hpa_says_so():
    c = Cluster(workers=1)
    if hasattr(c.store, "resource_metrics"):  # a cluster that wires metrics: take the API away again
        delattr(c.store, "resource_metrics")
    c.start()
    apply_object(c.store, web(1, requests={"cpu": "100m"}))
    c.advance_sync(30)
    apply_object(c.store, hpa_v2("web", "web"))
    c.advance_sync(16)
    _, reason, message = conditions(get_hpa(c, "web"))["ScalingActive"]
    assert reason == "FailedGetResourceMetric"
    assert message.endswith("failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch "
                            "metrics from resource metrics API: the server could not find the requested resource "
                            "(get pods.metrics.k8s.io)")


def test_missing_scale_target():
    c = metrics_cluster()
    apply_object(c.store, hpa_v2("web", "nope"))
    c.advance_sync(16)
    hpa = get_hpa(c, "web")
    assert conditions(hpa) == {"AbleToScale": (
        "False", "FailedGetScale",
        'the HPA controller was unable to get the target\'s current scale: deployments.apps "nope" not found')}
    assert hpa_events(c, "web") == [("Warning", "FailedGetScale", 'deployments.apps "nope" not found')]


def test_unknown_scale_target_kind():
    c = metrics_cluster()
    h = hpa_v2("web", "x")
    h["spec"]["scaleTargetRef"] = {"apiVersion": "apps/v1", "kind": "Frobnicator", "name": "x"}
    apply_object(c.store, h)
    c.advance_sync(16)
    assert conditions(get_hpa(c, "web"))["AbleToScale"][2] == (
        "the HPA controller was unable to get the target's current scale: "
        'no matches for kind "Frobnicator" in group "apps"')


def test_custom_metrics_are_reported_as_unavailable():
    c = metrics_cluster()
    apply_object(c.store, web(1, requests={"cpu": "100m"}))
    c.advance_sync(60)
    apply_object(c.store, hpa_v2("web", "web", metrics=[
        {"type": "Pods", "pods": {"metric": {"name": "packets-per-second"},
                                  "target": {"type": "AverageValue", "averageValue": "1k"}}}]))
    c.advance_sync(16)
    assert conditions(get_hpa(c, "web"))["ScalingActive"] == (
        "False", "FailedGetPodsMetric",
        "the HPA was unable to compute the replica count: unable to get metric packets-per-second: unable to fetch "
        "metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered")


def test_two_hpas_on_the_same_pods_are_ambiguous():
    c = metrics_cluster()
    apply_object(c.store, web(1, requests={"cpu": "100m"}))
    c.advance_sync(60)
    apply_object(c.store, hpa_v2("a", "web"))
    apply_object(c.store, hpa_v2("b", "web"))
    c.advance_sync(31)
    for name in ("a", "b"):
        status, reason, message = conditions(get_hpa(c, name))["ScalingActive"]
        assert (status, reason) == ("False", "AmbiguousSelector")
        assert message == "pods by selector app=web are controlled by multiple HPAs: [default/a default/b]"


def test_deleting_the_hpa_stops_syncing():
    c = metrics_cluster()
    apply_object(c.store, web(1, requests={"cpu": "100m"}))
    c.advance_sync(60)
    apply_object(c.store, hpa_v2("web", "web"))
    c.advance_sync(30)
    c.store.delete("HorizontalPodAutoscaler", "web", "default")
    c.advance_sync(30)
    ctrl = next(x for x in c.controllers if isinstance(x, HorizontalPodAutoscalerController))
    assert "default/web" not in ctrl.recommendations


# ------------------------------------------------------------------ metrics
def test_metrics_registers_on_the_store_and_is_found_from_a_cluster():
    c = metrics_cluster()
    m = c.store.resource_metrics
    assert isinstance(m, Metrics)
    assert metrics_for(c) is m and metrics_for(c.store) is m and metrics_for(m) is m
    assert Metrics.attach(c.store) is m


def test_pod_metrics_appear_after_two_scrapes_with_a_window():
    c = metrics_cluster()
    m = c.store.resource_metrics
    apply_object(c.store, web(1))
    c.advance_sync(3)
    assert m.list_pod_metrics("default") == []
    c.advance_sync(40)
    items = m.list_pod_metrics("default", "app=web")
    assert len(items) == 1
    item = items[0]
    assert item["kind"] == "PodMetrics" and item["apiVersion"] == "metrics.k8s.io/v1beta1"
    assert item["window"] in ("15s",) or item["window"].endswith("s")
    assert item["containers"] == [{"name": "app", "usage": {"cpu": "1m", "memory": "6Mi"}}]
    assert item["metadata"]["labels"]["app"] == "web"
    assert m.list_pod_metrics("default", "app=other") == []
    nodes = m.list_node_metrics()
    assert {n["metadata"]["name"] for n in nodes} == {"k9play-control-plane", "k9play-worker", "k9play-worker2"}


def test_load_is_spread_over_ready_pods_and_annotations_override():
    c = metrics_cluster()
    m = c.store.resource_metrics
    apply_object(c.store, web(3, annotations={"k9play.dev/cpu": "5m"}))
    c.advance_sync(30)
    pods = c.store.list("Pod", "default", "app=web")
    assert [m.pod_usage(p)[0] for p in pods] == [5, 5, 5]
    set_load(c, "deploy/web", "300m")
    assert m.load_of(("Deployment", "web")) == 300
    assert [m.pod_usage(p)[0] for p in pods] == [105, 105, 105]
    set_load(m, ("Pod", "default", pods[0]["metadata"]["name"]), 1)
    assert m.pod_usage(pods[0])[0] == 1105
    m.clear_load("deploy/web")
    assert m.loads() == {("Pod", "default", pods[0]["metadata"]["name"]): 1000}
    assert [u.name for u in m.container_usage(pods[0])] == ["app"]


def test_stress_cpu_and_memory_from_the_process():
    c = metrics_cluster()
    m = c.store.resource_metrics
    apply_object(c.store, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "hog"},
                           "spec": {"containers": [{"name": "s", "image": "polinux/stress",
                                                    "command": ["stress", "--cpu", "2", "--vm", "1",
                                                                "--vm-bytes", "150M", "--vm-hang", "1"],
                                                    "resources": {"limits": {"cpu": "1500m", "memory": "1Gi"}}}]}})
    c.advance_sync(30)
    cpu, mem = m.pod_usage(c.store.get("Pod", "hog", "default"))
    assert cpu == 1500  # two cores of spinning, throttled at the limit
    assert mem == 150 * 1024 * 1024


def test_normalize_target_and_formatting():
    assert normalize_target("deploy/php-apache") == ("Deployment", "default", "php-apache")
    assert normalize_target(("sts", "db"), "prod") == ("StatefulSet", "prod", "db")
    assert normalize_target(("Service", "web", "front")) == ("Service", "web", "front")
    with pytest.raises(ValueError):
        normalize_target("configmap/x")
    assert format_cpu(1_000_000) == "1m" and format_cpu(87_142_857) == "87142857n" and format_cpu(2 * 10**9) == "2"
    assert format_cpu(0) == "0"
    assert format_memory(20 * 1024 * 1024) == "20Mi" and format_memory(1000) == "1000"
    assert format_milli_decimal(1) == "1m" and format_milli_decimal(2000) == "2"
    assert format_milli_decimal(157286400000) == "157286400" and format_milli_decimal(12 * 10**9) == "12M"
    assert format_window(15) == "15s" and format_window(12.35) == "12.35s" and format_window(75) == "1m15s"


# --------------------------------------------------- the replica calculator
class _Source:
    """A fixed metrics API answer: pod name → (cpu millicores, timestamp)."""

    def __init__(self, values: dict[str, int], ts: float, window: str = "30s") -> None:
        self.values, self.ts, self.window = values, ts, window

    def list_pod_metrics(self, namespace, selector):
        from k9play.api.meta import format_time
        return [{"metadata": {"name": n, "namespace": namespace}, "timestamp": format_time(self.ts),
                 "window": self.window, "containers": [{"name": "c", "usage": {"cpu": f"{v}m"}}]}
                for n, v in self.values.items()]


def _calc_store(ready: list[str], started_ago: float = 3600.0, ready_ago: float = 3000.0,
                phases: list[str] | None = None) -> ObjectStore:
    from k9play.api.meta import format_time
    store = ObjectStore(VirtualClock())
    now = store.clock.now()
    for i, r in enumerate(ready):
        pod = store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"p{i}", "labels": {"a": "b"}},
                            "spec": {"containers": [{"name": "c", "image": "nginx",
                                                     "resources": {"requests": {"cpu": "1"}}}]}})
        # a pod that is not ready has never been: its condition changed when it started
        since = now - (ready_ago if r == "True" else started_ago)
        store.update_status({**pod, "status": {
            "phase": (phases or ["Running"] * len(ready))[i], "startTime": format_time(now - started_ago),
            "conditions": [{"type": "Ready", "status": r, "lastTransitionTime": format_time(since)}]}})
    return store


def _calc(store: ObjectStore, values: dict[str, int]) -> ReplicaCalculator:
    source = _Source(values, store.clock.now())
    return ReplicaCalculator(store, lambda: source)


def _sel():
    from k9play.api.selectors import parse_label_selector
    return parse_label_selector("a=b")


def test_calculator_scale_up():
    store = _calc_store(["True", "True", "True"])
    calc = _calc(store, {"p0": 300, "p1": 500, "p2": 700})
    assert calc.get_resource_replicas(3, 30, "cpu", "default", _sel(), "") [:3] == (5, 50, 500)


def test_calculator_scale_up_with_unready_pods_counts_them_at_zero():
    store = _calc_store(["False", "True", "True"])
    calc = _calc(store, {"p0": 300, "p1": 500, "p2": 700})
    assert calc.get_resource_replicas(3, 30, "cpu", "default", _sel(), "")[:3] == (4, 60, 600)


def test_calculator_scale_down_treats_missing_pods_as_full_use():
    store = _calc_store(["True", "True", "True", "True"])
    calc = _calc(store, {"p0": 100, "p1": 100, "p2": 100})  # p3 has no metrics
    # 10 % of request used by 3 pods; the 4th counts as 100 %: (300 + 1000) / 4000 = 32 % of 50 → ceil(2.6) = 3
    assert calc.get_resource_replicas(4, 50, "cpu", "default", _sel(), "")[:2] == (3, 10)


def test_calculator_within_tolerance_keeps_the_count():
    store = _calc_store(["True", "True"])
    calc = _calc(store, {"p0": 520, "p1": 530})
    assert calc.get_resource_replicas(2, 50, "cpu", "default", _sel(), "")[0] == 2


def test_calculator_ignores_fresh_samples_of_initialising_pods():
    # started 60 s ago, ready 20 s ago; the 30 s metric window began before the transition
    store = _calc_store(["True", "True"], started_ago=60, ready_ago=20)
    calc = _calc(store, {"p0": 900, "p1": 900})
    with pytest.raises(MetricsError, match=r"did not receive metrics for targeted pods \(pods might be unready\)"):
        calc.get_resource_replicas(2, 50, "cpu", "default", _sel(), "")


def test_metrics_client_errors():
    store = _calc_store(["True"])
    with pytest.raises(MetricsError, match="no metrics returned from resource metrics API"):
        get_resource_metric(_Source({}, 0.0), "cpu", "default", _sel(), "")
    with pytest.raises(MetricsError, match="container other not present in metrics for pod default/p0"):
        get_resource_metric(_Source({"p0": 1}, store.clock.now()), "cpu", "default", _sel(), "other")
