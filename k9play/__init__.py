"""k9play: a Kubernetes playground in the terminal, over a simulated in-process cluster."""

import logging

# the engine logs; nothing reaches the terminal (the TUI owns it) unless a face configures it
logging.getLogger("k9play").addHandler(logging.NullHandler())

__version__ = "0.1.0"

#: The Kubernetes version whose behaviour k9play simulates: v1.34.2 is the first v1.34 patch
#: release whose kube-scheduler keeps taint keys and values out of FailedScheduling messages
#: ("node(s) had untolerated taint(s)", #135023; v1.34.0 and v1.34.1 print the taint).
KUBERNETES_VERSION = "v1.34.2"
