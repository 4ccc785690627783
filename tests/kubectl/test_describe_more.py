"""``kubectl describe`` for Jobs, CronJobs, DaemonSets, StatefulSets, HPAs, storage, networking
and policy objects, compared line for line with kubectl v1.34's layout.

The expected texts are written out from kubectl's describers (``describe.go``): field order,
labels, ``<none>``/``<unset>`` and the tabwriter's alignment (a column is as wide as its
widest cell in a run of consecutive lines that have that cell, plus two). Only values the
store decides (uids) are read back from the objects.

The objects are written by hand, spec and status, the way the apiserver and the controllers
would have left them, in a cluster whose controllers are not started: nothing but the test
touches them, and events are recorded at chosen virtual times so their ages are known.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from k9play.api.events import EventRecorder
from k9play.clock import VirtualClock
from k9play.cluster import Cluster
from k9play.kubectl.describe import describe
from k9play.kubectl.describe_policy import breakdown, combine_resource_group, compact_rules
from k9play.kubectl.describe_workloads import go_quote

Obj = dict[str, Any]
T0 = "Thu, 01 Jan 2026 00:00:00 +0000"


@pytest.fixture
def c() -> Cluster:
    """A store on a manual clock at 2026-01-01T00:00:00Z, with no controller running (given a
    clock, a cluster does not boot before it)."""
    return Cluster(clock=VirtualClock())


def text_of(c: Cluster, kind: str, name: str, namespace: str | None = "default") -> str:
    return describe(c.store, c.store.get(kind, name, namespace), c.clock.now())


def with_status(c: Cluster, obj: Obj, status: Obj) -> Obj:
    return c.store.update_status({**obj, "status": status})


def pod(c: Cluster, name: str, labels: dict[str, str], owner: Obj | None, phase: str) -> Obj:
    meta: Obj = {"name": name, "namespace": "default", "labels": labels}
    if owner is not None:
        meta["ownerReferences"] = [{"apiVersion": owner["apiVersion"], "kind": owner["kind"],
                                    "name": owner["metadata"]["name"], "uid": owner["metadata"]["uid"],
                                    "controller": True, "blockOwnerDeletion": True}]
    created = c.store.create({"apiVersion": "v1", "kind": "Pod", "metadata": meta,
                              "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}})
    return with_status(c, created, {"phase": phase})


def owner_ref(owner: Obj) -> Obj:
    return {"apiVersion": owner["apiVersion"], "kind": owner["kind"], "name": owner["metadata"]["name"],
            "uid": owner["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}


# ----------------------------------------------------------------------- job
def test_job_describe(c):
    cron = c.store.create({
        "apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "pi", "namespace": "default"},
        "spec": {"schedule": "*/5 * * * *", "jobTemplate": {"spec": {"template": {"spec": {
            "restartPolicy": "Never", "containers": [{"name": "pi", "image": "perl:5.34.0"}]}}}}}})
    job = c.store.create({
        "apiVersion": "batch/v1", "kind": "Job",
        "metadata": {"name": "pi-29480640", "namespace": "default", "ownerReferences": [owner_ref(cron)]},
        "spec": {"parallelism": 1, "completions": 1, "backoffLimit": 4, "ttlSecondsAfterFinished": 100,
                 "activeDeadlineSeconds": 600, "template": {"spec": {
                     "restartPolicy": "Never",
                     "containers": [{"name": "pi", "image": "perl:5.34.0",
                                     "command": ["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"]}]}}}})
    uid = job["metadata"]["uid"]
    generated = {"batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": "pi-29480640",
                 "controller-uid": uid, "job-name": "pi-29480640"}
    # what the apiserver's job strategy adds on create: the selector and the template labels
    job["metadata"]["labels"] = dict(generated)
    job["spec"]["selector"] = {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}
    job["spec"]["template"]["metadata"] = {"labels": dict(generated)}
    job = c.store.update(job)
    job = with_status(c, job, {"startTime": "2026-01-01T00:00:00Z", "completionTime": "2026-01-01T00:02:05Z",
                               "succeeded": 1, "ready": 0, "terminating": 0,
                               "conditions": [{"type": "Complete", "status": "True"}]})
    recorder = EventRecorder(c.store, "job-controller")
    recorder.record(job, "Normal", "SuccessfulCreate", "Created pod: pi-29480640-x7k2p")
    c.advance_sync(125)
    recorder.record(job, "Normal", "Completed", "Job completed")
    c.advance_sync(5)

    assert text_of(c, "Job", "pi-29480640") == (
        "Name:                        pi-29480640\n"
        "Namespace:                   default\n"
        f"Selector:                    batch.kubernetes.io/controller-uid={uid}\n"
        f"Labels:                      batch.kubernetes.io/controller-uid={uid}\n"
        "                             batch.kubernetes.io/job-name=pi-29480640\n"
        f"                             controller-uid={uid}\n"
        "                             job-name=pi-29480640\n"
        "Annotations:                 <none>\n"
        "Controlled By:               CronJob/pi\n"
        "Parallelism:                 1\n"
        "Completions:                 1\n"
        "Completion Mode:             NonIndexed\n"
        "Suspend:                     false\n"
        "Backoff Limit:               4\n"
        "TTL Seconds After Finished:  100\n"
        f"Start Time:                  {T0}\n"
        "Completed At:                Thu, 01 Jan 2026 00:02:05 +0000\n"
        "Duration:                    2m5s\n"
        "Active Deadline Seconds:     600s\n"
        "Pods Statuses:               0 Active (0 Ready) / 1 Succeeded / 0 Failed\n"
        "Pod Template:\n"
        f"  Labels:  batch.kubernetes.io/controller-uid={uid}\n"
        "           batch.kubernetes.io/job-name=pi-29480640\n"
        f"           controller-uid={uid}\n"
        "           job-name=pi-29480640\n"
        "  Containers:\n"
        "   pi:\n"
        "    Image:      perl:5.34.0\n"
        "    Port:       <none>\n"
        "    Host Port:  <none>\n"
        "    Command:\n"
        "      perl\n"
        "      -Mbignum=bpi\n"
        "      -wle\n"
        "      print bpi(2000)\n"
        "    Environment:   <none>\n"
        "    Mounts:        <none>\n"
        "  Volumes:         <none>\n"
        "  Node-Selectors:  <none>\n"
        "  Tolerations:     <none>\n"
        "Events:\n"
        "  Type    Reason            Age    From            Message\n"
        "  ----    ------            ----   ----            -------\n"
        "  Normal  SuccessfulCreate  2m10s  job-controller  Created pod: pi-29480640-x7k2p\n"
        "  Normal  Completed         5s     job-controller  Job completed\n"
    )


def test_running_indexed_job_without_ready_count(c):
    job = c.store.create({
        "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "work", "namespace": "default"},
        "spec": {"completions": 100, "parallelism": 3, "completionMode": "Indexed",
                 "selector": {"matchLabels": {"job": "work"}}, "manualSelector": True,
                 "template": {"metadata": {"labels": {"job": "work"}}, "spec": {
                     "restartPolicy": "Never", "containers": [{"name": "w", "image": "busybox:1.36"}]}}}})
    indexes = ",".join(str(i) for i in range(0, 40, 2))  # 0,2,4,...,38: 54 characters
    with_status(c, job, {"startTime": "2026-01-01T00:00:00Z", "active": 3, "succeeded": 20, "failed": 1,
                         "completedIndexes": indexes})
    text = text_of(c, "Job", "work")
    assert text.startswith(
        "Name:               work\n"
        "Namespace:          default\n"
        "Selector:           job=work\n"
        "Labels:             job=work\n"  # SetDefaults_Job: a Job without labels takes its template's
        "Annotations:        <none>\n"
        "Parallelism:        3\n"
        "Completions:        100\n"
        "Completion Mode:    Indexed\n"
        "Suspend:            false\n"
        "Backoff Limit:      6\n"
        f"Start Time:         {T0}\n"
        "Pods Statuses:      3 Active / 20 Succeeded / 1 Failed\n"
        # the list is cut after the first comma from the 50th character on
        "Completed Indexes:  0,2,4,6,8,10,12,14,16,18,20,22,24,26,28,30,32,34,36,...\n"
        "Pod Template:\n"
        "  Labels:  job=work\n"
    )


# ------------------------------------------------------------------- cronjob
def test_cron_job_describe(c):
    cron = c.store.create({
        "apiVersion": "batch/v1", "kind": "CronJob",
        "metadata": {"name": "report", "namespace": "default", "labels": {"team": "data"}},
        "spec": {"schedule": "0 * * * *", "concurrencyPolicy": "Forbid", "startingDeadlineSeconds": 200,
                 "jobTemplate": {"spec": {
                     "parallelism": 2, "completions": 4, "activeDeadlineSeconds": 600,
                     "template": {"metadata": {"labels": {"app": "report"}}, "spec": {
                         "restartPolicy": "OnFailure",
                         "containers": [{"name": "report", "image": "busybox:1.36",
                                         "args": ["sh", "-c", "date; echo done"],
                                         "env": [{"name": "TZ", "value": "UTC"}]}]}}}}}})
    with_status(c, cron, {"lastScheduleTime": "2026-01-01T00:00:00Z", "active": [
        {"apiVersion": "batch/v1", "kind": "Job", "name": "report-29480640", "namespace": "default"},
        {"apiVersion": "batch/v1", "kind": "Job", "name": "report-29480700", "namespace": "default"}]})
    EventRecorder(c.store, "cronjob-controller").record(cron, "Normal", "SuccessfulCreate",
                                                        "Created job report-29480640")
    c.advance_sync(30)

    assert text_of(c, "CronJob", "report") == (
        "Name:                          report\n"
        "Namespace:                     default\n"
        "Labels:                        team=data\n"
        "Annotations:                   <none>\n"
        "Schedule:                      0 * * * *\n"
        "Concurrency Policy:            Forbid\n"
        "Suspend:                       False\n"
        "Successful Job History Limit:  3\n"
        "Failed Job History Limit:      1\n"
        "Starting Deadline Seconds:     200s\n"
        "Selector:                      <unset>\n"
        "Parallelism:                   2\n"
        "Completions:                   4\n"
        "Active Deadline Seconds:       600s\n"
        "Pod Template:\n"
        "  Labels:  app=report\n"
        "  Containers:\n"
        "   report:\n"
        "    Image:      busybox:1.36\n"
        "    Port:       <none>\n"
        "    Host Port:  <none>\n"
        "    Args:\n"
        "      sh\n"
        "      -c\n"
        "      date; echo done\n"
        "    Environment:\n"
        "      TZ:            UTC\n"
        "    Mounts:          <none>\n"
        "  Volumes:           <none>\n"
        "  Node-Selectors:    <none>\n"
        "  Tolerations:       <none>\n"
        f"Last Schedule Time:  {T0}\n"
        "Active Jobs:         report-29480640, report-29480700\n"
        "Events:\n"
        "  Type    Reason            Age   From                Message\n"
        "  ----    ------            ----  ----                -------\n"
        "  Normal  SuccessfulCreate  30s   cronjob-controller  Created job report-29480640\n"
    )


def test_cron_job_unset_fields():
    """A CronJob as served with pointers left nil (what kubectl prints for them)."""
    c = Cluster()
    cron = {"apiVersion": "batch/v1", "kind": "CronJob",
            "metadata": {"name": "bare", "namespace": "default", "uid": "u-1",
                         "creationTimestamp": "2026-01-01T00:00:00Z"},
            "spec": {"schedule": "@hourly", "concurrencyPolicy": "Allow",
                     "jobTemplate": {"spec": {"template": {"spec": {"containers": []}}}}}}
    assert describe(c.store, cron, c.clock.now()) == (
        "Name:                          bare\n"
        "Namespace:                     default\n"
        "Labels:                        <none>\n"
        "Annotations:                   <none>\n"
        "Schedule:                      @hourly\n"
        "Concurrency Policy:            Allow\n"
        "Suspend:                       <unset>\n"
        "Successful Job History Limit:  <unset>\n"
        "Failed Job History Limit:      <unset>\n"
        "Starting Deadline Seconds:     <unset>\n"
        "Selector:                      <unset>\n"
        "Parallelism:                   <unset>\n"
        "Completions:                   <unset>\n"
        "Pod Template:\n"
        "  Labels:  <none>\n"
        "  Containers: <none>\n"
        "  Volumes:           <none>\n"
        "  Node-Selectors:    <none>\n"
        "  Tolerations:       <none>\n"
        "Last Schedule Time:  <unset>\n"
        "Active Jobs:         <none>\n"
        "Events:              <none>\n"
    )


# ----------------------------------------------------------------- daemonset
def test_daemon_set_describe(c):
    ds = c.store.create({
        "apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": {"name": "fluentd", "namespace": "default", "labels": {"k8s-app": "fluentd-logging"},
                     "annotations": {"deprecated.daemonset.template.generation": "1"}},
        "spec": {"selector": {"matchLabels": {"name": "fluentd"}},
                 "template": {"metadata": {"labels": {"name": "fluentd"}}, "spec": {
                     "nodeSelector": {"kubernetes.io/os": "linux"},
                     "tolerations": [{"key": "node-role.kubernetes.io/control-plane", "operator": "Exists",
                                      "effect": "NoSchedule"}],
                     "containers": [{"name": "fluentd", "image": "quay.io/fluentd_elasticsearch/fluentd:v5.0.1",
                                     "resources": {"limits": {"memory": "200Mi"},
                                                   "requests": {"cpu": "100m", "memory": "200Mi"}},
                                     "volumeMounts": [{"name": "varlog", "mountPath": "/var/log"}]}],
                     "volumes": [{"name": "varlog", "hostPath": {"path": "/var/log"}}]}}}})
    ds = with_status(c, ds, {"desiredNumberScheduled": 2, "currentNumberScheduled": 2, "updatedNumberScheduled": 2,
                             "numberAvailable": 1, "numberReady": 1, "numberMisscheduled": 0})
    pod(c, "fluentd-4xk2p", {"name": "fluentd"}, ds, "Running")
    pod(c, "fluentd-9q7cz", {"name": "fluentd"}, ds, "Pending")
    pod(c, "fluentd-debug", {"name": "fluentd"}, None, "Running")  # an orphan is not counted
    EventRecorder(c.store, "daemonset-controller").record(ds, "Normal", "SuccessfulCreate",
                                                          "Created pod: fluentd-4xk2p")
    c.advance_sync(45)

    assert text_of(c, "DaemonSet", "fluentd") == (
        "Name:           fluentd\n"
        "Namespace:      default\n"
        "Selector:       name=fluentd\n"
        "Node-Selector:  kubernetes.io/os=linux\n"
        "Labels:         k8s-app=fluentd-logging\n"
        "Annotations:    deprecated.daemonset.template.generation: 1\n"
        "Desired Number of Nodes Scheduled: 2\n"
        "Current Number of Nodes Scheduled: 2\n"
        "Number of Nodes Scheduled with Up-to-date Pods: 2\n"
        "Number of Nodes Scheduled with Available Pods: 1\n"
        "Number of Nodes Misscheduled: 0\n"
        "Pods Status:  1 Running / 1 Waiting / 0 Succeeded / 0 Failed\n"
        "Pod Template:\n"
        "  Labels:  name=fluentd\n"
        "  Containers:\n"
        "   fluentd:\n"
        "    Image:      quay.io/fluentd_elasticsearch/fluentd:v5.0.1\n"
        "    Port:       <none>\n"
        "    Host Port:  <none>\n"
        "    Limits:\n"
        "      memory:  200Mi\n"
        "    Requests:\n"
        "      cpu:        100m\n"
        "      memory:     200Mi\n"
        "    Environment:  <none>\n"
        "    Mounts:\n"
        "      /var/log from varlog (rw)\n"
        "  Volumes:\n"
        "   varlog:\n"
        "    Type:          HostPath (bare host directory volume)\n"
        "    Path:          /var/log\n"
        "    HostPathType:  \n"
        "  Node-Selectors:  kubernetes.io/os=linux\n"
        "  Tolerations:     node-role.kubernetes.io/control-plane:NoSchedule op=Exists\n"
        "Events:\n"
        "  Type    Reason            Age   From                  Message\n"
        "  ----    ------            ----  ----                  -------\n"
        "  Normal  SuccessfulCreate  45s   daemonset-controller  Created pod: fluentd-4xk2p\n"
    )


# --------------------------------------------------------------- statefulset
def test_stateful_set_describe(c):
    sts = c.store.create({
        "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web", "namespace": "default"},
        "spec": {"replicas": 3, "serviceName": "nginx", "selector": {"matchLabels": {"app": "nginx"}},
                 "template": {"metadata": {"labels": {"app": "nginx"}}, "spec": {"containers": [{
                     "name": "nginx", "image": "registry.k8s.io/nginx-slim:0.24",
                     "ports": [{"containerPort": 80, "name": "web"}]}]}},
                 "volumeClaimTemplates": [{"metadata": {"name": "www"}, "spec": {
                     "accessModes": ["ReadWriteOnce"], "storageClassName": "standard",
                     "resources": {"requests": {"storage": "1Gi"}}}}]}})
    sts = with_status(c, sts, {"replicas": 2, "readyReplicas": 1, "currentReplicas": 2, "updatedReplicas": 2})
    pod(c, "web-0", {"app": "nginx"}, sts, "Running")
    pod(c, "web-1", {"app": "nginx"}, sts, "Pending")

    assert text_of(c, "StatefulSet", "web") == (
        "Name:               web\n"
        "Namespace:          default\n"
        f"CreationTimestamp:  {T0}\n"
        "Selector:           app=nginx\n"
        "Labels:             <none>\n"
        "Annotations:        <none>\n"
        "Replicas:           3 desired | 2 total\n"
        "Update Strategy:    RollingUpdate\n"
        "  Partition:        0\n"
        "Pods Status:        1 Running / 1 Waiting / 0 Succeeded / 0 Failed\n"
        "Pod Template:\n"
        "  Labels:  app=nginx\n"
        "  Containers:\n"
        "   nginx:\n"
        "    Image:         registry.k8s.io/nginx-slim:0.24\n"
        "    Port:          80/TCP (web)\n"
        "    Host Port:     0/TCP (web)\n"
        "    Environment:   <none>\n"
        "    Mounts:        <none>\n"
        "  Volumes:         <none>\n"
        "  Node-Selectors:  <none>\n"
        "  Tolerations:     <none>\n"
        "Volume Claims:\n"
        "  Name:          www\n"
        "  StorageClass:  standard\n"
        "  Labels:        <none>\n"
        "  Annotations:   <none>\n"
        "  Capacity:      1Gi\n"
        "  Access Modes:  [ReadWriteOnce]\n"
        "Events:          <none>\n"
    )


def test_stateful_set_on_delete_without_claims(c):
    sts = c.store.create({
        "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db", "namespace": "default"},
        "spec": {"replicas": 1, "serviceName": "db", "updateStrategy": {"type": "OnDelete"},
                 "selector": {"matchLabels": {"app": "db"}},
                 "template": {"metadata": {"labels": {"app": "db"}},
                              "spec": {"containers": [{"name": "db", "image": "postgres:17"}]}}}})
    text = text_of(c, "StatefulSet", "db")
    assert ("Replicas:           1 desired | 0 total\n"
            "Update Strategy:    OnDelete\n"
            "Pods Status:        0 Running / 0 Waiting / 0 Succeeded / 0 Failed\n") in text
    # with no mounts the last tabwriter block runs from the container's Image down to Events
    assert "  Tolerations:     <none>\nVolume Claims:     <none>\nEvents:            <none>\n" in text
    assert sts["spec"]["updateStrategy"] == {"type": "OnDelete"}


# ----------------------------------------------------------------------- hpa
def _lines(width: int, rows: list[tuple[str, str]]) -> str:
    """Rows of one tabwriter block: each label padded to the block's width."""
    return "".join(f"{label.ljust(width)}{value}\n" for label, value in rows)


