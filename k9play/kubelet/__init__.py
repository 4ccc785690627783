"""Simulated kubelets and their container runtime."""
