"""Probe workers: startup, liveness and readiness, as the kubelet's prober runs them.

One worker per (container instance, probe). It first probes ``initialDelaySeconds`` after
the container started (liveness and readiness wait for a startup probe to succeed), then
every ``periodSeconds``; ``successThreshold``/``failureThreshold`` consecutive results flip
its state. Every failed probe records an ``Unhealthy`` event with the check's output.

Each worker also keeps its last :data:`HISTORY` results (:class:`ProbeResult`). The API has
no such field — the kubelet only reports the state they add up to — but a UI that shows
*why* a container restarted or went unready needs the individual checks.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from k9play.kubelet.runtime import ContainerProcess

if TYPE_CHECKING:
    from k9play.clock import TimerHandle, VirtualClock

Obj = dict[str, Any]
LABEL = {"liveness": "Liveness", "readiness": "Readiness", "startup": "Startup"}
#: Results kept per container and probe kind: enough for a timeline, bounded for 10k pods.
HISTORY = 20


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """One probe run as the kubelet saw it (virtual time, probe kind, verdict, check output)."""

    time: float
    kind: str  # liveness | readiness | startup
    ok: bool
    output: str = ""


def run_probe(probe: Obj, proc: ContainerProcess, pod_ip: str, ports: dict[str, int]) -> tuple[bool, str]:
    """Evaluate one probe against a container: (success, output)."""
    timeout = float(probe.get("timeoutSeconds", 1))
    if "exec" in probe:
        argv = list((probe["exec"] or {}).get("command") or [])
        res = proc.exec(argv, timeout)
        if res.code is None:
            return False, f'command "{" ".join(argv)}" timed out'
        return res.code == 0, res.output.strip()
    if "httpGet" in probe:
        action = probe["httpGet"] or {}
        port = _port(action.get("port"), ports)
        host = action.get("host") or pod_ip
        path = action.get("path", "/")
        scheme = (action.get("scheme") or "HTTP").lower()
        reply = proc.http_get(port, path)
        url = f"{scheme}://{host}:{port}{path}"
        if reply is None:
            return False, f'Get "{url}": dial tcp {host}:{port}: connect: connection refused'
        if 200 <= reply.status < 400:
            return True, ""
        return False, f"HTTP probe failed with statuscode: {reply.status}"
    if "tcpSocket" in probe:
        action = probe["tcpSocket"] or {}
        port = _port(action.get("port"), ports)
        host = action.get("host") or pod_ip
        if proc.tcp_open(port):
            return True, ""
        return False, f"dial tcp {host}:{port}: connect: connection refused"
    if "grpc" in probe:
        port = int((probe["grpc"] or {}).get("port", 0))
        serving = proc.grpc_serving(port)
        if serving is None:
            return False, f'timeout: failed to connect service "{pod_ip}:{port}" within {int(timeout)}s'
        if not serving:
            return False, 'service unhealthy (responded with "NOT_SERVING")'
        return True, ""
    return True, ""


def forced_failure(probe: Obj, pod_ip: str, ports: dict[str, int]) -> str:
    """What a probe reports when a fault forces it to fail: the failure its handler would see
    from an unhealthy container (HTTP 500, a refused connection, NOT_SERVING, exit code 1)."""
    if "httpGet" in probe:
        return "HTTP probe failed with statuscode: 500"
    if "tcpSocket" in probe:
        action = probe["tcpSocket"] or {}
        host = action.get("host") or pod_ip
        return f"dial tcp {host}:{_port(action.get('port'), ports)}: connect: connection refused"
    if "grpc" in probe:
        return 'service unhealthy (responded with "NOT_SERVING")'
    return "k9play fault: probe forced to fail"


def _port(value: Any, ports: dict[str, int]) -> int:
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return ports.get(str(value), 0)


class ProbeWorker:
    """Runs one probe of one container instance on the virtual clock."""

    def __init__(self, clock: VirtualClock, kind: str, probe: Obj, proc: ContainerProcess, pod_ip: str,
                 ports: dict[str, int], on_result: Callable[[ProbeWorker, bool], None],
                 on_failure_event: Callable[[str], None], forced: Callable[[str], bool] | None = None) -> None:
        self.clock = clock
        self.kind = kind
        self.probe = probe
        self.proc = proc
        self.pod_ip = pod_ip
        self.ports = ports
        self.on_result = on_result
        self.on_failure_event = on_failure_event
        #: ``forced(kind)``: a fault makes every probe of this kind fail (``k9play.faults``)
        self.forced = forced
        self.successes = 0
        self.failures = 0
        #: liveness is presumed fine until it fails; readiness and startup must first succeed
        self.healthy = kind == "liveness"
        self.history: deque[ProbeResult] = deque(maxlen=HISTORY)
        self._timer: TimerHandle | None = None
        self.stopped = False

    def start(self, since: float) -> None:
        """Schedule the first probe ``initialDelaySeconds`` after ``since``."""
        first = since + float(self.probe.get("initialDelaySeconds", 0))
        self._timer = self.clock.call_at(max(first, self.clock.now()), self._tick)

    def stop(self) -> None:
        self.stopped = True
        if self._timer is not None:
            self._timer.cancel()

    def _tick(self) -> None:
        if self.stopped or self.proc.exited:
            return
        if self.forced is not None and self.forced(self.kind):
            ok, output = False, forced_failure(self.probe, self.pod_ip, self.ports)
        else:
            ok, output = run_probe(self.probe, self.proc, self.pod_ip, self.ports)
        self.history.append(ProbeResult(self.clock.now(), self.kind, ok, output))
        if ok:
            self.successes += 1
            self.failures = 0
            if not self.healthy and self.successes >= int(self.probe.get("successThreshold", 1)):
                self.healthy = True
                self.on_result(self, True)
        else:
            self.failures += 1
            self.successes = 0
            self.on_failure_event(f"{LABEL[self.kind]} probe failed: {output}")
            if self.healthy and self.failures >= int(self.probe.get("failureThreshold", 3)):
                self.healthy = False
                self.on_result(self, False)
            elif self.kind == "startup" and self.failures >= int(self.probe.get("failureThreshold", 3)):
                self.on_result(self, False)
        if self.stopped or self.proc.exited:
            return
        if self.kind == "startup" and self.healthy and self.successes:
            return  # a startup probe stops once it has succeeded
        self._timer = self.clock.call_later(float(self.probe.get("periodSeconds", 10)), self._tick)
