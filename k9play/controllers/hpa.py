"""HorizontalPodAutoscalerController: ``pkg/controller/podautoscaler/horizontal.go`` (v1.34).

Every HPA is synced every 15 s (``--horizontal-pod-autoscaler-sync-period``): changes to an
HPA are queued with that delay too, as the real rate-limited queue does, so a new HPA is
first looked at 15 s after it is created. A sync reads the target's scale (``spec.replicas``
and selector of a Deployment, ReplicaSet, StatefulSet or ReplicationController), computes a
proposal per metric with the replica calculator (:mod:`k9play.controllers.hpa_replicas`),
takes the largest, normalises it — the legacy rules (``max(2×, 4)`` per sync, 5-minute
downscale stabilization) when ``spec.behavior`` is unset, else the behavior's stabilization
windows and Pods/Percent policies — writes the new ``spec.replicas`` and records
``SuccessfulRescale``; then it writes the status (conditions ``AbleToScale``,
``ScalingActive``, ``ScalingLimited``) only if it changed.

Metrics come from the store's resource metrics API (``store.resource_metrics``, registered by
:class:`k9play.kubelet.metrics.Metrics`) unless one is passed in; a sync starts its scraper if
nobody has. With no metrics API at all the HPA reports what a cluster without metrics-server
reports.

Like v1.34, the controller does not set ``status.observedGeneration`` (HPAs gained
generation tracking only later).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from k9play.api import errors, resources
from k9play.api.events import NORMAL, WARNING
from k9play.api.meta import Obj, copy_obj, format_time, key_of, labels_of, split_key
from k9play.api.quantity import QuantityError, milli
from k9play.api.selectors import NOTHING, LabelSelector, selector_from_labels, selector_from_spec
from k9play.api.store import DELETED, WatchEvent
from k9play.controllers import hpa_spec as hs
from k9play.controllers.base import Controller
from k9play.controllers.hpa_replicas import MetricsError, MetricsSource, ReplicaCalculator

KIND = "HorizontalPodAutoscaler"
#: kinds whose scale subresource the HPA can use
SCALABLE = frozenset({"Deployment", "ReplicaSet", "StatefulSet", "ReplicationController"})
#: where the store keeps its resource metrics API (see k9play.kubelet.metrics)
METRICS_ATTRIBUTE = "resource_metrics"
SCALE_UP_LIMIT_FACTOR = 2.0
SCALE_UP_LIMIT_MINIMUM = 4.0
INT32_MAX = 2**31 - 1
INT32_MIN = -(2**31)


class _ScaleError(Exception):
    """The scale target could not be read (the text is the API error)."""


class _MetricFailure(Exception):
    """A metric could not be computed: the error text and the condition to report."""

    def __init__(self, message: str, condition: Obj | None) -> None:
        super().__init__(message)
        self.condition = condition


@dataclass(slots=True)
class _ScaleEvent:
    change: int  # absolute value
    timestamp: float
    outdated: bool = False


class _Hpa:
    """The HPA being synced: its v2 spec and the status being built (``hpa.Status``)."""

    def __init__(self, stored: Obj) -> None:
        self.stored = stored
        self.name = stored["metadata"]["name"]
        self.namespace = stored["metadata"].get("namespace", "default")
        self.spec = hs.spec_v2(stored)
        old = stored.get("status") or {}
        self.conditions = hs.conditions_of(stored)
        self.current_replicas = int(old.get("currentReplicas") or 0)
        self.desired_replicas = int(old.get("desiredReplicas") or 0)
        self.last_scale_time: str | None = old.get("lastScaleTime")
        #: ``hs.KEEP`` until the sync computes metrics: a failed sync leaves them as they were
        self.current_metrics: Any = hs.KEEP
        # events name the object as the controller sees it: autoscaling/v2
        self.ref = {**stored, "apiVersion": hs.V2}

    def status(self) -> Obj:
        out: Obj = {"currentReplicas": self.current_replicas, "desiredReplicas": self.desired_replicas,
                    "currentMetrics": self.current_metrics, "conditions": self.conditions}
        if self.last_scale_time:
            out["lastScaleTime"] = self.last_scale_time
        return out


class HorizontalPodAutoscalerController(Controller):
    name = "hpa"
    component = "horizontal-pod-autoscaler"

    def __init__(self, store: Any, metrics: MetricsSource | None = None, *, sync_period: float = 15.0,
                 downscale_stabilization: float = 300.0, tolerance: float = 0.1,
                 cpu_initialization_period: float = 300.0, initial_readiness_delay: float = 30.0) -> None:
        super().__init__(store)
        self._metrics = metrics
        self.sync_period = sync_period
        self.downscale_stabilization = downscale_stabilization
        self.calc = ReplicaCalculator(store, lambda: self.metrics, tolerance=tolerance,
                                      cpu_initialization_period=cpu_initialization_period,
                                      delay_of_initial_readiness_status=initial_readiness_delay)
        #: latest unstabilized recommendations per HPA: [replicas, timestamp]
        self.recommendations: dict[str, list[list[float]]] = {}
        self.scale_up_events: dict[str, list[_ScaleEvent]] = {}
        self.scale_down_events: dict[str, list[_ScaleEvent]] = {}
        #: the selector of each HPA's target, for the AmbiguousSelector check
        self.selectors: dict[str, LabelSelector] = {}

    @property
    def metrics(self) -> MetricsSource | None:
        if self._metrics is not None:
            return self._metrics
        return getattr(self.store, METRICS_ATTRIBUTE, None)

    # ---------------------------------------------------------------- wiring
    def start(self) -> None:
        self._unsubscribe.append(self.store.add_handler(KIND, self._on_hpa))
        for hpa in self.store.list(KIND):
            self._enqueue(key_of(hpa))

    def _on_hpa(self, ev: WatchEvent) -> None:
        key = key_of(ev.object)
        if ev.type == DELETED:
            self.selectors.pop(key, None)
            return
        self._enqueue(key)

    def _enqueue(self, key: str) -> None:
        """``AddRateLimited`` with the HPA's fixed-interval limiter: every add waits one period."""
        self.queue.add_after(key, self.sync_period)
        self.selectors.setdefault(key, NOTHING)

    def _now(self) -> float:
        return self.clock.now()

    def _now_str(self) -> str:
        return format_time(self.clock.now())

    # ------------------------------------------------------------- reconcile
    def reconcile(self, key: str) -> float | None:
        ns, name = split_key(key)
        stored = self.store.try_get(KIND, name, ns)
        if stored is None:
            self.recommendations.pop(key, None)
            self.scale_up_events.pop(key, None)
            self.scale_down_events.pop(key, None)
            return None
        source = self.metrics
        if source is not None and hasattr(source, "start"):
            source.start()  # k9play's metrics-server scrapes once somebody needs it (idempotent)
        self._reconcile_autoscaler(_Hpa(stored), key)
        return self.sync_period

    def _set(self, hpa: _Hpa, ctype: str, status: str, reason: str, message: str) -> None:
        hs.set_condition(hpa.conditions, ctype, status, reason, message, self._now_str())

    def _event(self, hpa: _Hpa, type_: str, reason: str, message: str) -> None:
        self.recorder.record(hpa.ref, type_, reason, message)

    def _reconcile_autoscaler(self, hpa: _Hpa, key: str) -> None:
        spec = hpa.spec
        try:
            target = self._get_scale(spec["scaleTargetRef"], hpa.namespace)
        except _ScaleError as e:
            self._event(hpa, WARNING, "FailedGetScale", str(e))
            self._set(hpa, "AbleToScale", "False", "FailedGetScale",
                      f"the HPA controller was unable to get the target's current scale: {e}")
            self._update_status_if_needed(hpa)
            return
        self._set(hpa, "AbleToScale", "True", "SucceededGetScale",
                  "the HPA controller was able to get the target's current scale")
        current = int((target.get("spec") or {}).get("replicas", 1))
        status_replicas = int((target.get("status") or {}).get("replicas") or 0)
        self._record_initial_recommendation(current, key)

        min_replicas = spec["minReplicas"] if spec["minReplicas"] is not None else 1
        max_replicas = spec["maxReplicas"]
        metric_statuses: list[Obj] | None = None
        desired = 0
        reason = ""
        rescale = True
        if current == 0 and min_replicas != 0:
            desired = 0
            rescale = False
            self._set(hpa, "ScalingActive", "False", "ScalingDisabled",
                      "scaling is disabled since the replica count of the target is zero")
        elif current > max_replicas:
            reason = "Current number of replicas above Spec.MaxReplicas"
            desired = max_replicas
        elif current < min_replicas:
            reason = "Current number of replicas below Spec.MinReplicas"
            desired = min_replicas
        else:
            proposal, metric_name, metric_statuses, err = self._compute_replicas_for_metrics(
                hpa, key, target, spec["metrics"], current, status_replicas)
            if err is not None and proposal == -1:
                self._set_current_replicas_and_metrics(hpa, current, metric_statuses)
                self._update_status_if_needed(hpa)
                self._event(hpa, WARNING, "FailedComputeMetricsReplicas", err)
                return
            rescale_metric = ""
            if proposal > desired:
                desired = proposal
                rescale_metric = metric_name
            if desired > current:
                reason = f"{rescale_metric} above target"
            if desired < current:
                reason = "All metrics below target"
            if spec["behavior"] is None:
                desired = self._normalize_desired_replicas(hpa, key, current, desired, min_replicas)
            else:
                desired = self._normalize_with_behaviors(hpa, key, current, desired, min_replicas)
            rescale = desired != current

        if rescale:
            try:
                self._update_scale(target, desired)
            except errors.ApiError as e:
                self._event(hpa, WARNING, "FailedRescale", f"New size: {desired}; reason: {reason}; error: {e}")
                self._set(hpa, "AbleToScale", "False", "FailedUpdateScale",
                          f"the HPA controller was unable to update the target scale: {e}")
                self._set_current_replicas_and_metrics(hpa, current, metric_statuses)
                self._update_status_if_needed(hpa)
                return
            self._set(hpa, "AbleToScale", "True", "SucceededRescale",
                      f"the HPA controller was able to update the target scale to {desired}")
            self._event(hpa, NORMAL, "SuccessfulRescale", f"New size: {desired}; reason: {reason}")
            self._store_scale_event(spec["behavior"], key, current, desired)
        else:
            desired = current
        hpa.current_replicas, hpa.desired_replicas, hpa.current_metrics = current, desired, metric_statuses
        if rescale:
            hpa.last_scale_time = self._now_str()
        self._update_status_if_needed(hpa)

    # ----------------------------------------------------------------- scale
    def _get_scale(self, ref: Obj, namespace: str) -> Obj:
        """The scale target (the ``/scale`` subresource's source of truth)."""
        api_version = str(ref.get("apiVersion", ""))
        kind, name = str(ref.get("kind", "")), str(ref.get("name", ""))
        if api_version.count("/") > 1:
            raise _ScaleError(f"unexpected GroupVersion string: {api_version}")
        group = api_version.split("/", 1)[0] if "/" in api_version else ""
        try:
            rt = resources.by_kind(kind)
        except KeyError:
            rt = None
        if rt is None or rt.group != group:
            raise _ScaleError(f'no matches for kind "{kind}" in group "{group}"')
        if kind not in SCALABLE:
            raise _ScaleError("the server could not find the requested resource")
        target = self.store.try_get(kind, name, namespace)
        if target is None:
            raise _ScaleError(f'{rt.resource} "{name}" not found')
        return target

    def _update_scale(self, target: Obj, replicas: int) -> None:
        current = self.store.get(target["kind"], target["metadata"]["name"], target["metadata"].get("namespace"))
        new = copy_obj(current)
        new.setdefault("spec", {})["replicas"] = replicas
        self.store.update(new)

    @staticmethod
    def _target_selector(target: Obj) -> tuple[str, LabelSelector]:
        """``scale.Status.Selector`` as a string, and parsed."""
        spec = target.get("spec") or {}
        if target.get("kind") == "ReplicationController":
            raw = spec.get("selector") or {}
            if not raw:
                return "", NOTHING
            sel = selector_from_labels(raw)
        else:
            raw_spec = spec.get("selector")
            if raw_spec is None:
                return "", NOTHING
            try:
                sel = selector_from_spec(raw_spec)
            except ValueError:
                return "", NOTHING
        return str(sel), sel

    # --------------------------------------------------------------- metrics
    def _compute_replicas_for_metrics(self, hpa: _Hpa, key: str, target: Obj, metric_specs: list[Obj],
                                      spec_replicas: int, status_replicas: int
                                      ) -> tuple[int, str, list[Obj] | None, str | None]:
        selector_text, selector = self._target_selector(target)
        err = self._validate_selector(hpa, key, selector_text, selector)
        if err is not None:
            return -1, "", None, err
        statuses: list[Obj] = [{"type": ""} for _ in metric_specs]
        invalid = 0
        first_err: str | None = None
        first_cond: Obj | None = None
        replicas = 0
        metric = ""
        for i, m in enumerate(metric_specs):
            try:
                proposal, name, status = self._compute_replicas_for_metric(
                    hpa, m, spec_replicas, status_replicas, selector)
            except _MetricFailure as f:
                if invalid <= 0:
                    first_cond, first_err = f.condition, str(f)
                invalid += 1
                continue
            statuses[i] = status
            if replicas == 0 or proposal > replicas:
                replicas, metric = proposal, name
        err_text = None
        if first_err is not None:
            err_text = f"invalid metrics ({invalid} invalid out of {len(metric_specs)}), first error is: {first_err}"
        if invalid >= len(metric_specs) or (invalid > 0 and replicas < spec_replicas):
            if first_cond is not None:
                self._set(hpa, first_cond["type"], first_cond["status"], first_cond["reason"], first_cond["message"])
            return -1, "", statuses, err_text
        self._set(hpa, "ScalingActive", "True", "ValidMetricFound",
                  f"the HPA was able to successfully calculate a replica count from {metric}")
        return replicas, metric, statuses, err_text

    def _validate_selector(self, hpa: _Hpa, key: str, text: str, selector: LabelSelector) -> str | None:
        if not text:
            self._event(hpa, WARNING, "SelectorRequired", "selector is required")
            self._set(hpa, "ScalingActive", "False", "InvalidSelector", "the HPA target's scale is missing a selector")
            return "selector is required"
        if key in self.selectors:
            self.selectors[key] = selector
        pods = self.store.list("Pod", hpa.namespace, selector)
        selecting = []
        for other, sel in self.selectors.items():
            ns, _ = split_key(other)
            if ns == hpa.namespace and any(sel.matches(labels_of(p)) for p in pods):
                selecting.append(other)
        if len(selecting) > 1:
            msg = f"pods by selector {text} are controlled by multiple HPAs: [{' '.join(sorted(selecting))}]"
            self._event(hpa, WARNING, "AmbiguousSelector", msg)
            self._set(hpa, "ScalingActive", "False", "AmbiguousSelector", msg)
            return msg
        return None

    def _unable(self, hpa: _Hpa, reason: str, err: str) -> Obj:
        """``getUnableComputeReplicaCountCondition``: records the event, returns the condition."""
        self._event(hpa, WARNING, reason, err)
        return {"type": "ScalingActive", "status": "False", "reason": reason,
                "message": f"the HPA was unable to compute the replica count: {err}"}

    def _compute_replicas_for_metric(self, hpa: _Hpa, m: Obj, spec_replicas: int, status_replicas: int,
                                     selector: LabelSelector) -> tuple[int, str, Obj]:
        mtype = m.get("type", "")
        if mtype == "Resource":
            src = m.get("resource") or {}
            name = str(src.get("name", ""))
            try:
                replicas, current, metric_name = self._resource_metric(
                    spec_replicas, src.get("target") or {}, name, hpa.namespace, "", selector, "Resource")
            except MetricsError as e:
                cond = self._unable(hpa, "FailedGetResourceMetric", str(e))
                raise _MetricFailure(f"failed to get {name} resource metric value: {e}", cond) from None
            return replicas, metric_name, {"type": "Resource", "resource": {"name": name, "current": current}}
        if mtype == "ContainerResource":
            src = m.get("containerResource") or {}
            name, container = str(src.get("name", "")), str(src.get("container", ""))
            try:
                replicas, current, metric_name = self._resource_metric(
                    spec_replicas, src.get("target") or {}, name, hpa.namespace, container, selector,
                    "ContainerResource")
            except MetricsError as e:
                cond = self._unable(hpa, "FailedGetContainerResourceMetric", str(e))
                raise _MetricFailure(f"failed to get {container} container metric value: {e}", cond) from None
            return replicas, metric_name, {"type": "ContainerResource",
                                           "containerResource": {"name": name, "container": container,
                                                                 "current": current}}
        if mtype == "Pods":
            metric_name = str(((m.get("pods") or {}).get("metric") or {}).get("name", ""))
            err = f"unable to get metric {metric_name}: {_custom_metrics_missing()}"
            cond = self._unable(hpa, "FailedGetPodsMetric", err)
            raise _MetricFailure(f"failed to get pods metric value: {err}", cond)
        if mtype == "Object":
            src = m.get("object") or {}
            metric_name = str((src.get("metric") or {}).get("name", ""))
            described = src.get("describedObject") or {}
            target = src.get("target") or {}
            if (target.get("type") == "Value" and target.get("value") is not None) or \
                    (target.get("type") == "AverageValue" and target.get("averageValue") is not None):
                err = (f"unable to get metric {metric_name}: {_custom_metrics_missing()} on "
                       f"{described.get('kind', '')} {hpa.namespace}/{described.get('name', '')}")
                cond = self._unable(hpa, "FailedGetObjectMetric", err)
                if target.get("type") == "AverageValue":
                    err = f"failed to get {metric_name} object metric: {err}"
                raise _MetricFailure(f"failed to get object metric value: {err}", cond)
            err = "invalid object metric source: neither a value target nor an average value target was set"
            cond = self._unable(hpa, "FailedGetObjectMetric", err)
            raise _MetricFailure(f"failed to get object metric value: {err}", cond)
        if mtype == "External":
            src = m.get("external") or {}
            metric = src.get("metric") or {}
            metric_name = str(metric.get("name", ""))
            target = src.get("target") or {}
            missing = (f"unable to fetch metrics from external metrics API: the server could not find the "
                       f"requested resource (get {metric_name}.external.metrics.k8s.io)")
            inner = (f"unable to get external metric {hpa.namespace}/{metric_name}/"
                     f"{hs.go_label_selector(metric.get('selector'))}: {missing}")
            if target.get("averageValue") is not None:
                cond = self._unable(hpa, "FailedGetExternalMetric", inner)
                err = f"failed to get {metric_name} external metric: {inner}"
            elif target.get("value") is not None:
                cond = self._unable(hpa, "FailedGetExternalMetric", inner)
                err = f"failed to get external metric {metric_name}: {inner}"
            else:
                err = "invalid external metric source: neither a value target nor an average value target was set"
                cond = self._unable(hpa, "FailedGetExternalMetric", err)
                raise _MetricFailure(f"failed to get {metric_name} external metric value: {err}", cond)
            raise _MetricFailure(f"failed to get {metric_name} external metric value: {err}", cond)
        err = f'unknown metric source type "{mtype}"'
        raise _MetricFailure(err, self._unable(hpa, "InvalidMetricSourceType", err))

    def _resource_metric(self, current: int, target: Obj, resource: str, namespace: str, container: str,
                         selector: LabelSelector, source_type: str) -> tuple[int, Obj, str]:
        """``computeStatusForResourceMetricGeneric``: (proposal, MetricValueStatus, metric name)."""
        if target.get("averageValue") is not None:
            try:
                target_usage = milli(target["averageValue"])
            except (QuantityError, TypeError):
                raise MetricsError(f"failed to get {resource} usage: invalid target value") from None
            try:
                replicas, usage, _ = self.calc.get_raw_resource_replicas(
                    current, target_usage, resource, namespace, selector, container)
            except MetricsError as e:
                raise MetricsError(f"failed to get {resource} usage: {e}") from None
            return replicas, {"averageValue": hs.format_milli_quantity(usage)}, f"{resource} resource"
        if target.get("averageUtilization") is None:
            raise MetricsError("invalid resource metric source: neither an average utilization target nor an "
                               "average value (usage) target was set")
        try:
            replicas, utilization, raw, _ = self.calc.get_resource_replicas(
                current, int(target["averageUtilization"]), resource, namespace, selector, container)
        except MetricsError as e:
            raise MetricsError(f"failed to get {resource} utilization: {e}") from None
        name = f"{resource} resource utilization (percentage of request)"
        if source_type == "ContainerResource":
            name = f"{resource} container resource utilization (percentage of request)"
        return replicas, {"averageValue": hs.format_milli_quantity(raw), "averageUtilization": utilization}, name

    # --------------------------------------------------------- normalisation
    def _record_initial_recommendation(self, current: int, key: str) -> None:
        if not self.recommendations.get(key):
            self.recommendations[key] = [[current, self._now()]]

    def _stabilize_recommendation(self, key: str, proposal: int) -> int:
        """Legacy (no ``behavior``): the highest recommendation of the downscale window."""
        now = self._now()
        best = proposal
        old_index = -1
        cutoff = now - self.downscale_stabilization
        recs = self.recommendations.setdefault(key, [])
        for i, (rec, ts) in enumerate(recs):
            if ts < cutoff:
                old_index = i
            elif rec > best:
                best = int(rec)
        if old_index >= 0:
            recs[old_index] = [proposal, now]
        else:
            recs.append([proposal, now])
        return best

    def _normalize_desired_replicas(self, hpa: _Hpa, key: str, current: int, proposal: int,
                                    min_replicas: int) -> int:
        stabilized = self._stabilize_recommendation(key, proposal)
        if stabilized != proposal:
            self._set(hpa, "AbleToScale", "True", "ScaleDownStabilized",
                      "recent recommendations were higher than current one, applying the highest recent "
                      "recommendation")
        else:
            self._set(hpa, "AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size")
        desired, reason, message = _convert_with_rules(current, stabilized, min_replicas, hpa.spec["maxReplicas"])
        self._set(hpa, "ScalingLimited", "False" if desired == stabilized else "True", reason, message)
        return desired

    def _normalize_with_behaviors(self, hpa: _Hpa, key: str, current: int, proposal: int,
                                  min_replicas: int) -> int:
        behavior = hpa.spec["behavior"]
        up, down = behavior["scaleUp"], behavior["scaleDown"]
        if down.get("stabilizationWindowSeconds") is None:  # maybeInitScaleDownStabilizationWindow
            down["stabilizationWindowSeconds"] = int(self.downscale_stabilization)
        stabilized, reason, message = self._stabilize_with_behaviors(key, current, proposal, up, down)
        if stabilized != proposal:
            self._set(hpa, "AbleToScale", "True", reason, message)
        else:
            self._set(hpa, "AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size")
        desired, reason, message = self._convert_with_behavior_rate(
            key, current, stabilized, min_replicas, hpa.spec["maxReplicas"], up, down)
        self._set(hpa, "ScalingLimited", "False" if desired == stabilized else "True", reason, message)
        return desired

    def _stabilize_with_behaviors(self, key: str, current: int, proposal: int, up: Obj, down: Obj
                                  ) -> tuple[int, str, str]:
        now = self._now()
        up_cutoff = now - float(up.get("stabilizationWindowSeconds") or 0)
        down_cutoff = now - float(down.get("stabilizationWindowSeconds") or 0)
        up_rec = down_rec = proposal
        old_index = -1
        recs = self.recommendations.setdefault(key, [])
        for i, (rec, ts) in enumerate(recs):
            if ts > up_cutoff:
                up_rec = min(int(rec), up_rec)
            if ts > down_cutoff:
                down_rec = max(int(rec), down_rec)
            if ts < up_cutoff and ts < down_cutoff:
                old_index = i
        recommendation = current
        if recommendation < up_rec:
            recommendation = up_rec
        if recommendation > down_rec:
            recommendation = down_rec
        if old_index >= 0:
            recs[old_index] = [proposal, now]
        else:
            recs.append([proposal, now])
        if proposal >= current:
            return recommendation, "ScaleUpStabilized", ("recent recommendations were lower than current one, "
                                                         "applying the lowest recent recommendation")
        return recommendation, "ScaleDownStabilized", ("recent recommendations were higher than current one, "
                                                       "applying the highest recent recommendation")

    def _convert_with_behavior_rate(self, key: str, current: int, desired: int, min_replicas: int,
                                    max_replicas: int, up: Obj, down: Obj) -> tuple[int, str, str]:
        ups = self.scale_up_events.get(key, [])
        downs = self.scale_down_events.get(key, [])
        if desired > current:
            limit = _scale_up_limit_with_rules(current, ups, downs, up, self._now())
            if limit < current:
                limit = current
            maximum = max_replicas
            if maximum > limit:
                maximum = limit
                reason, message = "ScaleUpLimit", "the desired replica count is increasing faster than the " \
                                                  "maximum scale rate"
            else:
                reason, message = "TooManyReplicas", "the desired replica count is more than the maximum replica count"
            if desired > maximum:
                return maximum, reason, message
        elif desired < current:
            limit = _scale_down_limit_with_rules(current, ups, downs, down, self._now())
            if limit > current:
                limit = current
            minimum = min_replicas
            if minimum < limit:
                minimum = limit
                reason, message = "ScaleDownLimit", "the desired replica count is decreasing faster than the " \
                                                    "maximum scale rate"
            else:
                reason, message = "TooFewReplicas", "the desired replica count is less than the minimum replica count"
            if desired < minimum:
                return minimum, reason, message
        return desired, "DesiredWithinRange", "the desired count is within the acceptable range"

    def _store_scale_event(self, behavior: Obj | None, key: str, prev: int, new: int) -> None:
        if behavior is None:
            return  # the legacy rules keep no history
        now = self._now()
        if new > prev:
            events = self.scale_up_events.setdefault(key, [])
            period = _longest_policy_period(behavior["scaleUp"])
            change = new - prev
        else:
            events = self.scale_down_events.setdefault(key, [])
            period = _longest_policy_period(behavior["scaleDown"])
            change = prev - new
        cutoff = now - period
        old_index = -1
        for i, ev in enumerate(events):
            if ev.timestamp < cutoff:
                ev.outdated = True
            if ev.outdated:
                old_index = i
        event = _ScaleEvent(change, now)
        if old_index >= 0:
            events[old_index] = event
        else:
            events.append(event)

    # ---------------------------------------------------------------- status
    def _set_current_replicas_and_metrics(self, hpa: _Hpa, current: int, statuses: list[Obj] | None) -> None:
        """``setCurrentReplicasAndMetricsInStatus``: keeps the old desired count and scale time."""
        hpa.current_replicas, hpa.current_metrics = current, statuses

    def _update_status_if_needed(self, hpa: _Hpa) -> None:
        status, annotations = hs.stored_status(hpa.stored, hpa.status())
        stored = hpa.stored
        old_annotations = (stored.get("metadata") or {}).get("annotations") or {}
        status_changed = status != (stored.get("status") or {})
        annotations_changed = annotations is not None and annotations != old_annotations
        if not status_changed and not annotations_changed:
            return
        try:
            if status_changed:
                stored = self.store.update_status({**stored, "status": status})
            if annotations_changed:
                new = copy_obj(stored)
                if annotations:
                    new["metadata"]["annotations"] = annotations
                else:
                    new["metadata"].pop("annotations", None)
                self.store.update(new)
        except errors.ApiError as e:
            self._event(hpa, WARNING, "FailedUpdateStatus", str(e))


