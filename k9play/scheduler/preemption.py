"""DefaultPreemption, the PostFilter plugin: make room for a pod by evicting lower-priority ones.

Port of ``pkg/scheduler/framework/preemption/preemption.go`` and
``pkg/scheduler/framework/plugins/defaultpreemption/default_preemption.go`` (v1.34):

1. *Eligibility*: ``preemptionPolicy: Never`` pods never preempt; a pod already nominated
   waits while a victim on its nominated node is still terminating.
2. *Candidates*: only nodes the filters called ``Unschedulable`` (not ``…AndUnresolvable``)
   are tried, from a random offset, until ``max(10 %, 100)`` of them gave candidates. On each
   (a dry run on a copy of the node) every pod of lower priority is removed; if the pod
   still does not fit, the node is no candidate; otherwise victims are reprieved one by one
   — those whose PodDisruptionBudget would be violated first, then the others, most
   important first — and whoever cannot be put back is a victim.
3. *Selection* (``pickOneNodeForPreemption``): fewest PDB violations, then the lowest
   highest-priority victim, the smallest sum of priorities, the fewest victims, the latest
   start of the highest-priority victims, then the first.
4. *Preparation*: each victim gets ``DisruptionTarget`` (``PreemptionByScheduler``), a
   graceful DELETE and the ``Preempted`` event ("Preempted by pod <uid> on node <node>");
   lower-priority pods nominated to that node lose their nomination. The preemptor is
   nominated (``status.nominatedNodeName``) and waits for the victims to go.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from k9play.api import errors
from k9play.api.disruption import pdbs_for_pod
from k9play.api.events import NORMAL
from k9play.api.meta import copy_obj, format_time, name_of, namespace_of
from k9play.scheduler.plugins.base import UNRESOLVABLE, UNSCHEDULABLE, Status

if TYPE_CHECKING:
    from k9play.api.meta import Obj
    from k9play.scheduler.nodeinfo import NodeInfo, PodInfo
    from k9play.scheduler.plugins.base import FilterPlugin
    from k9play.scheduler.scheduler import Scheduler

NOT_HELPFUL = "Preemption is not helpful for scheduling"
NO_VICTIMS = "No preemption victims found for incoming pod"
MIN_CANDIDATE_NODES_PERCENTAGE = 10
MIN_CANDIDATE_NODES_ABSOLUTE = 100
_INT32_SHIFT = 2**31


def clone_cycle(cycle: dict[str, Any]) -> dict[str, Any]:
    """``CycleState.Clone``: plugin states that change under Add/RemovePod are copied."""
    return {k: (v.clone() if hasattr(v, "clone") else v) for k, v in cycle.items()}


def _terminating_by_preemption(pod: Obj) -> bool:
    if not pod["metadata"].get("deletionTimestamp"):
        return False
    for c in (pod.get("status") or {}).get("conditions") or []:
        if c.get("type") == "DisruptionTarget":
            return c.get("status") == "True" and c.get("reason") == "PreemptionByScheduler"
    return False


def _eligible(sched: Scheduler, info: PodInfo, statuses: dict[str, Status]) -> str:
    """``PodEligibleToPreemptOthers``: "" when eligible, else why not."""
    spec = info.pod.get("spec") or {}
    if spec.get("preemptionPolicy") == "Never":
        return "not eligible due to preemptionPolicy=Never."
    nominated = (info.pod.get("status") or {}).get("nominatedNodeName")
    if nominated:
        st = statuses.get(nominated)
        if st is not None and st.code == UNRESOLVABLE:
            return ""
        node = sched.nodes.get(nominated)
        if node is not None and any(p.priority < info.priority and _terminating_by_preemption(p.pod)
                                    for p in node.pods.values()):
            return "not eligible due to a terminating pod on the nominated node."
    return ""


def _more_important(p: PodInfo) -> tuple[int, float]:
    """``MoreImportantPod`` as a sort key: higher priority, then earlier start."""
    return (-p.priority, p.start_time)


def _split_by_pdb(victims: list[PodInfo], pdbs: list[Obj]) -> tuple[list[PodInfo], list[PodInfo]]:
    """``filterPodsWithPDBViolation`` (stable)."""
    allowed = {id(pdb): int((pdb.get("status") or {}).get("disruptionsAllowed", 0) or 0) for pdb in pdbs}
    violating, fine = [], []
    for p in victims:
        bad = False
        for pdb in pdbs_for_pod(pdbs, p.pod):
            if name_of(p.pod) in ((pdb.get("status") or {}).get("disruptedPods") or {}):
                continue
            allowed[id(pdb)] -= 1
            if allowed[id(pdb)] < 0:
                bad = True
        (violating if bad else fine).append(p)
    return violating, fine


def select_victims(sched: Scheduler, info: PodInfo, node: NodeInfo, filters: list[FilterPlugin],
                   pdbs: list[Obj]) -> tuple[list[PodInfo], int, Status | None]:
    """``SelectVictimsOnNode``: the victims, how many break a PDB, or why the node cannot do."""
    clone, saved = node.clone(), info.cycle
    info.cycle = clone_cycle(saved)
    try:
        potential = [p for p in clone.pods.values() if p.priority < info.priority]
        for p in potential:
            clone.remove_pod(p.uid)
            for f in filters:
                f.remove_pod(info, p, clone)
        if not potential:
            return [], 0, Status(UNRESOLVABLE, [NO_VICTIMS])
        st = sched._run_filters(info, clone, filters)
        if st is not None:
            return [], 0, st
        potential.sort(key=_more_important)
        violating, fine = _split_by_pdb(potential, pdbs)
        victims: list[PodInfo] = []

        def reprieve(p: PodInfo) -> bool:
            clone.add_pod(p)
            for f in filters:
                f.add_pod(info, p, clone)
            if sched._run_filters(info, clone, filters) is None:
                return True
            clone.remove_pod(p.uid)
            for f in filters:
                f.remove_pod(info, p, clone)
            victims.append(p)
            return False

        violations = sum(1 for p in violating if not reprieve(p))
        for p in fine:
            reprieve(p)
        if violating and fine:
            victims.sort(key=_more_important)
        return victims, violations, None
    finally:
        info.cycle = saved


def num_candidates(num_nodes: int) -> int:
    """``calculateNumCandidates``: 10 % of the nodes, at least 100, at most all."""
    n = max(num_nodes * MIN_CANDIDATE_NODES_PERCENTAGE // 100, MIN_CANDIDATE_NODES_ABSOLUTE)
    return min(n, num_nodes)


def pick_node(candidates: list[tuple[str, list[PodInfo], int]]) -> str:
    """``pickOneNodeForPreemption``."""
    def earliest_top_start(victims: list[PodInfo]) -> float:
        top = victims[0].priority
        return min(v.start_time for v in victims if v.priority == top)

    score_funcs = (
        lambda c: -c[2],
        lambda c: -c[1][0].priority,
        lambda c: -sum(v.priority + _INT32_SHIFT for v in c[1]),
        lambda c: -len(c[1]),
        lambda c: earliest_top_start(c[1]),
    )
    remaining = candidates
    for f in score_funcs:
        best = max(f(c) for c in remaining)
        remaining = [c for c in remaining if f(c) == best]
        if len(remaining) == 1:
            break
    return remaining[0][0]


def post_filter(sched: Scheduler, info: PodInfo, statuses: dict[str, Status],
                absent: Status | None) -> tuple[str | None, str]:
    """``DefaultPreemption.PostFilter``: (the node to nominate — "" to clear the nomination,
    None to keep it —, the message that follows the FitError: "preemption: …" or "")."""
    why = _eligible(sched, info, statuses)
    if why:
        return None, f"preemption: {why}"
    all_nodes = len(sched.nodes)
    potential = [sched.nodes[n] for n in sched.nodes if n in statuses and statuses[n].code == UNSCHEDULABLE]
    not_helpful = Status(UNRESOLVABLE, [NOT_HELPFUL])
    if not potential:
        return "", "preemption: " + _fit_error(all_nodes, {}, not_helpful)
    pdbs = sched.store.list("PodDisruptionBudget")
    filters: list[FilterPlugin] = info.cycle.get("filters", [])
    offset = sched.store.rng_for(info.pod).randrange(len(potential))
    wanted = num_candidates(len(potential))
    fine: list[tuple[str, list[PodInfo], int]] = []
    violating: list[tuple[str, list[PodInfo], int]] = []
    node_statuses: dict[str, Status] = {}
    for i in range(len(potential)):
        node = potential[(offset + i) % len(potential)]
        victims, violations, st = select_victims(sched, info, node, filters, pdbs)
        if st is None and victims:
            (violating if violations else fine).append((node.name, victims, violations))
            if fine and len(fine) + len(violating) >= wanted:
                break
            continue
        node_statuses[node.name] = st or Status(UNSCHEDULABLE, [f'expected at least one victim pod on node '
                                                                f'"{node.name}"'])
    candidates = fine + violating
    if not candidates:
        return "", "preemption: " + _fit_error(all_nodes, node_statuses, not_helpful)
    chosen = pick_node(candidates)
    victims = next(c[1] for c in candidates if c[0] == chosen)
    _prepare(sched, info, chosen, victims)
    return chosen, ""


def _fit_error(num_nodes: int, statuses: dict[str, Status], absent: Status) -> str:
    from k9play.scheduler.scheduler import fit_error_message

    return fit_error_message(num_nodes, statuses, absent=absent)


def _prepare(sched: Scheduler, info: PodInfo, node: str, victims: list[PodInfo]) -> None:
    """``prepareCandidate``: evict the victims, clear lower-priority nominations there."""
    store = sched.store
    now = format_time(sched.clock.now())
    scheduler_name = (info.pod.get("spec") or {}).get("schedulerName") or "default-scheduler"
    for v in victims:
        cur = store.try_get("Pod", name_of(v.pod), namespace_of(v.pod))
        if cur is None:
            continue
        new = copy_obj(cur)
        conds = [c for c in new.setdefault("status", {}).get("conditions") or [] if c.get("type") != "DisruptionTarget"]
        conds.append({"type": "DisruptionTarget", "status": "True", "lastProbeTime": None, "lastTransitionTime": now,
                      "reason": "PreemptionByScheduler",
                      "message": f"{scheduler_name}: preempting to accommodate a higher priority pod"})
        new["status"]["conditions"] = conds
        try:
            cur = store.update_status(new)
            store.delete("Pod", name_of(cur), namespace_of(cur))
        except errors.ApiError:
            continue
        sched.recorder.record(cur, NORMAL, "Preempted", f"Preempted by pod {info.uid} on node {node}")
    for other in list(sched.nominated.get(node, {}).values()):
        if other.uid == info.uid or other.priority >= info.priority:
            continue
        sched._unnominate(other.uid)
        cur = store.get_by_uid(other.uid)
        if cur is not None and (cur.get("status") or {}).get("nominatedNodeName"):
            new = copy_obj(cur)
            new["status"].pop("nominatedNodeName", None)
            try:
                store.update_status(new)
            except errors.ApiError:
                pass
        sched.queue.update(other.uid, other.priority)  # moves it on, to find another place
