"""``kubectl describe``: the text for one object, in kubectl v1.34's layout.

Kinds with a dedicated describer in kubectl and in k9play — Pod, Deployment, ReplicaSet,
ReplicationController, Node, Namespace, Service, ConfigMap, Secret, ServiceAccount — use
it; every other kind gets the generic describer (kubectl's fallback for kinds it has no
describer for). The per-kind code lives in ``describe_*.py``; the tabwriter, the
label/annotation printers and the Events table in :mod:`k9play.kubectl.describe_util`.
"""

from __future__ import annotations

from k9play.api.events import events_for
from k9play.api.meta import Obj, name_of
from k9play.api.store import ObjectStore
from k9play.kubectl.describe_apps import describe_deployment, describe_replica_set, describe_replication_controller
from k9play.kubectl.describe_batch import describe_cron_job, describe_job
from k9play.kubectl.describe_core import (
    describe_config_map,
    describe_generic,
    describe_namespace,
    describe_secret,
    describe_service,
    describe_service_account,
)
from k9play.kubectl.describe_net import (
    describe_endpoint_slice,
    describe_endpoints,
    describe_ingress,
    describe_ingress_class,
    describe_network_policy,
)
from k9play.kubectl.describe_node import describe_node
from k9play.kubectl.describe_pod import describe_pod
from k9play.kubectl.describe_policy import (
    describe_limit_range,
    describe_pod_disruption_budget,
    describe_priority_class,
    describe_resource_quota,
    describe_role,
    describe_role_binding,
)
from k9play.kubectl.describe_storage import (
    describe_persistent_volume,
    describe_persistent_volume_claim,
    describe_storage_class,
)
from k9play.kubectl.describe_workloads import describe_daemon_set, describe_hpa, describe_stateful_set

#: The describers of the other kinds kubectl has one for: ``fn(store, obj, events, now)``.
_DESCRIBERS = {
    "Job": describe_job,
    "CronJob": describe_cron_job,
    "DaemonSet": describe_daemon_set,
    "StatefulSet": describe_stateful_set,
    "HorizontalPodAutoscaler": describe_hpa,
    "PersistentVolume": describe_persistent_volume,
    "PersistentVolumeClaim": describe_persistent_volume_claim,
    "StorageClass": describe_storage_class,
    "Endpoints": describe_endpoints,
    "EndpointSlice": describe_endpoint_slice,
    "Ingress": describe_ingress,
    "IngressClass": describe_ingress_class,
    "NetworkPolicy": describe_network_policy,
    "PodDisruptionBudget": describe_pod_disruption_budget,
    "PriorityClass": describe_priority_class,
    "ResourceQuota": describe_resource_quota,
    "LimitRange": describe_limit_range,
    "Role": describe_role,
    "ClusterRole": describe_role,
    "RoleBinding": describe_role_binding,
    "ClusterRoleBinding": describe_role_binding,
}


def describe(store: ObjectStore, obj: Obj, now: float) -> str:
    """The describe text for one object, byte-for-byte in kubectl v1.34's layout."""
    kind = obj.get("kind", "")
    if kind == "Namespace":
        return describe_namespace(store, obj)
    if kind == "Secret":
        return describe_secret(obj)
    events = _events(store, obj)
    if kind == "Pod":
        return describe_pod(obj, events, now)
    if kind == "Deployment":
        return describe_deployment(store, obj, events, now)
    if kind == "ReplicaSet":
        return describe_replica_set(store, obj, events, now)
    if kind == "ReplicationController":
        return describe_replication_controller(store, obj, events, now)
    if kind == "Node":
        return describe_node(store, obj, events, now)
    if kind == "Service":
        return describe_service(store, obj, events, now)
    if kind == "ConfigMap":
        return describe_config_map(obj, events, now)
    if kind == "ServiceAccount":
        return describe_service_account(store, obj, events, now)
    if kind in _DESCRIBERS:
        return _DESCRIBERS[kind](store, obj, events, now)
    return describe_generic(obj, events, now)


def _events(store: ObjectStore, obj: Obj) -> list[Obj]:
    """Events about the object. For a node kubectl also asks for events whose involved
    object's uid is the node's name, which is how kubelets have historically recorded them."""
    events = events_for(store, obj)
    if obj.get("kind") == "Node":
        name = name_of(obj)
        seen = {id(e) for e in events}
        events += [e for e in store.list("Event", "default")
                   if id(e) not in seen and (e.get("involvedObject") or {}).get("kind") == "Node"
                   and (e.get("involvedObject") or {}).get("uid") == name]
    return events
