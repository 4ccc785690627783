"""``kubectl drain``: cordon the node, then evict its pods, on the virtual clock.

The pod filters and messages follow ``k8s.io/kubectl/pkg/drain`` (filters.go, drain.go) and
the drain command: mirror pods are skipped; DaemonSet-managed pods stop the drain unless
``ignore_daemonsets`` (and are never evicted); pods with ``emptyDir`` need
``delete_emptydir_data``; pods that declare no controller need ``force``; finished pods always go.

Eviction: the store has no ``pods/eviction`` subresource yet, so an eviction is what a client
sees of one — a DELETE with the eviction's grace period. PodDisruptionBudgets are therefore
not checked (a 429 "Cannot evict pod as it would violate the pod's disruption budget" never
happens here). A :class:`Drain` does not block: :meth:`Drain.poll` reports pods as they are
gone while simulated time passes, and gives up after ``timeout`` virtual seconds as kubectl does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from k9play.api import errors
from k9play.api.meta import Obj, uid_of
from k9play.api.store import ObjectStore

MIRROR_ANNOTATION = "kubernetes.io/config.mirror"
DAEMONSET_FATAL = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)"
DAEMONSET_WARNING = "ignoring DaemonSet-managed Pods"
LOCAL_STORAGE_FATAL = "Pods with local storage (use --delete-emptydir-data to override)"
LOCAL_STORAGE_WARNING = "deleting Pods with local storage"
UNMANAGED_FATAL = "cannot delete Pods that declare no controller (use --force to override)"
UNMANAGED_WARNING = "deleting Pods that declare no controller"


@dataclass
class DrainOptions:
    """The flags of k9s' drain dialog (kubectl's names in the comments)."""

    grace_period: int = -1  # --grace-period; -1: each pod's own terminationGracePeriodSeconds
    timeout: float = 5.0  # --timeout in seconds (k9s' default 5s); 0: wait forever
    ignore_daemonsets: bool = False  # --ignore-daemonsets
    delete_emptydir_data: bool = False  # --delete-emptydir-data
    force: bool = False  # --force


@dataclass
class _Verdict:
    delete: bool
    kind: str = "ok"  # ok | skip | warning | error
    message: str = ""


def _finished(pod: Obj) -> bool:
    return (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")


def _controller(pod: Obj) -> Obj | None:
    return next((r for r in pod["metadata"].get("ownerReferences") or [] if r.get("controller")), None)


def _daemonset_filter(store: ObjectStore, pod: Obj, opts: DrainOptions) -> _Verdict:
    ref = _controller(pod)
    if ref is None or ref.get("kind") != "DaemonSet" or _finished(pod):
        return _Verdict(True)
    if store.try_get("DaemonSet", ref.get("name", ""), pod["metadata"].get("namespace")) is None:
        message = str(errors.not_found("daemonsets.apps", ref.get("name", "")))
        return _Verdict(True, "warning", message) if opts.force else _Verdict(False, "error", message)
    if not opts.ignore_daemonsets:
        return _Verdict(False, "error", DAEMONSET_FATAL)
    return _Verdict(False, "warning", DAEMONSET_WARNING)


def _mirror_filter(pod: Obj) -> _Verdict:
    if MIRROR_ANNOTATION in (pod["metadata"].get("annotations") or {}):
        return _Verdict(False, "skip")
    return _Verdict(True)


def _local_storage_filter(pod: Obj, opts: DrainOptions) -> _Verdict:
    volumes = (pod.get("spec") or {}).get("volumes") or []
    if not any("emptyDir" in v for v in volumes) or _finished(pod):
        return _Verdict(True)
    if not opts.delete_emptydir_data:
        return _Verdict(False, "error", LOCAL_STORAGE_FATAL)
    return _Verdict(True, "warning", LOCAL_STORAGE_WARNING)


def _unreplicated_filter(pod: Obj, opts: DrainOptions) -> _Verdict:
    if _finished(pod) or _controller(pod) is not None:
        return _Verdict(True)
    if opts.force:
        return _Verdict(True, "warning", UNMANAGED_WARNING)
    return _Verdict(False, "error", UNMANAGED_FATAL)


def classify(store: ObjectStore, pod: Obj, opts: DrainOptions) -> _Verdict:
    """kubectl's filter chain, short-circuiting at the first filter that keeps the pod."""
    verdict = _Verdict(True)
    for check in (lambda p: _daemonset_filter(store, p, opts), _mirror_filter,
                  lambda p: _local_storage_filter(p, opts), lambda p: _unreplicated_filter(p, opts)):
        verdict = check(pod)
        if not verdict.delete:
            break
    return verdict


