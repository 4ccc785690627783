"""Probe results and CrashLoopBackOff as the kubelet keeps them for the UI (read-only, bounded)."""

from __future__ import annotations

from typing import Any

from k9play.api.meta import parse_time, uid_of
from k9play.cluster import Cluster
from k9play.kubelet.probes import HISTORY, ProbeResult
from k9play.manifests.applier import apply_object
from tests.helpers import new_cluster, pod

NO_FILE = "cat: can't open '/tmp/healthy': No such file or directory"


def exec_liveness() -> dict[str, Any]:
    """The docs' exec liveness example (pods/probe/exec-liveness.yaml), written here."""
    return pod("liveness-exec", containers=[{
        "name": "liveness", "image": "registry.k8s.io/busybox:1.27.2",
        "args": ["/bin/sh", "-c", "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"],
        "livenessProbe": {"exec": {"command": ["cat", "/tmp/healthy"]}, "initialDelaySeconds": 5, "periodSeconds": 5},
    }])


def started_at(c: Cluster, name: str) -> float:
    status = c.store.get("Pod", name, "default")["status"]["containerStatuses"][0]
    return parse_time(status["state"]["running"]["startedAt"])


def history(c: Cluster, name: str, container: str) -> list[ProbeResult]:
    return c.kubelets.probe_history(uid_of(c.store.get("Pod", name, "default")), container)


def test_exec_liveness_results_over_virtual_time() -> None:
    c = new_cluster()
    apply_object(c.store, exec_liveness())
    c.advance_sync(45)
    h = history(c, "liveness-exec", "liveness")
    # first probe initialDelaySeconds after the start, then every periodSeconds (startedAt is whole seconds)
    first = h[0].time - started_at(c, "liveness-exec")
    assert 5 <= first < 6
    assert [round(r.time - h[0].time) for r in h] == [0, 5, 10, 15, 20, 25, 30, 35]
    assert [r.kind for r in h] == ["liveness"] * 8
    assert [r.ok for r in h] == [True] * 6 + [False] * 2  # the file is gone 30 s after the start
    assert [r.output for r in h if not r.ok] == [NO_FILE, NO_FILE]


def test_history_survives_the_restart_and_stays_bounded() -> None:
    c = new_cluster()
    apply_object(c.store, exec_liveness())
    c.advance_sync(90)  # 3 failures, killed after the 30 s grace period, restarted at once
    p = c.store.get("Pod", "liveness-exec", "default")
    assert p["status"]["containerStatuses"][0]["restartCount"] == 1
    h = history(c, "liveness-exec", "liveness")
    oks = "".join("✓" if r.ok else "✗" for r in h)
    assert oks.startswith("✓✓✓✓✓✓✗✗✗✓")  # the second instance's probes follow the first's
    c.advance_sync(1200)
    h = history(c, "liveness-exec", "liveness")
    assert len(h) == HISTORY
    assert h == sorted(h, key=lambda r: r.time)


def test_each_probe_kind_is_recorded_and_bounded_separately() -> None:
    c = new_cluster()
    probe = {"httpGet": {"path": "/", "port": 80}, "periodSeconds": 1}
    apply_object(c.store, pod("web", containers=[{
        "name": "nginx", "image": "nginx:1.25", "ports": [{"containerPort": 80}],
        "startupProbe": dict(probe), "readinessProbe": dict(probe),
        "livenessProbe": {"httpGet": {"path": "/", "port": 80}, "periodSeconds": 10},
    }]))
    c.advance_sync(120)
    h = history(c, "web", "nginx")
    kinds = [r.kind for r in h]
    assert kinds.count("readiness") == HISTORY  # one a second, only the last 20 kept
    assert 1 <= kinds.count("startup") <= 3 and 1 <= kinds.count("liveness") <= 12
    assert all(r.ok for r in h if r.kind != "startup")
    assert h == sorted(h, key=lambda r: r.time)


def test_unknown_pod_or_container_has_no_history() -> None:
    c = new_cluster()
    apply_object(c.store, exec_liveness())
    c.advance_sync(10)
    assert c.kubelets.probe_history("no-such-uid", "liveness") == []
    assert history(c, "liveness-exec", "nope") == []
    assert c.kubelets.backoff("no-such-uid", "liveness") is None


def test_crash_loop_back_off_countdown() -> None:
    c = new_cluster()
    apply_object(c.store, pod("crasher", "busybox:1.36", containers=[
        {"name": "main", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 5; exit 1"]}]))
    uid = uid_of(c.store.get("Pod", "crasher", "default"))
    seen: list[tuple[float, float]] = []
    for _ in range(120):
        c.advance_sync(1)
        b = c.kubelets.backoff(uid, "main")
        p = c.store.get("Pod", "crasher", "default")
        waiting = p["status"]["containerStatuses"][0]["state"].get("waiting") or {}
        if b is not None:  # (the status may still say CrashLoopBackOff for a moment after the restart began)
            assert waiting.get("reason") == "CrashLoopBackOff"
            finished = parse_time(p["status"]["containerStatuses"][0]["lastState"]["terminated"]["finishedAt"])
            assert waiting["message"].startswith(f"back-off {int(b.delay)}s restarting failed container=main")
            assert int(b.restart_at - b.delay) == int(finished)
            assert b.restart_at > c.clock.now()
            if not seen or seen[-1] != (b.delay, b.restart_at):
                seen.append((b.delay, b.restart_at))
    assert [d for d, _ in seen] == [10.0, 20.0, 40.0, 80.0]  # the first restart is immediate


def test_probe_history_is_deterministic() -> None:
    def run() -> list[ProbeResult]:
        c = new_cluster()
        apply_object(c.store, exec_liveness())
        c.advance_sync(100)
        return history(c, "liveness-exec", "liveness")

    assert run() == run()
