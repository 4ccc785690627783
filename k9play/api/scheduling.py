"""Placement rules shared by the scheduler, the DaemonSet controller and taint eviction:
taints and tolerations, node selectors and node affinity (``component-helpers``)."""

from __future__ import annotations

from typing import Any

Obj = dict[str, Any]


def tolerates(toleration: Obj, taint: Obj) -> bool:
    """``Toleration.ToleratesTaint``."""
    effect = toleration.get("effect") or ""
    if effect and effect != taint.get("effect"):
        return False
    key = toleration.get("key") or ""
    if key and key != taint.get("key"):
        return False
    op = toleration.get("operator") or "Equal"
    if op == "Exists":
        return True
    if op == "Equal":
        return (toleration.get("value") or "") == (taint.get("value") or "")
    return False


def untolerated_taint(taints: list[Obj], tolerations: list[Obj], effects: tuple[str, ...]) -> Obj | None:
    """The first taint with one of ``effects`` that no toleration tolerates."""
    for taint in taints:
        if taint.get("effect") not in effects:
            continue
        if not any(tolerates(t, taint) for t in tolerations):
            return taint
    return None


def _match_expression(expr: Obj, labels: dict[str, str]) -> bool:
    key, op = expr.get("key", ""), expr.get("operator", "")
    values = expr.get("values") or []
    if op == "In":
        return key in labels and labels[key] in values
    if op == "NotIn":
        return key not in labels or labels[key] not in values
    if op == "Exists":
        return key in labels
    if op == "DoesNotExist":
        return key not in labels
    if op in ("Gt", "Lt"):
        if key not in labels or len(values) != 1:
            return False
        try:
            have, want = int(labels[key]), int(values[0])
        except ValueError:
            return False
        return have > want if op == "Gt" else have < want
    return False


def term_matches(term: Obj, node: Obj) -> bool:
    """A ``NodeSelectorTerm``: all its expressions and fields match (an empty term matches nothing)."""
    exprs = term.get("matchExpressions") or []
    fields = term.get("matchFields") or []
    if not exprs and not fields:
        return False
    labels = node.get("metadata", {}).get("labels") or {}
    if not all(_match_expression(e, labels) for e in exprs):
        return False
    node_fields = {"metadata.name": node.get("metadata", {}).get("name", "")}
    return all(_match_expression(f, node_fields) for f in fields)


def node_selector_matches(selector: Obj | None, node: Obj) -> bool:
    """A ``NodeSelector`` is an OR of terms."""
    if selector is None:
        return True
    return any(term_matches(t, node) for t in selector.get("nodeSelectorTerms") or [])


def pod_matches_node_selector_and_affinity(pod: Obj, node: Obj) -> bool:
    """``nodeSelector`` and required node affinity, as the NodeAffinity filter checks them."""
    spec = pod.get("spec", {})
    labels = node.get("metadata", {}).get("labels") or {}
    for k, v in (spec.get("nodeSelector") or {}).items():
        if labels.get(k) != v:
            return False
    required = (((spec.get("affinity") or {}).get("nodeAffinity") or {})
                .get("requiredDuringSchedulingIgnoredDuringExecution"))
    if required is not None:
        return node_selector_matches(required, node)
    return True


def preferred_affinity_score(pod: Obj, node: Obj) -> int:
    """Sum of weights of the preferred node-affinity terms the node matches."""
    prefs = ((((pod.get("spec", {}).get("affinity") or {}).get("nodeAffinity") or {})
              .get("preferredDuringSchedulingIgnoredDuringExecution")) or [])
    return sum(int(p.get("weight", 0)) for p in prefs if term_matches(p.get("preference") or {}, node))
