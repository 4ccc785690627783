"""Manifest files and folders: loading with positions, apply/prune, watching."""
