"""RootCACertPublisher: every namespace gets the ``kube-root-ca.crt`` ConfigMap."""

from __future__ import annotations

from k9play.api import errors
from k9play.api.meta import name_of
from k9play.controllers.base import Controller

#: A placeholder certificate: the simulated cluster has no real PKI.
SIMULATED_CA = (
    "-----BEGIN CERTIFICATE-----\n"
    "k9play simulated cluster CA (not a real certificate)\n"
    "-----END CERTIFICATE-----\n"
)


class RootCACertPublisher(Controller):
    name = "root-ca-cert-publisher"
    component = "root-ca-cert-publisher"

    def start(self) -> None:
        self.watch("Namespace", lambda ev: (name_of(ev.object),) if ev.type != "DELETED" else ())
        self.watch("ConfigMap", lambda ev: (ev.object["metadata"]["namespace"],)
                   if ev.type == "DELETED" and name_of(ev.object) == "kube-root-ca.crt" else ())
        self.enqueue_all("Namespace")

    def reconcile(self, key: str) -> float | None:
        ns = self.store.try_get("Namespace", key)
        if ns is None or ns["metadata"].get("deletionTimestamp"):
            return None
        if self.store.try_get("ConfigMap", "kube-root-ca.crt", key) is None:
            try:
                self.store.create({
                    "apiVersion": "v1", "kind": "ConfigMap",
                    "metadata": {"name": "kube-root-ca.crt", "namespace": key,
                                 "annotations": {"kubernetes.io/description": (
                                     "Contains a CA bundle that can be used to verify the kube-apiserver when "
                                     "using internal endpoints such as the internal service IP or "
                                     "kubernetes.default.svc. No other usage is guaranteed across distributions "
                                     "of Kubernetes clusters.")}},
                    "data": {"ca.crt": SIMULATED_CA},
                })
            except errors.ApiError:
                pass
        return None
