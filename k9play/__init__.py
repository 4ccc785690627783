"""k9play: a Kubernetes playground in the terminal, over a simulated in-process cluster."""

__version__ = "0.1.0"

#: The Kubernetes version whose behaviour k9play simulates.
KUBERNETES_VERSION = "v1.34.0"
