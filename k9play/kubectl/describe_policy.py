"""``kubectl describe`` for policy objects: PodDisruptionBudgets, PriorityClasses,
ResourceQuotas, LimitRanges, Roles/ClusterRoles and RoleBindings/ClusterRoleBindings
(kubectl v1.34's ``describePodDisruptionBudgetV1``, ``describePriorityClass``,
``describeQuota``, ``describeLimitRange``, the Role/ClusterRole describers with
``rbac.BreakdownRule``/``CompactRules``, and the binding describers).

Quotas, limit ranges, roles and bindings have no Events section in kubectl.
"""

from __future__ import annotations

import math
from typing import Any

from k9play.api.meta import Obj, annotations_of, labels_of, name_of, namespace_of
from k9play.api.store import ObjectStore
from k9play.kubectl.describe_core import _QUOTA_SCOPE_HELP
from k9play.kubectl.describe_net import format_label_selector
from k9play.kubectl.describe_util import (
    LEVEL_0,
    LEVEL_1,
    LEVEL_2,
    PrefixWriter,
    describe_events,
    format_labels,
    format_quantity,
    go_bool,
    go_value,
    parse_quantity,
    print_annotations_multiline,
    print_labels_multiline,
    quantity_string,
)


def _int(value: Any) -> int:
    return int(value or 0)


# ----------------------------------------------------------------------- PDB
def describe_pod_disruption_budget(store: ObjectStore, pdb: Obj, events: list[Obj], now: float) -> str:
    spec, status = pdb.get("spec") or {}, pdb.get("status") or {}
    w = PrefixWriter()
    w.write(LEVEL_0, f"Name:\t{name_of(pdb)}\n")
    w.write(LEVEL_0, f"Namespace:\t{namespace_of(pdb)}\n")
    if spec.get("minAvailable") is not None:
        w.write(LEVEL_0, f"Min available:\t{spec['minAvailable']}\n")
    elif spec.get("maxUnavailable") is not None:
        w.write(LEVEL_0, f"Max unavailable:\t{spec['maxUnavailable']}\n")
    selector = spec.get("selector")
    w.write(LEVEL_0, f"Selector:\t{'<unset>' if selector is None else format_label_selector(selector)}\n")
    w.write(LEVEL_0, "Status:\n")
    w.write(LEVEL_2, f"Allowed disruptions:\t{_int(status.get('disruptionsAllowed'))}\n")
    w.write(LEVEL_2, f"Current:\t{_int(status.get('currentHealthy'))}\n")
    w.write(LEVEL_2, f"Desired:\t{_int(status.get('desiredHealthy'))}\n")
    w.write(LEVEL_2, f"Total:\t{_int(status.get('expectedPods'))}\n")
    describe_events(w, events, now)
    return w.render()


# ------------------------------------------------------------- PriorityClass
def describe_priority_class(store: ObjectStore, pc: Obj, events: list[Obj], now: float) -> str:
    """``preemptionPolicy`` is never nil on a served object: the apiserver defaults it."""
    w = PrefixWriter()
    w.write(LEVEL_0, f"Name:\t{name_of(pc)}\n")
    w.write(LEVEL_0, f"Value:\t{_int(pc.get('value'))}\n")
    w.write(LEVEL_0, f"GlobalDefault:\t{go_bool(pc.get('globalDefault'))}\n")
    w.write(LEVEL_0, f"PreemptionPolicy:\t{pc.get('preemptionPolicy') or 'PreemptLowerPriority'}\n")
    w.write(LEVEL_0, f"Description:\t{pc.get('description', '')}\n")
    w.write(LEVEL_0, f"Annotations:\t{format_labels(annotations_of(pc))}\n")
    describe_events(w, events, now)
    return w.render()


# ----------------------------------------------------- quota and limitrange
def describe_resource_quota(store: ObjectStore, quota: Obj, events: list[Obj], now: float) -> str:
    """``describeQuota``: a used quantity in another format than the hard one is re-made
    from its integer value in the hard one's format, as kubectl does."""
    w = PrefixWriter()
    w.write(LEVEL_0, f"Name:\t{name_of(quota)}\n")
    w.write(LEVEL_0, f"Namespace:\t{namespace_of(quota)}\n")
    scopes = sorted((quota.get("spec") or {}).get("scopes") or [])
    if scopes:
        w.write(LEVEL_0, f"Scopes:\t{', '.join(scopes)}\n")
        for scope in scopes:
            if scope in _QUOTA_SCOPE_HELP:
                w.write(LEVEL_0, f" * {_QUOTA_SCOPE_HELP[scope]}\n")
    w.write(LEVEL_0, "Resource\tUsed\tHard\n")
    w.write(LEVEL_0, "--------\t----\t----\n")
    status = quota.get("status") or {}
    hard, used = status.get("hard") or {}, status.get("used") or {}
    for res in sorted(hard):
        hard_amount, hard_fmt = parse_quantity(hard[res])
        if res in used:
            used_amount, used_fmt = parse_quantity(used[res])
        else:  # a missing quantity is the zero Quantity, whose format is empty
            used_amount, used_fmt = parse_quantity(0)[0], ""
        if used_fmt != hard_fmt:
            used_text = format_quantity(type(used_amount)(math.ceil(used_amount)), hard_fmt)
        else:
            used_text = format_quantity(used_amount, used_fmt)
        w.write(LEVEL_0, f"{res}\t{used_text}\t{format_quantity(hard_amount, hard_fmt)}\n")
    return w.render()