# ------------------------------------------------------------------ helpers
def _custom_metrics_missing() -> str:
    return "unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered"


def _convert_with_rules(current: int, desired: int, min_replicas: int, max_replicas: int) -> tuple[int, str, str]:
    """``convertDesiredReplicasWithRules``: the legacy ``max(2×current, 4)`` scale-up limit."""
    scale_up_limit = int(max(SCALE_UP_LIMIT_FACTOR * current, SCALE_UP_LIMIT_MINIMUM))
    if max_replicas > scale_up_limit:
        maximum = scale_up_limit
        reason, message = "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate"
    else:
        maximum = max_replicas
        reason, message = "TooManyReplicas", "the desired replica count is more than the maximum replica count"
    if desired < min_replicas:
        return min_replicas, "TooFewReplicas", "the desired replica count is less than the minimum replica count"
    if desired > maximum:
        return maximum, reason, message
    return desired, "DesiredWithinRange", "the desired count is within the acceptable range"


def _changes_in_period(period: float, events: list[_ScaleEvent], now: float) -> int:
    cutoff = now - period
    return sum(ev.change for ev in events if ev.timestamp > cutoff)


def _longest_policy_period(rules: Obj) -> int:
    return max((int(p.get("periodSeconds", 0)) for p in rules.get("policies") or []), default=0)