def _grouped(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for message, pod in pairs:
        out.setdefault(message, []).append(pod)
    return out


def _aggregate(errs: list[str]) -> str:
    """``utilerrors.NewAggregate``: one error as is, several as ``[a, b]``."""
    return errs[0] if len(errs) == 1 else "[" + ", ".join(errs) + "]"


@dataclass
class Drain:
    """One node's drain; ``lines`` is what ``kubectl drain`` would have printed so far."""

    store: ObjectStore
    node: str
    opts: DrainOptions = field(default_factory=DrainOptions)
    lines: list[str] = field(default_factory=list)
    done: bool = False
    failed: bool = False
    _pending: dict[str, tuple[str, str]] = field(default_factory=dict)  # uid → (namespace, name)
    _deadline: float | None = None

    def start(self) -> None:
        """Cordon, check every pod on the node, then evict the ones that may go."""
        node = self.store.try_get("Node", self.node)
        if node is None:
            self._fail([str(errors.not_found("nodes", self.node))], pending_node=False)
            return
        if (node.get("spec") or {}).get("unschedulable"):
            self.lines.append(f"node/{self.node} already cordoned")
        else:
            self.store.patch("Node", self.node, None, {"spec": {"unschedulable": True}})
            self.lines.append(f"node/{self.node} cordoned")
        evict: list[Obj] = []
        problems: list[tuple[str, str]] = []
        warnings: list[tuple[str, str]] = []
        for pod in self.store.pods_on_node(self.node):
            verdict = classify(self.store, pod, self.opts)
            ident = f"{pod['metadata'].get('namespace', '')}/{pod['metadata']['name']}"
            if verdict.kind == "error":
                problems.append((verdict.message, ident))
            elif verdict.kind == "warning":
                warnings.append((verdict.message, ident))
            if verdict.delete:
                evict.append(pod)
        if problems:
            errs = [m if m.lower().startswith("cannot delete") else f"cannot delete {m}"
                    for m in _grouped(problems)]
            self._fail([f"{m}: {', '.join(p)}" for m, p in zip(errs, _grouped(problems).values(), strict=True)])
            return
        if warnings:
            self.lines.append("Warning: " + "; ".join(f"{m}: {', '.join(p)}" for m, p in _grouped(warnings).items()))
        for pod in evict:
            self._evict(pod)
        if self.opts.timeout > 0:
            self._deadline = self.store.clock.now() + self.opts.timeout
        self.poll()

    def _evict(self, pod: Obj) -> None:
        """What a client sees of ``pods/eviction``: a DELETE with the eviction's grace period."""
        md = pod["metadata"]
        self.lines.append(f"evicting pod {md.get('namespace', '')}/{md['name']}")
        grace = None if self.opts.grace_period < 0 else self.opts.grace_period
        try:
            self.store.delete("Pod", md["name"], md.get("namespace"), grace_period=grace, uid=uid_of(pod))
        except errors.ApiError as e:
            if e.reason != "NotFound":
                self.lines.append(f'error when evicting pod "{md["name"]}": {e}')
            return
        self._pending[uid_of(pod)] = (md.get("namespace", ""), md["name"])

    def poll(self) -> bool:
        """Note pods that are gone and the end of the drain; True if ``lines`` grew."""
        if self.done:
            return False
        before = len(self.lines)
        for uid, (_ns, name) in list(self._pending.items()):
            if self.store.get_by_uid(uid) is None:
                del self._pending[uid]
                self.lines.append(f"pod/{name} evicted")
        if not self._pending:
            self.lines.append(f"node/{self.node} drained")
            self.done = True
        elif self._deadline is not None and self.store.clock.now() >= self._deadline:
            timeout = f"{self.opts.timeout:g}s"
            self._fail([f'error when waiting for pod "{name}" in namespace "{ns}" to terminate: '
                        f"global timeout reached: {timeout}" for ns, name in self._pending.values()])
        return len(self.lines) > before

    def _fail(self, errs: list[str], *, pending_node: bool = True) -> None:
        """kubectl's report: the aggregate on one line, the pending node, then each error."""
        self.done = self.failed = True
        if not pending_node:
            self.lines.append(f"Error from server (NotFound): {errs[0]}")
            return
        self.lines += [f'error: unable to drain node "{self.node}" due to error: {_aggregate(errs)}, '
                       "continuing command...", "There are pending nodes to be drained:", f" {self.node}", *errs]