def test_hpa_v2_describe(c):
    hpa = c.store.create({
        "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "php-apache", "namespace": "default"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "php-apache"},
            "minReplicas": 1, "maxReplicas": 10,
            "metrics": [
                {"type": "Resource", "resource": {"name": "cpu", "target": {
                    "type": "Utilization", "averageUtilization": 50}}},
                {"type": "Resource", "resource": {"name": "memory", "target": {
                    "type": "AverageValue", "averageValue": "200Mi"}}},
                {"type": "Pods", "pods": {"metric": {"name": "packets-per-second"},
                                          "target": {"type": "AverageValue", "averageValue": "1k"}}},
                {"type": "Object", "object": {
                    "metric": {"name": "requests-per-second"},
                    "describedObject": {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                                        "name": "main-route"},
                    "target": {"type": "Value", "value": "10k"}}},
                {"type": "External", "external": {
                    "metric": {"name": "queue_messages_ready", "selector": {"matchLabels": {"queue": "worker"}}},
                    "target": {"type": "AverageValue", "averageValue": "30"}}},
            ],
            "behavior": {
                "scaleUp": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max", "policies": [
                    {"type": "Pods", "value": 4, "periodSeconds": 15},
                    {"type": "Percent", "value": 100, "periodSeconds": 15}]},
                "scaleDown": {"stabilizationWindowSeconds": 300, "policies": [
                    {"type": "Percent", "value": 100, "periodSeconds": 15}]},
            },
        },
    })
    hpa = with_status(c, hpa, {
        "currentReplicas": 2, "desiredReplicas": 3,
        "currentMetrics": [
            {"type": "Resource", "resource": {"name": "cpu", "current": {
                "averageUtilization": 65, "averageValue": "130m"}}},
            {"type": "Resource", "resource": {"name": "memory", "current": {"averageValue": "104857600"}}},
            {"type": "Pods", "pods": {"metric": {"name": "packets-per-second"},
                                      "current": {"averageValue": "900"}}},
            {"type": "Object", "object": {"metric": {"name": "requests-per-second"},
                                          "describedObject": {"kind": "Ingress", "name": "main-route"},
                                          "current": {"value": "12k"}}},
        ],
        "conditions": [
            {"type": "AbleToScale", "status": "True", "reason": "SucceededRescale",
             "message": "the HPA controller was able to update the target scale to 3"},
            {"type": "ScalingActive", "status": "True", "reason": "ValidMetricFound",
             "message": "the HPA was able to successfully calculate a replica count from cpu resource "
                        "utilization (percentage of request)"},
            {"type": "ScalingLimited", "status": "False", "reason": "DesiredWithinRange",
             "message": "the desired count is within the acceptable range"},
        ],
    })
    EventRecorder(c.store, "horizontal-pod-autoscaler").record(
        hpa, "Normal", "SuccessfulRescale", "New size: 3; reason: cpu resource utilization (percentage of request) "
                                            "above target")
    c.advance_sync(90)

    # the metric lines sit in the first tabwriter block, so the longest one sets its width:
    # '  "requests-per-second" on Ingress/main-route (target value):' is 61 characters
    assert text_of(c, "HorizontalPodAutoscaler", "php-apache") == _lines(63, [
        ("Name:", "php-apache"),
        ("Namespace:", "default"),
        ("Labels:", "<none>"),
        ("Annotations:", "<none>"),
        ("CreationTimestamp:", T0),
        ("Reference:", "Deployment/php-apache"),
        ("Metrics:", "( current / target )"),
        ("  resource cpu on pods  (as a percentage of request):", "65% (130m) / 50%"),
        ("  resource memory on pods:", "104857600 / 200Mi"),  # a plain number stays DecimalSI
        ('  "packets-per-second" on pods:', "900 / 1k"),
        ('  "requests-per-second" on Ingress/main-route (target value):', "12k / 10k"),
        ('  "queue_messages_ready" (target average value):', "<unknown> / 30"),
        ("Min replicas:", "1"),
        ("Max replicas:", "10"),
    ]) + (
        "Behavior:\n"
        "  Scale Up:\n"
        "    Stabilization Window: 0 seconds\n"
        "    Select Policy: Max\n"
        "    Policies:\n"
        "      - Type: Pods     Value: 4    Period: 15 seconds\n"
        "      - Type: Percent  Value: 100  Period: 15 seconds\n"
        "  Scale Down:\n"
        "    Stabilization Window: 300 seconds\n"
        "    Select Policy: Max\n"
        "    Policies:\n"
        # the last policy line and the replica counts share a tabwriter block
        "      - Type: Percent  Value: 100  Period: 15 seconds\n"
        "Deployment pods:       2 current / 3 desired\n"
        "Conditions:\n"
        "  Type            Status  Reason              Message\n"
        "  ----            ------  ------              -------\n"
        "  AbleToScale     True    SucceededRescale    the HPA controller was able to update the target scale to 3\n"
        "  ScalingActive   True    ValidMetricFound    the HPA was able to successfully calculate a replica count "
        "from cpu resource utilization (percentage of request)\n"
        "  ScalingLimited  False   DesiredWithinRange  the desired count is within the acceptable range\n"
        "Events:\n"
        "  Type    Reason             Age   From                       Message\n"
        "  ----    ------             ----  ----                       -------\n"
        "  Normal  SuccessfulRescale  90s   horizontal-pod-autoscaler  New size: 3; reason: cpu resource "
        "utilization (percentage of request) above target\n"
    )


