"""PodDisruptionBudget status and the ``pods/eviction`` subresource
(``pkg/controller/disruption``, ``pkg/registry/core/pod/storage/eviction.go``, v1.34)."""

from __future__ import annotations

from typing import Any

import pytest

from k9play.api import errors
from k9play.manifests.applier import apply_object
from tests.helpers import deployment, new_cluster


def budget(name: str, **spec: Any) -> dict[str, Any]:
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": name},
            "spec": {"selector": {"matchLabels": {"app": "web"}}, **spec}}


def status(c, name: str) -> tuple[int, int, int, int]:
    st = c.store.get("PodDisruptionBudget", name, "default")["status"]
    return st["expectedPods"], st["desiredHealthy"], st["currentHealthy"], st["disruptionsAllowed"]


@pytest.mark.parametrize(("spec", "expected"), [
    ({"minAvailable": 2}, (3, 2, 3, 1)),
    ({"minAvailable": "50%"}, (3, 2, 3, 1)),  # 1.5 rounds up
    ({"maxUnavailable": 1}, (3, 2, 3, 1)),
    ({"maxUnavailable": "34%"}, (3, 1, 3, 2)),  # 1.02 rounds up to 2 unavailable
    ({"minAvailable": "100%"}, (3, 3, 3, 0)),
])
def test_budget_status_from_min_available_or_max_unavailable(spec, expected):
    c = new_cluster()
    apply_object(c.store, deployment("web", replicas=3, image="nginx:1.25"))
    apply_object(c.store, budget("pdb", **spec))
    c.advance_sync(30)
    assert status(c, "pdb") == expected
    cond = next(x for x in c.store.get("PodDisruptionBudget", "pdb", "default")["status"]["conditions"])
    assert (cond["type"], cond["status"], cond["reason"]) == (
        ("DisruptionAllowed", "True", "SufficientPods") if expected[3] else
        ("DisruptionAllowed", "False", "InsufficientPods"))


def test_eviction_spends_the_budget_then_answers_429_until_a_replacement_is_ready():
    c = new_cluster()
    apply_object(c.store, deployment("web", replicas=3, image="nginx:1.25"))
    apply_object(c.store, budget("pdb", minAvailable=2))
    c.advance_sync(30)
    first, second, _ = sorted(p["metadata"]["name"] for p in c.store.list("Pod", "default"))
    c.store.evict(first, "default")
    pdb = c.store.get("PodDisruptionBudget", "pdb", "default")["status"]
    assert pdb["disruptionsAllowed"] == 0 and list(pdb["disruptedPods"]) == [first]
    c.advance_sync(0)  # the controller recounts: the evicted pod is terminating, so not healthy;
    # with an integer minAvailable expectedPods is every matching pod, its replacement included
    assert status(c, "pdb") == (4, 2, 2, 0)
    assert "disruptedPods" not in c.store.get("PodDisruptionBudget", "pdb", "default")["status"]
    evicted = c.store.get("Pod", first, "default")
    assert evicted["metadata"]["deletionGracePeriodSeconds"] == 30
    assert [(x["reason"], x["message"]) for x in evicted["status"]["conditions"] if x["type"] == "DisruptionTarget"] \
        == [("EvictionByEvictionAPI", "Eviction API: evicting")]
    with pytest.raises(errors.ApiError) as refused:
        c.store.evict(second, "default")
    err = refused.value
    assert (err.code, err.reason, str(err)) == (
        429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.")
    assert [(cause.type, cause.message) for cause in err.causes] == [
        ("DisruptionBudget", "The disruption budget pdb needs 2 healthy pods and has 2 currently")]
    c.advance_sync(30)  # the replacement is Ready: one disruption allowed again
    assert status(c, "pdb") == (3, 2, 3, 1)
    c.store.evict(second, "default")


def test_a_pod_under_two_budgets_cannot_be_evicted():
    c = new_cluster()
    apply_object(c.store, deployment("web", replicas=2, image="nginx:1.25"))
    apply_object(c.store, budget("one", maxUnavailable=1))
    apply_object(c.store, budget("two", maxUnavailable=1))
    c.advance_sync(30)
    name = c.store.list("Pod", "default")[0]["metadata"]["name"]
    with pytest.raises(errors.ApiError) as refused:
        c.store.evict(name, "default")
    assert (refused.value.code, str(refused.value)) == (
        500, "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.")
