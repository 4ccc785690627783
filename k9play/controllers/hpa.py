"""HorizontalPodAutoscalerController: placeholder, being implemented."""

from __future__ import annotations

from k9play.controllers.base import Controller


class HorizontalPodAutoscalerController(Controller):
    name = "hpa"
    component = "horizontal-pod-autoscaler"

    def start(self) -> None:
        """No watches yet."""

    def reconcile(self, key: str) -> float | None:
        return None