def test_hpa_v1_is_described_as_autoscaling_v2_serves_it(c):
    conditions = [{"type": "AbleToScale", "status": "True", "lastTransitionTime": "2026-01-01T00:00:00Z",
                   "reason": "ReadyForNewScale", "message": "recommended size matches current size"}]
    hpa = c.store.create({
        "apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web", "namespace": "default", "annotations": {
            "autoscaling.alpha.kubernetes.io/conditions": json.dumps(conditions), "owner": "team-a"}},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                 "maxReplicas": 5, "targetCPUUtilizationPercentage": 50}})
    with_status(c, hpa, {"currentReplicas": 2, "desiredReplicas": 2, "currentCPUUtilizationPercentage": 30})
    # v1 has no average value: the converted current metric has none, which Quantity prints as <nil>
    assert text_of(c, "HorizontalPodAutoscaler", "web") == _lines(55, [
        ("Name:", "web"),
        ("Namespace:", "default"),
        ("Labels:", "<none>"),
        ("Annotations:", "owner: team-a"),
        ("CreationTimestamp:", T0),
        ("Reference:", "Deployment/web"),
        ("Metrics:", "( current / target )"),
        ("  resource cpu on pods  (as a percentage of request):", "30% (<nil>) / 50%"),
        ("Min replicas:", "1"),
        ("Max replicas:", "5"),
        ("Deployment pods:", "2 current / 2 desired"),
    ]) + (
        "Conditions:\n"
        "  Type         Status  Reason            Message\n"
        "  ----         ------  ------            -------\n"
        "  AbleToScale  True    ReadyForNewScale  recommended size matches current size\n"
        "Events:        <none>\n"
    )


