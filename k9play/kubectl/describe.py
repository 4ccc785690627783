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
from k9play.kubectl.describe_core import (
    describe_config_map,
    describe_generic,
    describe_namespace,
    describe_secret,
    describe_service,
    describe_service_account,
)
from k9play.kubectl.describe_node import describe_node
from k9play.kubectl.describe_pod import describe_pod


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
