"""The apiserver's own endpoints: ``default/kubernetes`` Endpoints and EndpointSlice.

The ``kubernetes`` Service has no selector; kube-apiserver's endpoint reconciler
(``pkg/controlplane/reconcilers``, the lease reconciler, with ``endpointsadapter.go`` writing
the slice) keeps its Endpoints and an EndpointSlice of the same name pointing at the
apiserver: the control-plane node's address, port 6443 named ``https``. The Endpoints carry
``endpointslice.kubernetes.io/skip-mirror: "true"`` so the mirroring controller leaves them
alone. Both are recreated if deleted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from k9play.api import errors
from k9play.api.meta import copy_obj, labels_of, name_of
from k9play.clock import derived_rng, drawing_from
from k9play.controllers.base import Controller
from k9play.controllers.endpoints_util import SERVICE_NAME_LABEL

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore, WatchEvent

Obj = dict[str, Any]

NAME, NAMESPACE = "kubernetes", "default"
SECURE_PORT = 6443
CONTROL_PLANE_LABEL = "node-role.kubernetes.io/control-plane"
KEY = f"{NAMESPACE}/{NAME}"


class KubernetesServiceController(Controller):
    name = "kubernetes-service"
    component = "kube-apiserver"

    def __init__(self, store: ObjectStore) -> None:
        super().__init__(store)
        self.rng = derived_rng(self.clock, "apiserver-endpoints")

    def start(self) -> None:
        self.watch("Node", self._node_keys)
        for kind in ("Endpoints", "EndpointSlice", "Service"):
            self.watch(kind, lambda ev: (KEY,) if name_of(ev.object) == NAME
                       and ev.object["metadata"].get("namespace") == NAMESPACE else ())
        self.queue.add(KEY)

    def _node_keys(self, ev: WatchEvent) -> tuple[str, ...]:
        return (KEY,) if CONTROL_PLANE_LABEL in labels_of(ev.object) else ()

    def apiserver_ip(self) -> str | None:
        for node in self.store.list("Node"):
            if CONTROL_PLANE_LABEL not in labels_of(node):
                continue
            for a in (node.get("status") or {}).get("addresses") or []:
                if a.get("type") == "InternalIP":
                    return str(a["address"])
        return None

    def reconcile(self, key: str) -> float | None:
        ip = self.apiserver_ip()
        if ip is None or self.store.try_get("Service", NAME, NAMESPACE) is None:
            return None
        port = {"name": "https", "port": SECURE_PORT, "protocol": "TCP"}
        self._ensure({"apiVersion": "v1", "kind": "Endpoints",
                      "metadata": {"name": NAME, "namespace": NAMESPACE,
                                   "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}},
                      "subsets": [{"addresses": [{"ip": ip}], "ports": [port]}]})
        self._ensure({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                      "metadata": {"name": NAME, "namespace": NAMESPACE, "labels": {SERVICE_NAME_LABEL: NAME}},
                      "addressType": "IPv4",
                      "endpoints": [{"addresses": [ip], "conditions": {"ready": True}}],
                      "ports": [port]})
        return None

    def _ensure(self, want: Obj) -> None:
        current = self.store.try_get(want["kind"], NAME, NAMESPACE)
        try:
            if current is None:
                with drawing_from(self.clock, self.rng):
                    self.store.create(want)
                return
            new = copy_obj(current)
            for k, v in want.items():
                if k != "metadata":
                    new[k] = v
            new["metadata"]["labels"] = want["metadata"]["labels"]
            self.store.update(new)
        except errors.ApiError as e:
            if e.code not in (403, 409):
                raise