def _scale_up_limit_with_rules(current: int, ups: list[_ScaleEvent], downs: list[_ScaleEvent], rules: Obj,
                               now: float) -> int:
    select = rules.get("selectPolicy") or "Max"
    if select == "Disabled":
        return current
    if select == "Min":
        result, pick = INT32_MAX, min
    else:
        result, pick = INT32_MIN, max
    for policy in rules.get("policies") or []:
        period = float(policy.get("periodSeconds", 0))
        start = current - _changes_in_period(period, ups, now) + _changes_in_period(period, downs, now)
        value = int(policy.get("value", 0))
        if policy.get("type") == "Pods":
            proposed = start + value
        elif policy.get("type") == "Percent":
            proposed = math.ceil(start * (1 + value / 100))
        else:
            continue
        result = pick(result, proposed)
    return result


def _scale_down_limit_with_rules(current: int, ups: list[_ScaleEvent], downs: list[_ScaleEvent], rules: Obj,
                                 now: float) -> int:
    select = rules.get("selectPolicy") or "Max"
    if select == "Disabled":
        return current
    if select == "Min":
        result, pick = INT32_MIN, max
    else:
        result, pick = INT32_MAX, min
    for policy in rules.get("policies") or []:
        period = float(policy.get("periodSeconds", 0))
        start = current - _changes_in_period(period, ups, now) + _changes_in_period(period, downs, now)
        value = int(policy.get("value", 0))
        if policy.get("type") == "Pods":
            proposed = start - value
        elif policy.get("type") == "Percent":
            proposed = int(start * (1 - value / 100))
        else:
            continue
        result = pick(result, proposed)
    return result