def test_hpa_v1_without_target_gets_the_default_cpu_metric(c):
    c.store.create({
        "apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "api", "namespace": "default"},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "api"},
                 "minReplicas": 2, "maxReplicas": 4}})
    text = text_of(c, "HorizontalPodAutoscaler", "api")
    assert text.endswith(_lines(55, [
        ("  resource cpu on pods  (as a percentage of request):", "<unknown> / 80%"),
        ("Min replicas:", "2"),
        ("Max replicas:", "4"),
        ("StatefulSet pods:", "0 current / 0 desired"),
        ("Events:", "<none>"),
    ]))


def test_hpa_v1_round_trip_annotations(c):
    """The apiserver keeps what v1 cannot say in annotations; v2 reads them back: the other
    metrics come before the cpu target, the current metrics replace the status ones, and a
    behavior gets the v2 defaults for what it leaves out."""
    annotations = {
        "autoscaling.alpha.kubernetes.io/metrics": json.dumps(
            [{"type": "Pods", "pods": {"metricName": "qps", "targetAverageValue": "10"}}]),
        "autoscaling.alpha.kubernetes.io/current-metrics": json.dumps(
            [{"type": "Pods", "pods": {"metricName": "qps", "currentAverageValue": "7"}},
             {"type": "Resource", "resource": {"name": "cpu", "currentAverageUtilization": 40,
                                               "currentAverageValue": "40m"}}]),
        "autoscaling.alpha.kubernetes.io/behavior": json.dumps({"scaleDown": {"stabilizationWindowSeconds": 60}}),
    }
    hpa = c.store.create({
        "apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "qps", "namespace": "default", "annotations": annotations},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"},
                 "maxReplicas": 3, "targetCPUUtilizationPercentage": 60}})
    with_status(c, hpa, {"currentReplicas": 1, "desiredReplicas": 1, "currentCPUUtilizationPercentage": 40})
    assert text_of(c, "HorizontalPodAutoscaler", "qps") == _lines(55, [
        ("Name:", "qps"),
        ("Namespace:", "default"),
        ("Labels:", "<none>"),
        ("Annotations:", "<none>"),
        ("CreationTimestamp:", T0),
        ("Reference:", "Deployment/api"),
        ("Metrics:", "( current / target )"),
        ('  "qps" on pods:', "7 / 10"),
        ("  resource cpu on pods  (as a percentage of request):", "40% (40m) / 60%"),
        ("Min replicas:", "1"),
        ("Max replicas:", "3"),
    ]) + (
        "Behavior:\n"
        "  Scale Up:\n"
        "    Stabilization Window: 0 seconds\n"
        "    Select Policy: Max\n"
        "    Policies:\n"
        "      - Type: Pods     Value: 4    Period: 15 seconds\n"
        "      - Type: Percent  Value: 100  Period: 15 seconds\n"
        "  Scale Down:\n"
        "    Stabilization Window: 60 seconds\n"
        "    Select Policy: Max\n"
        "    Policies:\n"
        "      - Type: Percent  Value: 100  Period: 15 seconds\n"
        "Deployment pods:       1 current / 1 desired\n"
        "Events:                <none>\n"
    )


