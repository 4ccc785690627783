"""The simulated kube-controller-manager: one level-triggered controller per file."""
