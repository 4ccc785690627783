"""EndpointSliceMirroringController: EndpointSlices for hand-written Endpoints.

A port of ``pkg/controller/endpointslicemirroring`` (Kubernetes v1.34): a Service without a
selector gets its endpoints from an ``Endpoints`` object someone wrote; this controller mirrors
it into EndpointSlices, which is what kube-proxy and CoreDNS read. One slice per subset
(addresses ``ready: true``, notReadyAddresses ``ready: false``), named ``<endpoints>-<5 chars>``,
labelled like the Endpoints plus ``kubernetes.io/service-name`` and
``endpointslice.kubernetes.io/managed-by: endpointslicemirroring-controller.k8s.io``, owned by
the Endpoints. Endpoints of Services with a selector, of no Service, or labelled
``endpointslice.kubernetes.io/skip-mirror: "true"`` are not mirrored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from k9play.api import errors
from k9play.api.meta import copy_obj, key_of, labels_of, name_of, namespace_of, owner_reference, split_key
from k9play.api.selectors import selector_from_labels
from k9play.clock import derived_rng, drawing_from
from k9play.controllers.base import Controller
from k9play.controllers.endpoints_util import MANAGED_BY_LABEL, SERVICE_NAME_LABEL, TRIGGER_TIME_ANNOTATION

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore, WatchEvent

Obj = dict[str, Any]

CONTROLLER_NAME = "endpointslicemirroring-controller.k8s.io"
SKIP_MIRROR_LABEL = "endpointslice.kubernetes.io/skip-mirror"
MAX_ENDPOINTS = 1000


class EndpointSliceMirroringController(Controller):
    name = "endpointslicemirroring"
    component = "endpointslicemirroring-controller"

    def __init__(self, store: ObjectStore) -> None:
        super().__init__(store)
        self.rng = derived_rng(self.clock, "endpointslicemirroring")

    def start(self) -> None:
        self.watch("Endpoints", lambda ev: (key_of(ev.object),))
        self.watch("Service", lambda ev: (key_of(ev.object),))
        self.watch("EndpointSlice", self._slice_keys)
        self.enqueue_all("Endpoints")

    def _slice_keys(self, ev: WatchEvent) -> tuple[str, ...]:
        labels = labels_of(ev.object)
        if labels.get(MANAGED_BY_LABEL) != CONTROLLER_NAME:
            return ()
        return (f"{namespace_of(ev.object)}/{labels.get(SERVICE_NAME_LABEL, '')}",)

    def reconcile(self, key: str) -> float | None:
        ns, name = split_key(key)
        ep = self.store.try_get("Endpoints", name, ns)
        svc = self.store.try_get("Service", name, ns)
        existing = self.store.list("EndpointSlice", ns, selector_from_labels(
            {SERVICE_NAME_LABEL: name, MANAGED_BY_LABEL: CONTROLLER_NAME}))
        mirror = ep is not None and svc is not None and (svc.get("spec") or {}).get("selector") is None \
            and labels_of(ep).get(SKIP_MIRROR_LABEL) != "true"
        desired = _desired(ep) if mirror and ep is not None else []
        for have, want in zip(existing, desired, strict=False):
            new = copy_obj(have)
            new["metadata"]["labels"] = want["metadata"]["labels"]
            _set_annotation(new, want)
            for field in ("ports", "endpoints"):
                if field in want:
                    new[field] = want[field]
                else:
                    new.pop(field, None)
            self.store.update(new)
        with drawing_from(self.clock, self.rng):
            for want in desired[len(existing):]:
                try:
                    self.store.create(want)
                except errors.ApiError as e:
                    if e.code != 403:
                        raise
        for gone in existing[len(desired):]:
            try:
                self.store.delete("EndpointSlice", name_of(gone), ns)
            except errors.ApiError as e:
                if e.code != 404:
                    raise
        return None


def _set_annotation(new: Obj, want: Obj) -> None:
    anns = dict(new["metadata"].get("annotations") or {})
    anns.pop(TRIGGER_TIME_ANNOTATION, None)
    anns.update(want["metadata"].get("annotations") or {})
    if anns:
        new["metadata"]["annotations"] = anns
    else:
        new["metadata"].pop("annotations", None)


def _desired(ep: Obj) -> list[Obj]:
    """One slice per subset, at most 1000 addresses in all (the rest is not mirrored)."""
    labels = {k: v for k, v in labels_of(ep).items() if k not in (SERVICE_NAME_LABEL, MANAGED_BY_LABEL)}
    labels[SERVICE_NAME_LABEL] = name_of(ep)
    labels[MANAGED_BY_LABEL] = CONTROLLER_NAME
    trigger = (ep["metadata"].get("annotations") or {}).get(TRIGGER_TIME_ANNOTATION)
    budget = MAX_ENDPOINTS
    out = []
    for subset in ep.get("subsets") or []:
        endpoints = []
        for field, ready in (("addresses", True), ("notReadyAddresses", False)):
            for a in subset.get(field) or []:
                if budget <= 0:
                    break
                budget -= 1
                e: Obj = {"addresses": [a.get("ip", "")], "conditions": {"ready": ready}}
                if a.get("hostname"):
                    e["hostname"] = a["hostname"]
                if a.get("nodeName"):
                    e["nodeName"] = a["nodeName"]
                if a.get("targetRef"):
                    e["targetRef"] = copy_obj(a["targetRef"])
                endpoints.append(e)
        if not endpoints:
            continue
        ports = [{"name": p.get("name", ""), "port": p.get("port"), "protocol": p.get("protocol", "TCP"),
                  **({"appProtocol": p["appProtocol"]} if p.get("appProtocol") else {})}
                 for p in subset.get("ports") or []]
        s: Obj = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                  "metadata": {"generateName": f"{name_of(ep)}-", "namespace": namespace_of(ep),
                               "labels": dict(labels), "ownerReferences": [owner_reference(ep)]},
                  "addressType": "IPv4", "endpoints": endpoints}
        if ports:
            s["ports"] = ports
        if trigger:
            s["metadata"]["annotations"] = {TRIGGER_TIME_ANNOTATION: trigger}
        out.append(s)
    return out