def describe_limit_range(store: ObjectStore, lr: Obj, events: list[Obj], now: float) -> str:
    """``describeLimitRange``; kubectl walks each item's resources in Go map order, here by name."""
    w = PrefixWriter()
    w.write(LEVEL_0, f"Name:\t{name_of(lr)}\n")
    w.write(LEVEL_0, f"Namespace:\t{namespace_of(lr)}\n")
    w.write(LEVEL_0, "Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n")
    w.write(LEVEL_0, "----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n")
    for item in (lr.get("spec") or {}).get("limits") or []:
        fields = [item.get(k) or {} for k in ("min", "max", "defaultRequest", "default", "maxLimitRequestRatio")]
        for res in sorted(set().union(*fields)):
            values = "\t".join(quantity_string(f[res]) if res in f else "-" for f in fields)
            w.write(LEVEL_0, f"{item.get('type', '')}\t{res}\t{values}\n")
    return w.render()


# ---------------------------------------------------------------------- RBAC
def describe_role(store: ObjectStore, role: Obj, events: list[Obj], now: float) -> str:
    """Role and ClusterRole: the rules broken down, compacted and sorted as kubectl does."""
    w = PrefixWriter()
    w.write(LEVEL_0, f"Name:\t{name_of(role)}\n")
    print_labels_multiline(w, "Labels", labels_of(role))
    print_annotations_multiline(w, "Annotations", annotations_of(role))
    w.write(LEVEL_0, "PolicyRule:\n")
    w.write(LEVEL_1, "Resources\tNon-Resource URLs\tResource Names\tVerbs\n")
    w.write(LEVEL_1, "---------\t-----------------\t--------------\t-----\n")
    for r in sorted(compact_rules(breakdown(role.get("rules") or [])), key=_rule_string):
        w.write(LEVEL_1, f"{combine_resource_group(r['resources'], r['apiGroups'])}\t"
                         f"{go_value(r['nonResourceURLs'])}\t{go_value(r['resourceNames'])}\t{go_value(r['verbs'])}\n")
    return w.render()


def _rule(groups: list[str], resources: list[str], verbs: list[str], names: list[str], urls: list[str]) -> Obj:
    return {"apiGroups": groups, "resources": resources, "verbs": verbs, "resourceNames": names,
            "nonResourceURLs": urls}


def breakdown(rules: list[Obj]) -> list[Obj]:
    """``rbac.BreakdownRule`` of each rule: one verb, resource and resource name per rule;
    non-resource URLs combine only with verbs."""
    out: list[Obj] = []
    for rule in rules:
        verbs, names = rule.get("verbs") or [], rule.get("resourceNames") or []
        for group in rule.get("apiGroups") or []:
            for resource in rule.get("resources") or []:
                for verb in verbs:
                    if names:
                        out += [_rule([group], [resource], [verb], [name], []) for name in names]
                    else:
                        out.append(_rule([group], [resource], [verb], [], []))
        for url in rule.get("nonResourceURLs") or []:
            out += [_rule([], [], [verb], [], [url]) for verb in verbs]
    return out


def compact_rules(rules: list[Obj]) -> list[Obj]:
    """``rbac.CompactRules``: rules on one group/resource (and at most one name) merge their
    verbs; the others come first, in order."""
    compacted: list[Obj] = []
    simple: dict[tuple[str, str, bool, str], Obj] = {}
    for rule in rules:
        groups, resources, names = rule["apiGroups"], rule["resources"], rule["resourceNames"]
        if len(names) > 1 or rule["nonResourceURLs"] or len(groups) != 1 or len(resources) != 1:
            compacted.append(rule)
            continue
        key = (groups[0], resources[0], bool(names), names[0] if names else "")
        if key in simple:
            simple[key]["verbs"] = simple[key]["verbs"] + rule["verbs"]
        else:
            simple[key] = dict(rule)
    return compacted + list(simple.values())


def _rule_string(rule: Obj) -> str:
    """``PolicyRule.String()``, kubectl's sort key for the table."""
    return (f"&PolicyRule{{Verbs:{go_value(rule['verbs'])},APIGroups:{go_value(rule['apiGroups'])},"
            f"Resources:{go_value(rule['resources'])},ResourceNames:{go_value(rule['resourceNames'])},"
            f"NonResourceURLs:{go_value(rule['nonResourceURLs'])},}}")


def combine_resource_group(resources: list[str], groups: list[str]) -> str:
    """``CombineResourceGroup``: ``deployments.apps``, ``pods/log``, ``deployments.apps/scale``."""
    if not resources:
        return ""
    resource, _, sub = resources[0].partition("/")
    text = resource
    if groups and groups[0]:
        text += "." + groups[0]
    if "/" in resources[0]:
        text += "/" + sub
    return text


def describe_role_binding(store: ObjectStore, binding: Obj, events: list[Obj], now: float) -> str:
    """RoleBinding and ClusterRoleBinding."""
    ref = binding.get("roleRef") or {}
    w = PrefixWriter()
    w.write(LEVEL_0, f"Name:\t{name_of(binding)}\n")
    print_labels_multiline(w, "Labels", labels_of(binding))
    print_annotations_multiline(w, "Annotations", annotations_of(binding))
    w.write(LEVEL_0, "Role:\n")
    w.write(LEVEL_1, f"Kind:\t{ref.get('kind', '')}\n")
    w.write(LEVEL_1, f"Name:\t{ref.get('name', '')}\n")
    w.write(LEVEL_0, "Subjects:\n")
    w.write(LEVEL_1, "Kind\tName\tNamespace\n")
    w.write(LEVEL_1, "----\t----\t---------\n")
    for s in binding.get("subjects") or []:
        w.write(LEVEL_1, f"{s.get('kind', '')}\t{s.get('name', '')}\t{s.get('namespace', '')}\n")
    return w.render()