def test_go_quote():
    assert go_quote('a"b\\c\n\x01é') == '"a\\"b\\\\c\\n\\x01é"'


# ------------------------------------------------------------------- storage
def test_persistent_volume_claim_describe(c):
    pvc = c.store.create({
        "apiVersion": "v1", "kind": "PersistentVolumeClaim",
        "metadata": {"name": "task-pv-claim", "namespace": "default",
                     "annotations": {"pv.kubernetes.io/bind-completed": "yes",
                                     "pv.kubernetes.io/bound-by-controller": "yes"},
                     "finalizers": ["kubernetes.io/pvc-protection"]},
        "spec": {"storageClassName": "manual", "accessModes": ["ReadWriteOnce"],
                 "resources": {"requests": {"storage": "3Gi"}}, "volumeName": "task-pv-volume"}})
    with_status(c, pvc, {"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "10Gi"}})
    for name, claim in (("task-pv-pod", "task-pv-claim"), ("other", "other-claim")):
        c.store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
                        "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}],
                                 "volumes": [{"name": "storage", "persistentVolumeClaim": {"claimName": claim}}]}})

    assert text_of(c, "PersistentVolumeClaim", "task-pv-claim") == (
        "Name:          task-pv-claim\n"
        "Namespace:     default\n"
        "StorageClass:  manual\n"
        "Status:        Bound\n"
        "Volume:        task-pv-volume\n"
        "Labels:        <none>\n"
        "Annotations:   pv.kubernetes.io/bind-completed: yes\n"
        "               pv.kubernetes.io/bound-by-controller: yes\n"
        "Finalizers:    [kubernetes.io/pvc-protection]\n"
        "Capacity:      10Gi\n"
        "Access Modes:  RWO\n"
        "VolumeMode:    Filesystem\n"
        "Used By:       task-pv-pod\n"
        "Events:        <none>\n"
    )


def test_pending_claim_with_conditions_and_events(c):
    pvc = c.store.create({
        "apiVersion": "v1", "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data", "namespace": "default"},
        "spec": {"accessModes": ["ReadWriteOnce", "ReadOnlyMany", "ReadWriteOnce"],
                 "resources": {"requests": {"storage": "1Gi"}}, "storageClassName": "fast"}})
    pvc = with_status(c, pvc, {"phase": "Pending", "conditions": [{
        "type": "FileSystemResizePending", "status": "True", "lastTransitionTime": "2026-01-01T00:01:00Z",
        "message": "Waiting for user to (re-)start a pod to finish file system resize of volume on node."}]})
    EventRecorder(c.store, "persistentvolume-controller").record(
        pvc, "Normal", "WaitForFirstConsumer", "waiting for first consumer to be created before binding")
    c.advance_sync(20)
    assert text_of(c, "PersistentVolumeClaim", "data") == (
        "Name:          data\n"
        "Namespace:     default\n"
        "StorageClass:  fast\n"
        "Status:        Pending\n"
        "Volume:        \n"
        "Labels:        <none>\n"
        "Annotations:   <none>\n"
        "Finalizers:    [kubernetes.io/pvc-protection]\n"
        "Capacity:      \n"
        "Access Modes:  \n"
        "VolumeMode:    Filesystem\n"
        "Used By:       <none>\n"
        "Conditions:\n"
        "  Type                      Status  LastProbeTime                     LastTransitionTime"
        "                Reason  Message\n"
        "  ----                      ------  -----------------                 ------------------"
        "                ------  -------\n"
        "  FileSystemResizePending   True    Mon, 01 Jan 0001 00:00:00 +0000   Thu, 01 Jan 2026 00:01:00 +0000"
        "           Waiting for user to (re-)start a pod to finish file system resize of volume on node.\n"
        "Events:\n"
        "  Type    Reason                Age   From                         Message\n"
        "  ----    ------                ----  ----                         -------\n"
        "  Normal  WaitForFirstConsumer  20s   persistentvolume-controller  "
        "waiting for first consumer to be created before binding\n"
    )


def test_persistent_volume_describe(c):
    pv = c.store.create({
        "apiVersion": "v1", "kind": "PersistentVolume",
        "metadata": {"name": "task-pv-volume", "labels": {"type": "local"},
                     "annotations": {"pv.kubernetes.io/bound-by-controller": "yes"},
                     "finalizers": ["kubernetes.io/pv-protection"]},
        "spec": {"storageClassName": "manual", "capacity": {"storage": "10Gi"}, "accessModes": ["ReadWriteOnce"],
                 "hostPath": {"path": "/mnt/data", "type": "DirectoryOrCreate"},
                 "claimRef": {"kind": "PersistentVolumeClaim", "namespace": "default", "name": "task-pv-claim"},
                 "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                     {"key": "kubernetes.io/hostname", "operator": "In", "values": ["k9play-worker"]},
                     {"key": "disktype", "operator": "Exists"}]}]}}}})
    with_status(c, pv, {"phase": "Bound"})

    assert text_of(c, "PersistentVolume", "task-pv-volume", None) == (
        "Name:              task-pv-volume\n"
        "Labels:            type=local\n"
        "Annotations:       pv.kubernetes.io/bound-by-controller: yes\n"
        "Finalizers:        [kubernetes.io/pv-protection]\n"
        "StorageClass:      manual\n"
        "Status:            Bound\n"
        "Claim:             default/task-pv-claim\n"
        "Reclaim Policy:    Retain\n"
        "Access Modes:      RWO\n"
        "VolumeMode:        Filesystem\n"
        "Capacity:          10Gi\n"
        "Node Affinity:     \n"
        "  Required Terms:  \n"
        "    Term 0:        kubernetes.io/hostname in [k9play-worker]\n"
        "                   disktype exists\n"
        "Message:           \n"
        "Source:\n"
        "    Type:          HostPath (bare host directory volume)\n"
        "    Path:          /mnt/data\n"
        "    HostPathType:  DirectoryOrCreate\n"
        "Events:            <none>\n"
    )


