"""ReplicationManager: the ReplicaSet logic for ReplicationControllers (map selectors)."""

from __future__ import annotations

from k9play.api.meta import Obj
from k9play.api.selectors import LabelSelector, selector_from_labels
from k9play.controllers.replicaset import ReplicaSetController


class ReplicationManager(ReplicaSetController):
    name = "replicationcontroller"
    component = "replication-controller"
    kind = "ReplicationController"

    def selector(self, rs: Obj) -> LabelSelector:
        return selector_from_labels(rs.get("spec", {}).get("selector"))
