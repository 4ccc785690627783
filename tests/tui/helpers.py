"""Shared bits of the TUI tests: a small deployment manifest and a plain-text screen grab."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from textual.app import App

from k9play.api.meta import Obj


def nginx_deployment(name: str = "nginx", replicas: int = 3, image: str = "nginx:1.14.2") -> Obj:
    labels = {"app": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": dict(labels)},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": dict(labels)},
            "template": {
                "metadata": {"labels": dict(labels)},
                "spec": {"containers": [{"name": "nginx", "image": image, "ports": [{"containerPort": 80}]}]},
            },
        },
    }


def screen_text(app: App[Any]) -> str:
    """What the terminal shows right now, as plain text (the SVG export without the styling)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()