def test_csi_and_nfs_volume_sources(c):
    c.store.create({
        "apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "csi-vol"},
        "spec": {"capacity": {"storage": "5Gi"}, "accessModes": ["ReadWriteMany", "ReadWriteOncePod"],
                 "persistentVolumeReclaimPolicy": "Delete",
                 "csi": {"driver": "hostpath.csi.k8s.io", "volumeHandle": "vol-1", "fsType": "ext4",
                         "volumeAttributes": {"storage.kubernetes.io/csiProvisionerIdentity": "1-8081", "tier": "a"}}}})
    c.store.create({
        "apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "nfs-vol"},
        "spec": {"capacity": {"storage": "1Ti"}, "accessModes": ["ReadOnlyMany"],
                 "nfs": {"server": "nfs.example.com", "path": "/exports", "readOnly": True}}})
    csi = text_of(c, "PersistentVolume", "csi-vol", None)
    assert ("Access Modes:    RWX,RWOP\n"
            "VolumeMode:      Filesystem\n"
            "Capacity:        5Gi\n"
            "Node Affinity:   <none>\n"
            "Message:         \n"
            "Source:\n"
            "    Type:              CSI (a Container Storage Interface (CSI) volume source)\n"
            "    Driver:            hostpath.csi.k8s.io\n"
            "    FSType:            ext4\n"
            "    VolumeHandle:      vol-1\n"
            "    ReadOnly:          false\n"
            # every Write at LEVEL_2 indents by four spaces, the attribute values too
            "    VolumeAttributes:      storage.kubernetes.io/csiProvisionerIdentity=1-8081\n"
            "                           tier=a\n"
            "Events:                <none>\n") in csi
    nfs = text_of(c, "PersistentVolume", "nfs-vol", None)
    assert ("Source:\n"
            "    Type:      NFS (an NFS mount that lasts the lifetime of a pod)\n"
            "    Server:    nfs.example.com\n"
            "    Path:      /exports\n"
            "    ReadOnly:  true\n"
            "Events:        <none>\n") in nfs
    assert "Status:          Pending\nClaim:           \n" in nfs


def test_storage_class_describe(c):
    c.store.create({
        "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
        "metadata": {"name": "standard", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
        "provisioner": "rancher.io/local-path", "reclaimPolicy": "Delete",
        "volumeBindingMode": "WaitForFirstConsumer", "mountOptions": ["debug"],
        "allowedTopologies": [{"matchLabelExpressions": [
            {"key": "topology.kubernetes.io/zone", "values": ["us-east-1a", "us-east-1b"]}]}]})
    assert text_of(c, "StorageClass", "standard", None) == (
        "Name:                  standard\n"
        "IsDefaultClass:        Yes\n"
        "Annotations:           storageclass.kubernetes.io/is-default-class=true\n"
        "Provisioner:           rancher.io/local-path\n"
        "Parameters:            <none>\n"
        "AllowVolumeExpansion:  <unset>\n"
        "MountOptions:\n"
        "  debug\n"
        "ReclaimPolicy:      Delete\n"
        "VolumeBindingMode:  WaitForFirstConsumer\n"
        "AllowedTopologies:  \n"
        "  Term 0:           topology.kubernetes.io/zone in [us-east-1a, us-east-1b]\n"
        "Events:             <none>\n"
    )


# ---------------------------------------------------------------- networking
def test_ingress_describe(c):
    c.store.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "default"},
                    "spec": {"selector": {"app": "web"},
                             "ports": [{"name": "http", "port": 80, "targetPort": 8080}]}})
    c.store.create({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                    "metadata": {"name": "web-x9k2c", "namespace": "default",
                                 "labels": {"kubernetes.io/service-name": "web"}},
                    "addressType": "IPv4", "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
                    "endpoints": [{"addresses": ["10.244.1.5"], "conditions": {"ready": True}},
                                  {"addresses": ["10.244.2.7"], "conditions": {"ready": True}}]})
    ing = c.store.create({
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": {"name": "web", "namespace": "default",
                     "annotations": {"nginx.ingress.kubernetes.io/rewrite-target": "/"}},
        "spec": {"ingressClassName": "nginx",
                 "tls": [{"hosts": ["foo.example.com"], "secretName": "foo-tls"}],
                 "rules": [
                     {"host": "foo.example.com", "http": {"paths": [
                         {"path": "/", "pathType": "Prefix",
                          "backend": {"service": {"name": "web", "port": {"number": 80}}}},
                         {"path": "/api", "pathType": "Prefix",
                          "backend": {"service": {"name": "api", "port": {"name": "http"}}}}]}},
                     {"http": {"paths": [
                         {"path": "/static", "pathType": "Prefix", "backend": {"resource": {
                             "apiGroup": "k8s.example.com", "kind": "StorageBucket", "name": "static-assets"}}}]}},
                 ]}})
    with_status(c, ing, {"loadBalancer": {"ingress": [{"hostname": "lb.example.com"}, {"ip": "172.18.0.2"},
                                                      {"ip": "172.18.0.2"}]}})

    # the Rules table's first column runs on into the Annotations and Events lines
    assert text_of(c, "Ingress", "web") == (
        "Name:             web\n"
        "Labels:           <none>\n"
        "Namespace:        default\n"
        "Address:          172.18.0.2,lb.example.com\n"
        "Ingress Class:    nginx\n"
        "Default backend:  <default>\n"
        "TLS:\n"
        "  foo-tls terminates foo.example.com\n"
        "Rules:\n"
        "  Host             Path  Backends\n"
        "  ----             ----  --------\n"
        "  foo.example.com  \n"
        "                   /      web:80 (10.244.1.5:8080,10.244.2.7:8080)\n"
        "                   /api   api:http (<error: services \"api\" not found>)\n"
        "  *                \n"
        "                   /static   APIGroup: k8s.example.com, Kind: StorageBucket, Name: static-assets\n"
        "Annotations:       nginx.ingress.kubernetes.io/rewrite-target: /\n"
        "Events:            <none>\n"
    )


def test_ingress_with_only_a_default_backend(c):
    c.store.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "fallback", "namespace": "default"},
                    "spec": {"ports": [{"port": 8080}]}})
    c.store.create({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                    "metadata": {"name": "catch-all", "namespace": "default"},
                    "spec": {"defaultBackend": {"service": {"name": "fallback", "port": {"number": 8080}}}}})
    assert text_of(c, "Ingress", "catch-all") == (
        "Name:             catch-all\n"
        "Labels:           <none>\n"
        "Namespace:        default\n"
        "Address:          \n"
        "Ingress Class:    <none>\n"
        "Default backend:  fallback:8080 (<none>)\n"
        "Rules:\n"
        "  Host        Path  Backends\n"
        "  ----        ----  --------\n"
        "  *           *     fallback:8080 (<none>)\n"
        "Annotations:  <none>\n"
        "Events:       <none>\n"
    )


def test_ingress_class_describe(c):
    c.store.create({
        "apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
        "metadata": {"name": "nginx", "labels": {"app.kubernetes.io/component": "controller"},
                     "annotations": {"ingressclass.kubernetes.io/is-default-class": "true"}},
        "spec": {"controller": "k8s.io/ingress-nginx",
                 "parameters": {"apiGroup": "k8s.example.com", "kind": "IngressParameters", "name": "external-lb"}}})
    assert text_of(c, "IngressClass", "nginx", None) == (
        "Name:         nginx\n"
        "Labels:       app.kubernetes.io/component=controller\n"
        "Annotations:  ingressclass.kubernetes.io/is-default-class: true\n"
        "Controller:   k8s.io/ingress-nginx\n"
        "Parameters:\n"
        "  APIGroup:  k8s.example.com\n"
        "  Kind:      IngressParameters\n"
        "  Name:      external-lb\n"
        "Events:      <none>\n"
    )


