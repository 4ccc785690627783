"""One pod on one node, driven step by step on the virtual clock.

The steps are the kubelet's: notice the pod, create the sandbox (pod IP), run init
containers one at a time, then pull/create/start the app containers; probes decide
readiness and liveness; exits are restarted per ``restartPolicy`` with the CrashLoopBackOff
delays (0, 10, 20, 40 … 300 s); deletion runs preStop hooks, sends SIGTERM and kills at the
end of the grace period. Every step is a status write and the event kubectl would show.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from k9play.api import errors
from k9play.api.events import NORMAL, WARNING
from k9play.api.meta import format_time, name_of, namespace_of, uid_of
from k9play.api.quantity import QuantityError, whole
from k9play.kubelet import behaviour as bh
from k9play.kubelet import etc_files, images
from k9play.kubelet.container import ContainerRun
from k9play.kubelet.envvars import ConfigError, build_env, expand
from k9play.kubelet.podstatus import build_status
from k9play.kubelet.probes import ProbeWorker
from k9play.kubelet.runtime import ContainerProcess
from k9play.kubelet.shell import FileSystem
from k9play.kubelet.volumes import MountError, build_volumes, mount_volumes

if TYPE_CHECKING:
    from k9play.clock import TimerHandle
    from k9play.kubelet.kubelet import Kubelet

Obj = dict[str, Any]

NOTICE_SECONDS = 0.5  # the kubelet notices a bound pod (watch + first pod-worker sync)
SANDBOX_SECONDS = 1.0
CREATE_SECONDS = 0.2
START_SECONDS = 0.1
BACKOFF_STATUS_SECONDS = 1.0  # ErrImagePull turns into ImagePullBackOff on the next sync
RELIST_SECONDS = 1.0  # PLEG's relist period: how long an exit shows before the kubelet acts on it
CONFIG_RETRY_SECONDS = 10.0
MIN_GRACE_SECONDS = 2.0  # kuberuntime minimumGracePeriodInSeconds: SIGTERM after a long preStop hook


class PodWorker:
    """Drives one pod on one node."""

    def __init__(self, kubelet: Kubelet, pod: Obj) -> None:
        self.kubelet = kubelet
        self.store = kubelet.store
        self.clock = kubelet.store.clock
        self.uid = uid_of(pod)
        self.name = name_of(pod)
        self.namespace = namespace_of(pod)
        spec = pod.get("spec", {})
        self.restart_policy = spec.get("restartPolicy", "Always")
        self.grace = int(spec.get("terminationGracePeriodSeconds", 30))
        self.init = [ContainerRun(c, init=True, reason="PodInitializing") for c in spec.get("initContainers") or []]
        # kubelet: a container not created yet waits with ContainerCreating, or PodInitializing in
        # a pod with init containers (init ones included) — kubectl prints Init:0/2, PodInitializing
        self.containers = [ContainerRun(c, reason="PodInitializing" if self.init else "ContainerCreating")
                           for c in spec.get("containers") or []]
        self.pod_ip: str | None = None
        self.sandbox_ready = False
        self.start_time: float | None = None
        self.initialized = not self.init
        self.terminating = False
        self.terminal_phase: str | None = None
        #: set by the eviction manager: the pod ends Failed with this reason and message and
        #: stays in the API (nobody deleted it)
        self.status_reason = ""
        self.status_message = ""
        self.volumes: dict[str, tuple[FileSystem, str]] = {}
        self._mount_backoff = 0.0
        self._timers: list[TimerHandle] = []
        #: probe kinds a fault forces to fail (``k9play.faults``), for every container instance
        self.failing_probes: set[str] = set()
        self.recorder = kubelet.recorder

    # ------------------------------------------------------------- helpers
    def _later(self, delay: float, fn: Callable[..., Any], *args: Any) -> None:
        self._timers.append(self.clock.call_later(delay, fn, *args))

    def cancel(self) -> None:
        for t in self._timers:
            t.cancel()
        self._timers.clear()
        for c in self.init + self.containers:
            c.stop_probes()
            if c.process is not None:
                c.process.stop_timers()

    def pod(self) -> Obj | None:
        pod = self.store.try_get("Pod", self.name, self.namespace)
        if pod is None or uid_of(pod) != self.uid:
            return None
        return pod

    def event(self, type_: str, reason: str, message: str, c: ContainerRun | None = None) -> None:
        pod = self.pod()
        if pod is None:
            return
        path = None
        if c is not None:
            path = f"spec.{'initContainers' if c.init else 'containers'}{{{c.name}}}"
        self.recorder.record(pod, type_, reason, message, field_path=path)

    def all_runs(self) -> list[ContainerRun]:
        return self.init + self.containers

    def find(self, name: str) -> ContainerRun | None:
        return next((c for c in self.all_runs() if c.name == name), None)

    # ----------------------------------------------------------- lifecycle
    def start(self) -> None:
        self._later(NOTICE_SECONDS, self._first_sync)

    def _first_sync(self) -> None:
        self.start_time = self.clock.now()
        self.write_status()
        self._later(SANDBOX_SECONDS, self._sandbox_ready)

    def _sandbox_ready(self) -> None:
        if self.terminating:
            return
        pod = self.pod()
        if not self.sandbox_ready:
            self.sandbox_ready = True
            host_network = bool(((pod or {}).get("spec") or {}).get("hostNetwork"))
            self.pod_ip = self.kubelet.node_ip if host_network else self.kubelet.allocate_ip()
        if pod is None:
            return
        try:
            if not self.volumes:  # a new sandbox after a reboot finds its volumes still on disk
                assert self.kubelet.volume_data is not None
                self.volumes = build_volumes(self.store, pod, self.kubelet.node_fs, self.kubelet.volume_data)
        except MountError as e:
            # the kubelet retries mounts with a back-off (0.5 s doubling to about 2 min)
            self.event(WARNING, "FailedMount", str(e))
            self._mount_backoff = 0.5 if not self._mount_backoff else min(122.0, self._mount_backoff * 2)
            self._later(self._mount_backoff, self._sandbox_ready)
            self.write_status()
            return
        if self.init:
            self._start(self.init[0])
        else:
            self._start_app_containers()
        self.write_status()

    def _start_app_containers(self) -> None:
        self.initialized = True  # the app containers wait as PodInitializing until they are created
        self._start_next_app(0)

    def _start_next_app(self, index: int) -> None:
        if index >= len(self.containers):
            return
        c = self.containers[index]
        if c.state == "terminated":  # succeeded under OnFailure, not started again in a new sandbox
            self._start_next_app(index + 1)
            return
        self._start(c, then=lambda: self._start_next_app(index + 1))

    # ------------------------------------------------------ image and start
    def _start(self, c: ContainerRun, then: Callable[[], None] | None = None) -> None:
        """Pull if needed, then create and start ``c``; ``then`` runs once it is started
        (or could not start), so the kubelet goes on to the next container."""
        if self.terminating:
            return
        c.pending = True
        image = c.image
        policy = c.spec.get("imagePullPolicy", "IfNotPresent")
        if not bh.image_name_valid(image):
            self._waiting(c, "InvalidImageName", f'Failed to apply default image tag "{image}": couldn\'t parse '
                                                 f'image name "{image}": invalid reference format')
            self.event(WARNING, "InspectFailed", c.message, c)
            self.event(WARNING, "Failed", "Error: InvalidImageName", c)
            c.pending = False
            if then:
                then()
            return
        present = self.kubelet.images.has(image)
        if policy == "Never" and not present:
            msg = f'Container image "{image}" is not present with pull policy of Never'
            self._waiting(c, "ErrImageNeverPull", msg)
            self.event(WARNING, "ErrImageNeverPull", msg, c)
            self.event(WARNING, "Failed", "Error: ErrImageNeverPull", c)
            c.pending = False
            if then:
                then()
            return
        if present and policy != "Always":
            self.event(NORMAL, "Pulled", f'Container image "{image}" already present on machine', c)
            self._create(c, then)
            return
        self.event(NORMAL, "Pulling", f'Pulling image "{image}"', c)
        self.kubelet.pull(image, lambda ok, waited, took, err: self._pulled(c, ok, waited, took, err, then))

    def _pulled(self, c: ContainerRun, ok: bool, waited: float, took: float, err: str,
                then: Callable[[], None] | None) -> None:
        if self.terminating:
            return
        image = c.image
        if ok:
            c.pull_backoff = 0.0
            size = bh.profile_for(image).size
            self.event(NORMAL, "Pulled", f'Successfully pulled image "{image}" in {took:.3f}s ({waited:.3f}s '
                                         f"including waiting). Image size: {size} bytes.", c)
            self._create(c, then)
            return
        self.event(WARNING, "Failed", f'Failed to pull image "{image}": {err}', c)
        self.event(WARNING, "Failed", "Error: ErrImagePull", c)
        self._waiting(c, "ErrImagePull", err)
        delay = c.pull_backoff = 10.0 if c.pull_backoff == 0 else min(300.0, c.pull_backoff * 2)
        self._later(BACKOFF_STATUS_SECONDS, self._image_backoff, c, err)
        self._later(delay, self._retry_pull, c, then)
        c.pending = False
        if then:
            then()

    def _image_backoff(self, c: ContainerRun, err: str) -> None:
        if self.terminating or c.state != "waiting" or c.reason != "ErrImagePull":
            return
        self.event(NORMAL, "BackOff", f'Back-off pulling image "{c.image}"', c)
        self.event(WARNING, "Failed", "Error: ImagePullBackOff", c)
        self._waiting(c, "ImagePullBackOff", f'Back-off pulling image "{c.image}": ErrImagePull: {err}')

    def _retry_pull(self, c: ContainerRun, then: Callable[[], None] | None) -> None:
        if self.terminating or c.state == "running":
            return
        self._start(c)

    def _waiting(self, c: ContainerRun, reason: str, message: str = "") -> None:
        c.state, c.reason, c.message, c.ready = "waiting", reason, message, False
        self.write_status()

    def _create(self, c: ContainerRun, then: Callable[[], None] | None) -> None:
        self._later(CREATE_SECONDS, self._created, c, then)

    def _created(self, c: ContainerRun, then: Callable[[], None] | None) -> None:
        if self.terminating:
            return
        pod = self.pod()
        if pod is None:
            return
        try:
            env = build_env(self.store, pod, c.spec)
        except ConfigError as e:
            self._waiting(c, "CreateContainerConfigError", str(e))
            self.event(WARNING, "Failed", f"Error: {e}", c)
            self._later(CONFIG_RETRY_SECONDS, self._retry_create, c)
            c.pending = False
            if then:
                then()
            return
        c.image_ready = True
        c.container_id = f"containerd://{self.store.rng_for(pod).getrandbits(256):064x}"
        self.event(NORMAL, "Created", f"Created container: {c.name}", c)
        self._later(START_SECONDS, self._started, c, env, then)

    def _retry_create(self, c: ContainerRun) -> None:
        if not self.terminating and c.state == "waiting" and c.reason == "CreateContainerConfigError":
            self._create(c, None)

    def _started(self, c: ContainerRun, env: dict[str, str], then: Callable[[], None] | None) -> None:
        if self.terminating:
            return
        profile = bh.profile_for(c.image)
        argv = [expand(a, env) for a in bh.command_line(c.spec, profile)]
        limit = ((c.spec.get("resources") or {}).get("limits") or {}).get("memory")
        try:
            mem_limit = whole(limit) if limit is not None else None
        except QuantityError:
            mem_limit = None
        pod = self.pod() or {}
        proc = ContainerProcess(
            clock=self.clock, argv=argv, profile=profile, overrides=bh.overrides_for(pod, c.name), env=env,
            hostname=self._hostname(pod), on_exit=lambda code, reason: self._exited(c, proc, code, reason),
            resolve=self.kubelet.resolver(self.namespace, self.name),
            http_client=self.kubelet.http_client(self.namespace, self.name), memory_limit=mem_limit, name=c.name,
        )
        for path, content in profile.files:
            proc.fs.write(path, content)
        self._etc_files(proc, pod)
        mount_volumes(proc.fs, c.spec, self.volumes)
        if c.process is not None:
            c.previous = c.process  # kept for `kubectl logs --previous`; the new one starts on a fresh layer
        c.process = proc
        c.state, c.reason, c.message, c.started_at = "running", "", "", self.clock.now()
        c.pending = False
        self.event(NORMAL, "Started", f"Started container {c.name}", c)
        proc.start()
        if proc.exited:  # it ran to completion (or failed) at once
            if then:
                then()
            return
        self._post_start(c, proc)
        self._start_probes(c, proc)
        self.write_status()
        if then:
            then()

    def _etc_files(self, proc: ContainerProcess, pod: Obj) -> None:
        """``/etc/hostname``, ``/etc/hosts`` and ``/etc/resolv.conf``, as the kubelet mounts them."""
        hostname = self._hostname(pod)
        proc.fs.write("/etc/hostname", hostname + "\n")
        host_network = (pod.get("spec") or {}).get("hostNetwork")
        hosts = (self.kubelet.node_fs.read("/etc/hosts") or "") if host_network else \
            etc_files.hosts_file(pod, self.pod_ip or "", hostname)
        proc.fs.write("/etc/hosts", hosts)
        proc.fs.write("/etc/resolv.conf", self.kubelet.resolv_conf(self.namespace, self.name))

    def _hostname(self, pod: Obj) -> str:
        spec = pod.get("spec") or {}
        return spec.get("hostname") or self.name

    def _post_start(self, c: ContainerRun, proc: ContainerProcess) -> None:
        hook = ((c.spec.get("lifecycle") or {}).get("postStart") or {})
        if not hook:
            return
        ok = True
        if "exec" in hook:
            res = proc.exec(list((hook["exec"] or {}).get("command") or []), timeout=float(self.grace))
            ok = res.code == 0
        elif "httpGet" in hook:
            action = hook["httpGet"] or {}
            reply = proc.http_get(int(action.get("port", 80)) if str(action.get("port", "")).isdigit() else 80,
                                  action.get("path", "/"))
            ok = reply is not None and reply.status < 400
        if not ok:
            self.event(WARNING, "FailedPostStartHook", "PostStartHook failed", c)
            self._kill(c, "FailedPostStartHook", f"Container {c.name} failed post start hook, will be restarted")

    # ---------------------------------------------------------------- probes
    def _start_probes(self, c: ContainerRun, proc: ContainerProcess) -> None:
        c.stop_probes()
        c.started = "startupProbe" not in c.spec
        if "startupProbe" in c.spec:
            self._probe(c, proc, "startup")
        else:
            self._after_startup(c, proc)

    def _after_startup(self, c: ContainerRun, proc: ContainerProcess) -> None:
        c.started = True
        if "livenessProbe" in c.spec:
            self._probe(c, proc, "liveness")
        if "readinessProbe" in c.spec and not c.init:
            self._probe(c, proc, "readiness")
        else:
            c.ready = not c.init or c.sidecar
        if c.sidecar and c in self.init:
            self._init_progress()

    def _probe(self, c: ContainerRun, proc: ContainerProcess, kind: str) -> None:
        ports = {p.get("name"): int(p.get("containerPort", 0)) for p in c.spec.get("ports") or [] if p.get("name")}
        worker = ProbeWorker(self.clock, kind, c.spec[f"{kind}Probe"], proc, self.pod_ip or "", ports,
                             on_result=lambda w, ok: self._probe_result(c, proc, w, ok),
                             on_failure_event=lambda msg: self.event(WARNING, "Unhealthy", msg, c),
                             forced=self.failing_probes.__contains__)
        c.probes[kind] = worker
        worker.start(proc.started_at)

    def _probe_result(self, c: ContainerRun, proc: ContainerProcess, worker: ProbeWorker, ok: bool) -> None:
        if c.process is not proc or self.terminating:
            return
        if worker.kind == "readiness":
            c.ready = ok
            self.write_status()
        elif worker.kind == "startup":
            if ok:
                self._after_startup(c, proc)
                self.write_status()
            else:
                self._kill(c, "startup", f"Container {c.name} failed startup probe, will be restarted",
                           worker.probe)
        elif not ok:
            self._kill(c, "liveness", f"Container {c.name} failed liveness probe, will be restarted", worker.probe)

    def _kill(self, c: ContainerRun, why: str, message: str, probe: Obj | None = None) -> None:
        """Stop ``c`` for a restart (failed liveness/startup probe, failed hook)."""
        proc = c.process
        if proc is None or proc.exited or c.killing:
            return
        c.killing = True
        c.stop_probes()  # it stays ready (if it was) until it has actually stopped
        self.event(NORMAL, "Killing", message, c)
        grace = (probe or {}).get("terminationGracePeriodSeconds", self.grace)
        self._stop(c, proc, float(grace))
        self.write_status()

    def images_differ(self, pod: Obj) -> bool:
        """Cheap check per sync: does any container's image in ``pod`` differ from what runs?"""
        spec = pod.get("spec") or {}
        images = {c.get("name"): c.get("image") for c in [*(spec.get("initContainers") or []),
                                                         *(spec.get("containers") or [])]}
        return any(images.get(c.name, c.spec.get("image")) != c.spec.get("image") for c in self.all_runs())

    def sync_spec(self, pod: Obj) -> None:
        """The pod's spec changed (only images may): a running container whose image changed is
        killed and started again with the new image, as the kubelet does when a container's hash
        changes (``computePodActions``: "definition changed, will be restarted"). A waiting one
        simply uses the new image at its next start."""
        spec = pod.get("spec") or {}
        specs = {c.get("name"): c for c in [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]}
        for c in self.all_runs():
            new = specs.get(c.name)
            if new is None or new.get("image") == c.spec.get("image"):
                continue
            if c.init and not c.sidecar and c.state == "terminated" and c.exit_code == 0:
                c.spec = new  # a finished init container does not run again
                continue
            c.spec, c.image_ready = new, False
            if c.state == "running" and c.process is not None and not c.process.exited:
                c.respec = True
                self._kill(c, "spec", f"Container {c.name} definition changed, will be restarted")
        self.write_status()

    def _stop(self, c: ContainerRun, proc: ContainerProcess, grace: float) -> None:
        """``killContainer``: the preStop hook runs first (up to the grace period), then SIGTERM
        with what is left of it — at least 2 s (``minimumGracePeriodInSeconds``)."""
        took = self._pre_stop(c, proc, grace)
        if took <= 0:
            proc.terminate(grace)
            return
        self._later(took, proc.terminate, max(grace - took, MIN_GRACE_SECONDS))

    def _pre_stop(self, c: ContainerRun, proc: ContainerProcess, grace: float) -> float:
        """Run the preStop exec hook; the virtual seconds it took (its sleeps, capped at ``grace``)."""
        hook = ((c.spec.get("lifecycle") or {}).get("preStop") or {})
        if "exec" in hook:
            return min(proc.exec(list((hook["exec"] or {}).get("command") or []), timeout=grace).seconds, grace)
        if "sleep" in hook:  # the PodLifecycleSleepAction hook (beta, on by default since v1.30)
            return min(float((hook["sleep"] or {}).get("seconds") or 0), grace)
        return 0.0

    # ------------------------------------------------------------------ exits
    def _exited(self, c: ContainerRun, proc: ContainerProcess, code: int, reason: str) -> None:
        if c.process is not proc:
            return
        c.stop_probes()
        c.killing = False
        c.state, c.exit_code, c.reason, c.finished_at = "terminated", code, reason, self.clock.now()
        c.message = ""
        c.ready = False
        if self.terminating:
            if all(x.state != "running" for x in self.all_runs()):
                self._finish()
            else:
                self.write_status()
            return
        if c.respec:
            c.respec = False
            c.last_state = {"terminated": c.terminated_status()}
            self._do_restart(c)
        elif c.init and not c.sidecar:
            self._init_exited(c, code)
        elif c.sidecar:
            self._restart(c)
        else:
            self._app_exited(c, code)

    def _should_restart(self, code: int) -> bool:
        return self.restart_policy == "Always" or (self.restart_policy == "OnFailure" and code != 0)

    def _init_exited(self, c: ContainerRun, code: int) -> None:
        if code == 0:
            # the exit shows at once (Init:1/2); the kubelet acts on it at its next relist
            self.write_status()
            self._later(RELIST_SECONDS, self._init_progress)
            return
        if self.restart_policy == "Never":
            self.terminal_phase = "Failed"
            self.write_status()
            return
        self._restart(c)

    def _init_progress(self) -> None:
        """Start the next init container once the previous one completed (or a sidecar started)."""
        for c in self.init:
            done = (c.state == "terminated" and c.exit_code == 0) or (c.sidecar and c.state == "running" and c.started)
            if done:
                continue
            if c.state == "waiting" and not c.pending and c.reason in ("PodInitializing", "ContainerCreating"):
                self._start(c)
            self.write_status()
            return
        if not self.initialized:
            self._start_app_containers()
        self.write_status()

    def _app_exited(self, c: ContainerRun, code: int) -> None:
        if self._should_restart(code):
            self._restart(c)
            return
        app_done = all(x.state == "terminated" for x in self.containers)
        if app_done:
            for s in self.init:
                if s.sidecar and s.process is not None and not s.process.exited:
                    s.process.terminate(float(self.grace))
        self.write_status()

    def _restart(self, c: ContainerRun) -> None:
        """Restart after the CrashLoopBackOff delay (the first restart happens at once)."""
        ran = (c.finished_at or 0) - (c.started_at or 0)
        delay = c.next_backoff(ran)
        if delay > 0:
            # the exit shows first (STATUS Error, Init:Error); the next sync finds the back-off
            self.write_status()
            self._later(RELIST_SECONDS, self._crash_loop, c, c.process, delay)
        else:
            c.last_state = {"terminated": c.terminated_status()}
            self.write_status()
        self._later(delay, self._do_restart, c)

    def _crash_loop(self, c: ContainerRun, proc: ContainerProcess | None, delay: float) -> None:
        if self.terminating or c.process is not proc or c.state != "terminated":
            return
        c.last_state = {"terminated": c.terminated_status()}
        msg = f"back-off {int(delay)}s restarting failed container={c.name} pod={self.name}_{self.namespace}" \
              f"({self.uid})"
        self._waiting(c, "CrashLoopBackOff", msg)
        self.event(WARNING, "BackOff", f"Back-off restarting failed container {c.name} in pod "
                                       f"{self.name}_{self.namespace}({self.uid})", c)

    def _do_restart(self, c: ContainerRun) -> None:
        if self.terminating:
            return
        c.restart_count += 1
        c.state = "waiting"
        c.reason = "ContainerCreating"
        self._start(c)

    # ----------------------------------------------------------- termination
    def terminate(self, grace: int) -> None:
        """The pod got a ``deletionTimestamp``: preStop, SIGTERM, and SIGKILL after ``grace``."""
        if self.terminating:
            return
        self.terminating = True
        for t in self._timers:
            t.cancel()
        self._timers.clear()
        running = [c for c in self.all_runs() if c.process is not None and not c.process.exited]
        for c in self.all_runs():
            c.stop_probes()
            if c.state == "waiting":
                c.ready = False
        if not running:
            self._finish()
            return
        for c in running:
            self.event(NORMAL, "Killing", f"Stopping container {c.name}", c)
            assert c.process is not None
            self._stop(c, c.process, float(grace))
        self.write_status()

    def evict(self, reason: str, message: str, grace: int) -> None:
        """``evictPod`` / ``killPodFunc``: Failed at once, containers killed with ``grace``;
        unlike a deletion, the pod object stays, with ``reason`` and ``message`` (its
        controller replaces it). The caller records the Evicted event."""
        if self.terminating or self.terminal_phase:
            return
        self.terminal_phase = "Failed"
        self.status_reason, self.status_message = reason, message
        self.terminate(grace)

    def _finish(self) -> None:
        app = [c for c in self.containers if c.state == "terminated"]
        ok = bool(app) and len(app) == len(self.containers) and all(c.exit_code == 0 for c in app)
        self.terminal_phase = self.terminal_phase or ("Succeeded" if ok else "Failed")
        self.write_status()
        if self.pod() is not None and not self.status_reason:  # an evicted pod stays, Failed
            try:
                self.store.delete("Pod", self.name, self.namespace, grace_period=0, uid=self.uid)
            except errors.ApiError:
                pass
        self.cancel()
        self.kubelet.forget(self.uid)

    # ------------------------------------------------------------ power loss
    def halt(self) -> None:
        """The node lost power: every timer stops and every process dies, silently: the API
        keeps the last status the kubelet wrote, since nobody is left to write another."""
        for t in self._timers:
            t.cancel()
        self._timers.clear()
        for c in self.all_runs():
            c.stop_probes()
            c.pending = c.killing = False
            if c.process is not None:
                c.process.halt()

    def boot(self) -> None:
        """The node is back (``computePodActions`` after a reboot). containerd reports what ran
        before as exited ``Unknown``/255; a pod deleted meanwhile is finished and removed; any
        other pod gets a new sandbox (``SandboxChanged``) and starts again from its first init
        container, each container that ran before counting one restart. The back-off state
        lived in the kubelet's memory and starts afresh."""
        now = self.clock.now()
        for c in self.all_runs():
            if c.state == "running":
                c.state, c.exit_code, c.reason, c.message, c.finished_at = "terminated", 255, "Unknown", "", now
            c.ready = c.started = False
            c.backoff = c.pull_backoff = 0.0
        pod = self.pod()
        if pod is None or self.terminal_phase or (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
            self.write_status()
            return
        if pod["metadata"].get("deletionTimestamp"):
            self.terminating = True
            self._finish()
            return
        if self.start_time is None:
            self.start()
            return
        ran = [c for c in self.all_runs() if c.container_id]
        if self.restart_policy == "Never" and ran:
            self.write_status()  # no new sandbox: the pod is done (getPhase says Failed)
            return
        self.event(NORMAL, "SandboxChanged", "Pod sandbox changed, it will be killed and re-created.")
        self.sandbox_ready, self.pod_ip, self.initialized = False, None, not self.init
        for c in self.all_runs():
            if self.restart_policy == "OnFailure" and not c.init and c.state == "terminated" and c.exit_code == 0:
                continue
            if c.container_id and (c.state == "terminated" or c.reason == "CrashLoopBackOff"):
                if c.state == "terminated":
                    c.last_state = {"terminated": c.terminated_status()}
                c.restart_count += 1
            c.state, c.message = "waiting", ""
            c.reason = "PodInitializing" if self.init else "ContainerCreating"
        self.write_status()
        self._later(SANDBOX_SECONDS, self._sandbox_ready)

    # ---------------------------------------------------------------- status
    def write_status(self) -> None:
        pod = self.pod()
        if pod is None:
            return
        status = build_status(self, pod, format_time(self.clock.now()))
        if status == pod.get("status"):
            return
        try:
            self.store.update_status({**pod, "status": status})
        except errors.ApiError:
            pass

    def logs(self, container: str | None, previous: bool = False) -> list[tuple[float, str]] | None:
        c = self.find(container) if container else (self.containers[0] if self.containers else None)
        if c is None:
            return None
        proc = c.previous if previous else c.process
        return list(proc.logs) if proc is not None else []


__all__ = ["PodWorker", "images"]
