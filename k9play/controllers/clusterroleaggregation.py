"""ClusterRoleAggregationController: a ClusterRole with an ``aggregationRule`` gets the rules
of every ClusterRole its selectors match (``pkg/controller/clusterroleaggregation``).

Matching roles are taken in name order, the aggregating role itself skipped, and a rule is
added once (semantic equality); the role is written only when its rules change. This is how
``admin``/``edit``/``view`` get their rules, and how a user's ClusterRole labelled
``rbac.authorization.k8s.io/aggregate-to-view: "true"`` extends ``view``.
"""

from __future__ import annotations

from collections.abc import Iterable

from k9play.api import errors
from k9play.api.meta import Obj, copy_obj, labels_of, name_of
from k9play.api.selectors import selector_from_spec
from k9play.api.store import WatchEvent
from k9play.controllers.base import Controller


def _canonical(rule: Obj) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(rule.get(f) or ()) for f in ("verbs", "apiGroups", "resources", "resourceNames",
                                                       "nonResourceURLs"))


def aggregate_rules(role: Obj, roles: Iterable[Obj]) -> list[Obj]:
    """The rules ``role``'s aggregationRule selects from ``roles``."""
    out: list[Obj] = []
    seen: set[tuple[tuple[str, ...], ...]] = set()
    ordered = sorted(roles, key=name_of)
    for spec in (role.get("aggregationRule") or {}).get("clusterRoleSelectors") or []:
        selector = selector_from_spec(spec)
        for other in ordered:
            if name_of(other) == name_of(role) or not selector.matches(labels_of(other)):
                continue
            for rule in other.get("rules") or []:
                key = _canonical(rule)
                if key not in seen:
                    seen.add(key)
                    out.append(copy_obj(rule))
    return out


class ClusterRoleAggregationController(Controller):
    name = "clusterrole-aggregation"
    component = "clusterrole-aggregation-controller"

    def start(self) -> None:
        self.watch("ClusterRole", self._keys)
        self.enqueue_all("ClusterRole")

    def _keys(self, ev: WatchEvent) -> Iterable[str]:
        """Any ClusterRole change may change what an aggregating role selects."""
        if ev.old is not None and ev.type == "MODIFIED" and labels_of(ev.old) == labels_of(ev.object) \
                and ev.old.get("rules") == ev.object.get("rules") \
                and ev.old.get("aggregationRule") == ev.object.get("aggregationRule"):
            return ()
        return [name_of(r) for r in self.store.list("ClusterRole") if r.get("aggregationRule")]

    def reconcile(self, key: str) -> float | None:
        role = self.store.try_get("ClusterRole", key)
        if role is None or not role.get("aggregationRule"):
            return None
        rules = aggregate_rules(role, self.store.list("ClusterRole"))
        if rules == (role.get("rules") or []):
            return None
        new = copy_obj(role)
        new["rules"] = rules
        try:
            self.store.update(new)
        except errors.ApiError:
            self.queue.add_rate_limited(key)
        return None