def test_endpoints_describe(c):
    c.store.create({
        "apiVersion": "v1", "kind": "Endpoints",
        "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
        "subsets": [{"addresses": [{"ip": "10.244.1.5"}, {"ip": "10.244.2.7"}],
                     "notReadyAddresses": [{"ip": "10.244.2.9"}],
                     "ports": [{"name": "http", "port": 8080, "protocol": "TCP"},
                               {"port": 9090, "protocol": "TCP"}]}]})
    assert text_of(c, "Endpoints", "web") == (
        "Name:         web\n"
        "Namespace:    default\n"
        "Labels:       app=web\n"
        "Annotations:  <none>\n"
        "Subsets:\n"
        "  Addresses:          10.244.1.5,10.244.2.7\n"
        "  NotReadyAddresses:  10.244.2.9\n"
        "  Ports:\n"
        "    Name     Port  Protocol\n"
        "    ----     ----  --------\n"
        "    http     8080  TCP\n"
        "    <unset>  9090  TCP\n"
        "\n"
        "Events:  <none>\n"
    )


def test_endpoint_slice_describe(c):
    c.store.create({
        "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {"name": "web-abc12", "namespace": "default",
                     "labels": {"kubernetes.io/service-name": "web",
                                "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io"}},
        "addressType": "IPv4", "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
        "endpoints": [
            {"addresses": ["10.244.1.5"], "conditions": {"ready": True, "serving": True, "terminating": False},
             "nodeName": "k9play-worker", "targetRef": {"kind": "Pod", "name": "web-1", "namespace": "default"}},
            {"addresses": ["10.244.2.7"], "conditions": {"ready": False}, "hostname": "web-2"},
        ]})
    assert text_of(c, "EndpointSlice", "web-abc12") == (
        "Name:         web-abc12\n"
        "Namespace:    default\n"
        "Labels:       endpointslice.kubernetes.io/managed-by=endpointslice-controller.k8s.io\n"
        "              kubernetes.io/service-name=web\n"
        "Annotations:  <none>\n"
        "AddressType:  IPv4\n"
        "Ports:\n"
        "  Name  Port  Protocol\n"
        "  ----  ----  --------\n"
        "  http  8080  TCP\n"
        "Endpoints:\n"
        "  - Addresses:  10.244.1.5\n"
        "    Conditions:\n"
        "      Ready:    true\n"
        "    Hostname:   <unset>\n"
        "    TargetRef:  Pod/web-1\n"
        "    NodeName:   k9play-worker\n"
        "    Zone:       <unset>\n"
        "  - Addresses:  10.244.2.7\n"
        "    Conditions:\n"
        "      Ready:   false\n"
        "    Hostname:  web-2\n"
        "    NodeName:  <unset>\n"
        "    Zone:      <unset>\n"
        "Events:        <none>\n"
    )


def test_network_policy_describe(c):
    c.store.create({
        "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
        "metadata": {"name": "test-network-policy", "namespace": "default"},
        "spec": {
            "podSelector": {"matchLabels": {"role": "db"}},
            "policyTypes": ["Ingress", "Egress"],
            "ingress": [
                {"from": [{"ipBlock": {"cidr": "172.17.0.0/16", "except": ["172.17.1.0/24"]}},
                          {"namespaceSelector": {"matchLabels": {"project": "myproject"}}},
                          {"podSelector": {"matchLabels": {"role": "frontend"}}}],
                 "ports": [{"protocol": "TCP", "port": 6379}]},
                {},
            ],
            "egress": [
                {"to": [{"ipBlock": {"cidr": "10.0.0.0/24"}}], "ports": [{"protocol": "TCP", "port": 5978}]},
                {"to": [{"namespaceSelector": {"matchLabels": {"team": "ops"}},
                         "podSelector": {"matchExpressions": [{"key": "tier", "operator": "In",
                                                               "values": ["cache", "api"]}]}}],
                 "ports": [{"port": 32000, "endPort": 32768}, {"protocol": "UDP"}]},
            ],
        }})
    assert text_of(c, "NetworkPolicy", "test-network-policy") == (
        "Name:         test-network-policy\n"
        "Namespace:    default\n"
        "Created on:   2026-01-01 00:00:00 +0000 UTC\n"
        "Labels:       <none>\n"
        "Annotations:  <none>\n"
        "Spec:\n"
        "  PodSelector:     role=db\n"
        "  Allowing ingress traffic:\n"
        "    To Port: 6379/TCP\n"
        "    From:\n"
        "      IPBlock:\n"
        "        CIDR: 172.17.0.0/16\n"
        "        Except: 172.17.1.0/24\n"
        "    From:\n"
        "      NamespaceSelector: project=myproject\n"
        "    From:\n"
        "      PodSelector: role=frontend\n"
        "    ----------\n"
        "    To Port: <any> (traffic allowed to all ports)\n"
        "    From: <any> (traffic not restricted by source)\n"
        "  Allowing egress traffic:\n"
        "    To Port: 5978/TCP\n"
        "    To:\n"
        "      IPBlock:\n"
        "        CIDR: 10.0.0.0/24\n"
        "        Except: \n"
        "    ----------\n"
        "    To Port Range: 32000-32768/TCP\n"
        "    To Port: <nil>/UDP\n"
        "    To:\n"
        "      NamespaceSelector: team=ops\n"
        "      PodSelector: tier in (api,cache)\n"
        "  Policy Types: Ingress, Egress\n"
    )


