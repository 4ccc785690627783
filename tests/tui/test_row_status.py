"""Row colour classes, case by case against k9s' colorers (``render/*.go``, ``model1/color.go``)."""

from __future__ import annotations

from typing import Any

import pytest

from k9play.tui.viewmodels.status import RowStatus, row_status

S = RowStatus


def obj(status: dict[str, Any] | None = None, spec: dict[str, Any] | None = None,
        deleting: bool = False) -> dict[str, Any]:
    md: dict[str, Any] = {"name": "x"}
    if deleting:
        md["deletionTimestamp"] = "2026-01-01T00:00:10Z"
    return {"metadata": md, "spec": spec or {}, "status": status or {}}


@pytest.mark.parametrize(("status", "ready", "expected"), [
    ("Pending", "0/1", S.PENDING),
    ("ContainerCreating", "0/1", S.PENDING),
    ("PodInitializing", "0/1", S.ADD),
    ("Running", "1/1", S.NORMAL),
    ("Running", "1/2", S.ERROR),  # k9s: "container ready check failed"
    ("Completed", "0/1", S.COMPLETED),
    ("Terminating", "1/1", S.KILL),
    ("Terminating", "0/1", S.KILL),
    ("CrashLoopBackOff", "0/1", S.ERROR),
    ("ImagePullBackOff", "0/1", S.ERROR),
    ("Init:0/2", "0/1", S.ERROR),
    ("Error", "0/1", S.ERROR),
])
def test_pod_rows(status: str, ready: str, expected: RowStatus) -> None:
    assert row_status("Pod", obj(), {"STATUS": status, "READY": ready}) == expected


def test_deployment_rows() -> None:
    assert row_status("Deployment", obj({}), {}) == S.PENDING  # READY x/0
    assert row_status("Deployment", obj({"replicas": 3, "availableReplicas": 1}), {}) == S.ERROR
    assert row_status("Deployment", obj({"replicas": 3, "availableReplicas": 3}), {}) == S.NORMAL
    assert row_status("Deployment", obj({"replicas": 3, "availableReplicas": 3}, deleting=True), {}) == S.KILL


def test_workload_rows() -> None:
    assert row_status("ReplicaSet", obj({"replicas": 2, "readyReplicas": 1}), {}) == S.ERROR
    assert row_status("ReplicaSet", obj({"replicas": 0}), {}) == S.NORMAL  # an old, scaled-down RS
    assert row_status("StatefulSet", obj({"replicas": 2, "readyReplicas": 2}, {"replicas": 3}), {}) == S.ERROR
    assert row_status("StatefulSet", obj({"replicas": 3, "readyReplicas": 3}, {"replicas": 3}), {}) == S.NORMAL
    assert row_status("DaemonSet", obj({"desiredNumberScheduled": 2, "numberReady": 1}), {}) == S.ERROR
    failed = obj({"failed": 1, "succeeded": 0}, {"completions": 1})
    assert row_status("Job", failed, {}) == S.ERROR
    assert row_status("Job", obj({"succeeded": 1}, {"completions": 1}), {}) == S.NORMAL


def test_cluster_rows() -> None:
    assert row_status("Node", obj(), {"STATUS": "Ready"}) == S.NORMAL
    assert row_status("Node", obj(), {"STATUS": "Ready,SchedulingDisabled"}) == S.ERROR  # "node is cordoned"
    assert row_status("Node", obj(), {"STATUS": "NotReady"}) == S.ERROR
    assert row_status("Namespace", obj(), {"STATUS": "Terminating"}) == S.KILL
    assert row_status("Event", obj(), {"TYPE": "Warning", "REASON": "BackOff"}) == S.ERROR
    assert row_status("Event", obj(), {"TYPE": "Normal", "REASON": "Killing"}) == S.KILL
    assert row_status("PersistentVolumeClaim", obj(), {"STATUS": "Pending"}) == S.ERROR
    assert row_status("PersistentVolume", obj(), {"STATUS": "Released"}) == S.NORMAL
    assert row_status("HorizontalPodAutoscaler", obj(), {"REPLICAS": "10", "MAXPODS": "10"}) == S.ERROR
    assert row_status("ConfigMap", obj(deleting=True), {}) == S.KILL
