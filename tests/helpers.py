"""Shared test builders: small manifests written for k9play's tests (not copied from anywhere)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from k9play.cluster import Cluster

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus"


def deployment(name: str = "web", replicas: int = 3, image: str = "nginx:1.14.2", *,
               namespace: str | None = None, labels: dict[str, str] | None = None,
               strategy: dict[str, Any] | None = None, **spec: Any) -> dict[str, Any]:
    labels = labels or {"app": name}
    md: dict[str, Any] = {"name": name, "labels": dict(labels)}
    if namespace:
        md["namespace"] = namespace
    body: dict[str, Any] = {
        "replicas": replicas,
        "selector": {"matchLabels": dict(labels)},
        "template": {
            "metadata": {"labels": dict(labels)},
            "spec": {"containers": [{"name": "app", "image": image, "ports": [{"containerPort": 80}]}]},
        },
        **spec,
    }
    if strategy is not None:
        body["strategy"] = strategy
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": md, "spec": body}


def pod(name: str = "solo", image: str = "nginx:1.25", **spec: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"containers": [{"name": "main", "image": image}], **spec}}


def new_cluster(workers: int = 2) -> Cluster:
    return Cluster(workers=workers).start()