def test_network_policy_isolating_everything(c):
    c.store.create({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                    "metadata": {"name": "deny-all", "namespace": "default"},
                    "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}})
    assert text_of(c, "NetworkPolicy", "deny-all").endswith(
        "Spec:\n"
        "  PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)\n"
        "  Allowing ingress traffic:\n"
        "    <none> (Selected pods are isolated for ingress connectivity)\n"
        "  Not affecting egress traffic\n"
        "  Policy Types: Ingress\n"
    )


# -------------------------------------------------------------------- policy
def test_pod_disruption_budget_describe(c):
    pdb = c.store.create({
        "apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
        "metadata": {"name": "zk-pdb", "namespace": "default"},
        "spec": {"minAvailable": 2, "selector": {"matchLabels": {"app": "zookeeper"}}}})
    pdb = with_status(c, pdb, {"disruptionsAllowed": 1, "currentHealthy": 3, "desiredHealthy": 2,
                               "expectedPods": 3, "observedGeneration": 1})
    EventRecorder(c.store, "controllermanager").record(pdb, "Normal", "NoPods", "No matching pods found")
    c.advance_sync(3)
    assert text_of(c, "PodDisruptionBudget", "zk-pdb") == (
        "Name:           zk-pdb\n"
        "Namespace:      default\n"
        "Min available:  2\n"
        "Selector:       app=zookeeper\n"
        "Status:\n"
        "    Allowed disruptions:  1\n"
        "    Current:              3\n"
        "    Desired:              2\n"
        "    Total:                3\n"
        "Events:\n"
        "  Type    Reason  Age   From               Message\n"
        "  ----    ------  ----  ----               -------\n"
        "  Normal  NoPods  3s    controllermanager  No matching pods found\n"
    )


def test_pod_disruption_budget_with_max_unavailable(c):
    c.store.create({
        "apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "web", "namespace": "default"},
        "spec": {"maxUnavailable": "50%", "selector": {}}})
    assert text_of(c, "PodDisruptionBudget", "web").startswith(
        "Name:             web\n"
        "Namespace:        default\n"
        "Max unavailable:  50%\n"
        "Selector:         <none>\n"
        "Status:\n"
        "    Allowed disruptions:  0\n"
    )


def test_priority_class_describe(c):
    c.store.create({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
                    "metadata": {"name": "high-priority"}, "value": 1000000, "globalDefault": False,
                    "preemptionPolicy": "Never",
                    "description": "This priority class should be used for XYZ service pods only."})
    assert text_of(c, "PriorityClass", "high-priority", None) == (
        "Name:              high-priority\n"
        "Value:             1000000\n"
        "GlobalDefault:     false\n"
        "PreemptionPolicy:  Never\n"
        "Description:       This priority class should be used for XYZ service pods only.\n"
        "Annotations:       <none>\n"
        "Events:            <none>\n"
    )


def test_resource_quota_describe(c):
    hard = {"requests.cpu": "1", "requests.memory": "1Gi", "limits.cpu": "2", "limits.memory": "2Gi", "pods": "4"}
    quota = c.store.create({"apiVersion": "v1", "kind": "ResourceQuota",
                            "metadata": {"name": "compute-resources", "namespace": "default"},
                            "spec": {"hard": hard, "scopes": ["NotTerminating"]}})
    with_status(c, quota, {"hard": hard, "used": {"requests.cpu": "500m", "requests.memory": "300M",
                                                  "limits.memory": "0", "pods": "1"}})
    # a used quantity in another format than the hard one is re-made in the hard one's format:
    # 300M as BinarySI has no binary suffix that fits, so it prints in full
    assert text_of(c, "ResourceQuota", "compute-resources") == (
        "Name:       compute-resources\n"
        "Namespace:  default\n"
        "Scopes:     NotTerminating\n"
        " * Matches all pods that do not have an active deadline. These pods usually include long running pods "
        "whose container command is not expected to terminate.\n"
        "Resource         Used       Hard\n"
        "--------         ----       ----\n"
        "limits.cpu       0          2\n"
        "limits.memory    0          2Gi\n"
        "pods             1          4\n"
        "requests.cpu     500m       1\n"
        "requests.memory  300000000  1Gi\n"
    )


def test_limit_range_describe(c):
    c.store.create({"apiVersion": "v1", "kind": "LimitRange",
                    "metadata": {"name": "cpu-resource-constraint", "namespace": "default"},
                    "spec": {"limits": [
                        {"type": "Container", "default": {"cpu": "500m"}, "defaultRequest": {"cpu": "500m"},
                         "max": {"cpu": "1"}, "min": {"cpu": "100m"}},
                        {"type": "Pod", "max": {"memory": "2Gi"}, "maxLimitRequestRatio": {"memory": "2"}}]}})
    assert text_of(c, "LimitRange", "cpu-resource-constraint") == (
        "Name:       cpu-resource-constraint\n"
        "Namespace:  default\n"
        "Type        Resource  Min   Max  Default Request  Default Limit  Max Limit/Request Ratio\n"
        "----        --------  ---   ---  ---------------  -------------  -----------------------\n"
        "Container   cpu       100m  1    500m             500m           -\n"
        "Pod         memory    -     2Gi  -                -              2\n"
    )


def test_role_describe(c):
    c.store.create({
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
        "metadata": {"name": "pod-reader", "namespace": "default"},
        "rules": [{"apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get", "watch", "list"]},
                  {"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get"]},
                  {"apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["app-config"],
                   "verbs": ["get", "update"]}]})
    # rows sort by PolicyRule.String(), which starts with the verbs
    assert text_of(c, "Role", "pod-reader") == (
        "Name:         pod-reader\n"
        "Labels:       <none>\n"
        "Annotations:  <none>\n"
        "PolicyRule:\n"
        "  Resources         Non-Resource URLs  Resource Names  Verbs\n"
        "  ---------         -----------------  --------------  -----\n"
        "  configmaps        []                 [app-config]    [get update]\n"
        "  pods/log          []                 []              [get watch list]\n"
        "  pods              []                 []              [get watch list]\n"
        "  deployments.apps  []                 []              [get]\n"
    )


def test_cluster_role_with_non_resource_urls(c):
    c.store.create({
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
        "metadata": {"name": "cluster-admin", "labels": {"kubernetes.io/bootstrapping": "rbac-defaults"},
                     "annotations": {"rbac.authorization.kubernetes.io/autoupdate": "true"}},
        "rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
                  {"nonResourceURLs": ["*"], "verbs": ["*"]}]})
    assert text_of(c, "ClusterRole", "cluster-admin", None) == (
        "Name:         cluster-admin\n"
        "Labels:       kubernetes.io/bootstrapping=rbac-defaults\n"
        "Annotations:  rbac.authorization.kubernetes.io/autoupdate: true\n"
        "PolicyRule:\n"
        "  Resources  Non-Resource URLs  Resource Names  Verbs\n"
        "  ---------  -----------------  --------------  -----\n"
        "  *.*        []                 []              [*]\n"
        "             [*]                []              [*]\n"
    )


def test_rule_breakdown_and_compaction():
    rules = breakdown([{"apiGroups": ["", "apps"], "resources": ["deployments/scale"], "verbs": ["get", "patch"]},
                       {"apiGroups": [""], "resources": ["secrets"], "resourceNames": ["a", "b"], "verbs": ["get"]},
                       {"nonResourceURLs": ["/healthz"], "verbs": ["get", "head"]},
                       {"resources": ["pods"], "verbs": ["get"]}])  # no apiGroups: no rule at all
    assert len(rules) == 8
    compact = compact_rules(rules)
    fields = ("apiGroups", "resources", "resourceNames", "verbs", "nonResourceURLs")
    assert [tuple(r[f] for f in fields) for r in compact] == [
        ([], [], [], ["get"], ["/healthz"]),
        ([], [], [], ["head"], ["/healthz"]),
        ([""], ["deployments/scale"], [], ["get", "patch"], []),
        (["apps"], ["deployments/scale"], [], ["get", "patch"], []),
        ([""], ["secrets"], ["a"], ["get"], []),
        ([""], ["secrets"], ["b"], ["get"], []),
    ]
    assert combine_resource_group(["deployments/scale"], ["apps"]) == "deployments.apps/scale"
    assert combine_resource_group(["pods"], [""]) == "pods"
    assert combine_resource_group([], ["apps"]) == ""


def test_role_binding_describe(c):
    c.store.create({
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
        "metadata": {"name": "read-pods", "namespace": "default"},
        "subjects": [{"kind": "User", "name": "jane", "apiGroup": "rbac.authorization.k8s.io"},
                     {"kind": "ServiceAccount", "name": "builder", "namespace": "default"}],
        "roleRef": {"kind": "Role", "name": "pod-reader", "apiGroup": "rbac.authorization.k8s.io"}})
    assert text_of(c, "RoleBinding", "read-pods") == (
        "Name:         read-pods\n"
        "Labels:       <none>\n"
        "Annotations:  <none>\n"
        "Role:\n"
        "  Kind:  Role\n"
        "  Name:  pod-reader\n"
        "Subjects:\n"
        "  Kind            Name     Namespace\n"
        "  ----            ----     ---------\n"
        "  User            jane     \n"
        "  ServiceAccount  builder  default\n"
    )
