"""``kubectl drain``: cordon the node, then evict its pods, on the virtual clock.

The pod filters and messages follow ``k8s.io/kubectl/pkg/drain`` (filters.go, drain.go) and
the drain command (v1.34): mirror pods are skipped; DaemonSet-managed pods stop the drain
unless ``ignore_daemonsets`` (and are never evicted); pods with ``emptyDir`` need
``delete_emptydir_data``; pods that declare no controller need ``force``; finished pods
always go; ``pod_selector`` limits the pods considered.

Each pod is evicted through the ``pods/eviction`` subresource (:meth:`ObjectStore.evict`),
so PodDisruptionBudgets are respected: a 429 prints ``error when evicting pods/"x" -n "ns"
(will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.``
and the eviction is tried again 5 virtual seconds later; ``disable_eviction`` deletes
instead. A :class:`Drain` does not block: :meth:`Drain.poll` reports pods as they are gone
while simulated time passes, and gives up after ``timeout`` virtual seconds as kubectl does.
``lines`` is what kubectl prints; ``streams`` says which of stdout/stderr each line goes to.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from k9play.api import errors
from k9play.api.meta import Obj, labels_of, uid_of
from k9play.api.selectors import SelectorError, parse_label_selector
from k9play.api.store import ObjectStore

if TYPE_CHECKING:
    from k9play.clock import TimerHandle

#: how long kubectl waits after a 429 before evicting again
EVICTION_RETRY = 5.0

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
    timeout: float = 5.0  # --timeout in seconds (k9s' default 5s; kubectl's 0); 0: wait forever
    ignore_daemonsets: bool = False  # --ignore-daemonsets
    delete_emptydir_data: bool = False  # --delete-emptydir-data
    force: bool = False  # --force
    pod_selector: str = ""  # --pod-selector
    disable_eviction: bool = False  # --disable-eviction: DELETE, bypassing PodDisruptionBudgets


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


def go_duration(seconds: float) -> str:
    """``time.Duration.String()``: ``5s``, ``1m30s``, ``1h0m0s``."""
    if seconds < 60:
        return f"{seconds:g}s"
    h, rest = divmod(seconds, 3600)
    m, sec = divmod(rest, 60)
    return f"{int(h)}h{int(m)}m{sec:g}s" if h else f"{int(m)}m{sec:g}s"


@dataclass
class Drain:
    """One node's drain; ``lines`` is what ``kubectl drain`` would have printed so far."""

    store: ObjectStore
    node: str
    opts: DrainOptions = field(default_factory=DrainOptions)
    lines: list[str] = field(default_factory=list)
    done: bool = False
    failed: bool = False
    #: "out" or "err" for each line of ``lines``
    streams: list[str] = field(default_factory=list)
    _pending: dict[str, tuple[str, str]] = field(default_factory=dict)  # uid → (namespace, name), evicted
    #: uid → (the retry after a 429, namespace, name)
    _retrying: dict[str, tuple[TimerHandle, str, str]] = field(default_factory=dict)
    _errors: list[str] = field(default_factory=list)
    _deadline: float | None = None

    def _say(self, text: str, stream: str = "out") -> None:
        self.lines.append(text)
        self.streams.append(stream)

    def start(self, cordon: bool = True) -> None:
        """Cordon (unless the caller did: kubectl cordons every node first), check every pod on
        the node, then evict the ones that may go."""
        node = self.store.try_get("Node", self.node)
        if node is None:
            self._fail([str(errors.not_found("nodes", self.node))], pending_node=False)
            return
        try:
            selector = parse_label_selector(self.opts.pod_selector) if self.opts.pod_selector else None
        except SelectorError:
            self._fail(["--pod-selector=<pod_selector> must be a valid label selector"], pending_node=False)
            return
        if not cordon:
            pass
        elif (node.get("spec") or {}).get("unschedulable"):
            self._say(f"node/{self.node} already cordoned")
        else:
            self.store.patch("Node", self.node, None, {"spec": {"unschedulable": True}})
            self._say(f"node/{self.node} cordoned")
        evict: list[Obj] = []
        problems: list[tuple[str, str]] = []
        warnings: list[tuple[str, str]] = []
        for pod in self.store.pods_on_node(self.node):
            if selector is not None and not selector.matches(labels_of(pod)):
                continue
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
            self._say("Warning: " + "; ".join(f"{m}: {', '.join(p)}" for m, p in _grouped(warnings).items()), "err")
        clock = self.store.clock
        if self.opts.timeout > 0:
            self._deadline = clock.now() + self.opts.timeout
            clock.call_at(self._deadline, self.poll)  # a sim jumping from event to event stops here
        for pod in evict:
            md = pod["metadata"]
            self._attempt(md.get("namespace", ""), md["name"], uid_of(pod))
        self.poll()

    def _attempt(self, ns: str, name: str, uid: str) -> None:
        """One eviction (or, with ``disable_eviction``, a DELETE) of one pod."""
        self._retrying.pop(uid, None)
        if self.done:
            return
        grace = None if self.opts.grace_period < 0 else self.opts.grace_period
        if self.opts.disable_eviction:
            try:
                self.store.delete("Pod", name, ns, grace_period=grace, uid=uid)
            except errors.ApiError as e:
                if e.reason != "NotFound":
                    self._errors.append(str(e))
                    return
            self._say(f"deleting pod {ns}/{name}")
            self._pending[uid] = (ns, name)
            return
        self._say(f"evicting pod {ns}/{name}")
        clock = self.store.clock
        if self._deadline is not None and clock.now() >= self._deadline:
            self._errors.append(f'error when evicting pods/"{name}" -n "{ns}": global timeout reached: '
                                f"{go_duration(self.opts.timeout)}")
            return
        try:
            self.store.evict(name, ns, grace_period=grace)
        except errors.ApiError as e:
            if e.reason == "NotFound":
                return
            if e.code == 429:
                self._say(f'error when evicting pods/"{name}" -n "{ns}" (will retry after {EVICTION_RETRY:g}s): {e}',
                          "err")
                self._retrying[uid] = (clock.call_later(EVICTION_RETRY, self._retry, ns, name, uid), ns, name)
            else:
                self._errors.append(f'error when evicting pods/"{name}" -n "{ns}": {e}')
            return
        self._pending[uid] = (ns, name)

    def _retry(self, ns: str, name: str, uid: str) -> None:
        self._attempt(ns, name, uid)
        self.poll()

    def poll(self) -> bool:
        """Note pods that are gone and the end of the drain; True if ``lines`` grew."""
        if self.done:
            return False
        before = len(self.lines)
        verb = "deleted" if self.opts.disable_eviction else "evicted"
        for uid, (ns, name) in list(self._pending.items()):
            current = self.store.try_get("Pod", name, ns)
            if current is None or uid_of(current) != uid:
                del self._pending[uid]
                self._say(f"pod/{name} {verb}")
        expired = self._deadline is not None and self.store.clock.now() >= self._deadline
        if not self._pending and not self._retrying:
            if self._errors:
                self._fail(self._errors)
            else:
                self._say(f"node/{self.node} drained")
                self.done = True
        elif expired:
            timeout = go_duration(self.opts.timeout)
            errs = list(self._errors)
            for timer, ns, name in self._retrying.values():  # their next attempt would find the time up
                timer.cancel()
                errs.append(f'error when evicting pods/"{name}" -n "{ns}": global timeout reached: {timeout}')
            self._retrying.clear()
            errs += [f'error when waiting for pod "{name}" in namespace "{ns}" to terminate: '
                     f"global timeout reached: {timeout}" for ns, name in self._pending.values()]
            self._fail(errs)
        return len(self.lines) > before

    def expire(self, waited: float) -> None:
        """Stop waiting now, as if ``--timeout`` had been ``waited`` seconds (the simulation
        does not wait forever for a drain without one)."""
        if self.done:
            return
        self.opts = replace(self.opts, timeout=waited)
        self._deadline = self.store.clock.now()
        self.poll()

    def _fail(self, errs: list[str], *, pending_node: bool = True) -> None:
        """kubectl's report: the aggregate on one line, the pending node, then each error."""
        self.done = self.failed = True
        for timer, _, _ in self._retrying.values():
            timer.cancel()
        self._retrying.clear()
        if not pending_node:
            self._say(f"Error from server (NotFound): {errs[0]}" if "not found" in errs[0] else f"error: {errs[0]}",
                      "err")
            return
        for line in [f'error: unable to drain node "{self.node}" due to error: {_aggregate(errs)}, '
                     "continuing command...", "There are pending nodes to be drained:", f" {self.node}", *errs]:
            self._say(line, "err")
