"""k9play: a Kubernetes playground in the terminal, over a simulated in-process cluster."""

import logging

# the engine logs; nothing reaches the terminal (the TUI owns it) unless a face configures it
logging.getLogger("k9play").addHandler(logging.NullHandler())

__version__ = "0.1.0"

#: The Kubernetes version whose behaviour k9play simulates.
KUBERNETES_VERSION = "v1.34.0"
