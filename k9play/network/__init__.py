"""The simulated network: cluster DNS, kube-proxy, ingress-nginx routing and traffic.

Nothing here touches the host's network: a request is followed through Services,
EndpointSlices, Ingresses and the pods' listeners in the store and the kubelets, and the
serving container's behaviour model answers. See :mod:`k9play.network.network`.
"""

from k9play.network.network import EXTERNAL_CLIENT_IP, Client, Network
from k9play.network.proxy import PROXY_MODES, ProxyMode

__all__ = ["EXTERNAL_CLIENT_IP", "PROXY_MODES", "Client", "Network", "ProxyMode"]
