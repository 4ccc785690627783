"""Pod lifecycle on the simulated kubelet, against the scenarios of the Kubernetes docs."""

from __future__ import annotations

import itertools

from k9play.api.meta import parse_time
from k9play.kubectl.columns import pod_ready, pod_restarts, pod_status_reason
from k9play.manifests.applier import apply_object
from tests.helpers import new_cluster

T0 = 1767225600.0


def pod(name: str, containers: list[dict], **spec) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": {"containers": containers, **spec}}


def events(c, name, reason=None):
    evs = [e for e in c.store.list("Event", "default") if e["involvedObject"]["name"] == name
           and (reason is None or e["reason"] == reason)]
    return sorted(evs, key=lambda e: e["metadata"]["name"])


def timeline(c, name, seconds, step=1.0):
    """(t, READY, STATUS, RESTARTS) each time the kubectl row of the pod changes."""
    rows, last = [], None
    for _ in range(int(seconds / step)):
        c.advance_sync(step)
        p = c.store.try_get("Pod", name, "default")
        if p is None:
            break
        restarts = pod_restarts(p, c.clock.now()).split(" ")[0]
        row = (pod_ready(p), pod_status_reason(p), restarts)
        if row != last:
            rows.append((round(c.clock.now() - T0), *row))
            last = row
    return rows


# --- the docs' exec liveness example (pods/probe/exec-liveness.yaml), written here
EXEC_LIVENESS = pod("liveness-exec", [{
    "name": "liveness", "image": "registry.k8s.io/busybox:1.27.2",
    "args": ["/bin/sh", "-c", "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"],
    "livenessProbe": {"exec": {"command": ["cat", "/tmp/healthy"]}, "initialDelaySeconds": 5, "periodSeconds": 5},
}])


def test_exec_liveness_fails_after_30s_and_restarts():
    c = new_cluster()
    apply_object(c.store, EXEC_LIVENESS)
    c.advance_sync(34)
    assert events(c, "liveness-exec", "Unhealthy") == []  # no failure within 30 s of the container start
    c.advance_sync(30)
    unhealthy = events(c, "liveness-exec", "Unhealthy")
    assert len(unhealthy) == 1 and unhealthy[0]["count"] == 3
    assert unhealthy[0]["type"] == "Warning"
    assert unhealthy[0]["message"] == ("Liveness probe failed: cat: can't open '/tmp/healthy': "
                                       "No such file or directory")
    started = parse_time(c.store.get("Pod", "liveness-exec", "default")["status"]["containerStatuses"][0]
                         ["state"]["running"]["startedAt"])
    first = parse_time(unhealthy[0]["firstTimestamp"]) - started
    last = parse_time(unhealthy[0]["lastTimestamp"]) - started
    assert 34 <= first <= 36 and 44 <= last <= 46  # failures at about 35, 40, 45 s
    killing = events(c, "liveness-exec", "Killing")
    assert [e["message"] for e in killing] == ["Container liveness failed liveness probe, will be restarted"]
    c.advance_sync(30)  # busybox's sh ignores SIGTERM: killed at the end of the 30 s grace period
    p = c.store.get("Pod", "liveness-exec", "default")
    assert pod_restarts(p, c.clock.now()).startswith("1 (") and pod_status_reason(p) == "Running"
    last_state = p["status"]["containerStatuses"][0]["lastState"]["terminated"]
    assert (last_state["exitCode"], last_state["reason"]) == (137, "Error")


def test_tcp_readiness_gates_ready():
    c = new_cluster()
    apply_object(c.store, pod("goproxy", [{
        "name": "goproxy", "image": "registry.k8s.io/goproxy:0.1", "ports": [{"containerPort": 8080}],
        "readinessProbe": {"tcpSocket": {"port": 8080}, "initialDelaySeconds": 15, "periodSeconds": 10},
        "livenessProbe": {"tcpSocket": {"port": 8080}, "initialDelaySeconds": 15, "periodSeconds": 10},
    }]))
    rows = timeline(c, "goproxy", 40)
    running = [r for r in rows if r[2] == "Running"]
    assert running[0][1] == "0/1"
    ready_at = next(r[0] for r in rows if r[1] == "1/1")
    started_at = running[0][0]
    assert 14 <= ready_at - started_at <= 16
    assert all(r[3] == "0" for r in rows) and events(c, "goproxy", "Unhealthy") == []


def test_http_liveness_restarts_agnhost():
    c = new_cluster()
    apply_object(c.store, pod("liveness-http", [{
        "name": "liveness", "image": "registry.k8s.io/e2e-test-images/agnhost:2.40", "args": ["liveness"],
        "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080,
                                      "httpHeaders": [{"name": "Custom-Header", "value": "Awesome"}]},
                          "initialDelaySeconds": 3, "periodSeconds": 3},
    }]))
    c.advance_sync(40)
    msgs = {e["message"] for e in events(c, "liveness-http", "Unhealthy")}
    assert msgs == {"Liveness probe failed: HTTP probe failed with statuscode: 500"}
    assert events(c, "liveness-http", "Killing")
    p = c.store.get("Pod", "liveness-http", "default")
    assert p["status"]["containerStatuses"][0]["restartCount"] >= 1


def test_crash_loop_backoff_doubles():
    c = new_cluster()
    apply_object(c.store, pod("crasher", [{"name": "app", "image": "busybox:1.36",
                                            "command": ["sh", "-c", "echo boom; exit 1"]}]))
    restarted_at: list[float] = []
    seen_backoff = False
    for _ in range(4000):
        c.advance_sync(0.05)
        p = c.store.get("Pod", "crasher", "default")
        cs = (p["status"].get("containerStatuses") or [{}])[0]
        if cs.get("restartCount", 0) > len(restarted_at):
            restarted_at.append(c.clock.now())
        seen_backoff |= pod_status_reason(p) == "CrashLoopBackOff"
    gaps = [round(b - a) for a, b in itertools.pairwise(restarted_at)]
    # the first restart is immediate; then 10, 20, 40, 80 s of back-off (+0.35 s to start and crash)
    assert gaps[:4] == [10, 20, 40, 80], gaps
    assert seen_backoff
    backoff_events = events(c, "crasher", "BackOff")
    assert backoff_events and backoff_events[0]["message"].startswith(
        "Back-off restarting failed container app in pod crasher_default(")
    p = c.store.get("Pod", "crasher", "default")
    waiting = p["status"]["containerStatuses"][0]["state"]["waiting"]
    assert waiting["reason"] == "CrashLoopBackOff"
    assert waiting["message"].startswith("back-off 160s restarting failed container=app pod=crasher_default(")
    assert [line for _, line in c.kubelets.logs(p, "app", previous=True)] == ["boom"]


def test_restart_policies_and_exit_codes():
    c = new_cluster()
    apply_object(c.store, pod("ok", [{"name": "a", "image": "busybox:1.36", "command": ["sh", "-c", "exit 0"]}],
                              restartPolicy="Never"))
    apply_object(c.store, pod("bad", [{"name": "a", "image": "busybox:1.36", "command": ["sh", "-c", "exit 3"]}],
                              restartPolicy="Never"))
    apply_object(c.store, pod("retry", [{"name": "a", "image": "busybox:1.36", "command": ["sh", "-c", "exit 2"]}],
                              restartPolicy="OnFailure"))
    c.advance_sync(30)
    ok, bad, retry = (c.store.get("Pod", n, "default") for n in ("ok", "bad", "retry"))
    assert (ok["status"]["phase"], pod_status_reason(ok)) == ("Succeeded", "Completed")
    assert (bad["status"]["phase"], pod_status_reason(bad)) == ("Failed", "Error")
    assert bad["status"]["containerStatuses"][0]["state"]["terminated"]["exitCode"] == 3
    assert retry["status"]["phase"] == "Running" and retry["status"]["containerStatuses"][0]["restartCount"] >= 2


def test_oom_killed_when_memory_exceeds_the_limit():
    c = new_cluster()
    apply_object(c.store, pod("memory-demo-2", [{
        "name": "memory-demo-2-ctr", "image": "polinux/stress",
        "resources": {"requests": {"memory": "50Mi"}, "limits": {"memory": "100Mi"}},
        "command": ["stress"], "args": ["--vm", "1", "--vm-bytes", "250M", "--vm-hang", "1"],
    }]))
    rows = timeline(c, "memory-demo-2", 30)
    assert "OOMKilled" in [r[2] for r in rows]
    p = c.store.get("Pod", "memory-demo-2", "default")
    last = p["status"]["containerStatuses"][0]["lastState"]["terminated"]
    assert (last["reason"], last["exitCode"]) == ("OOMKilled", 137)


def test_image_pull_errors():
    c = new_cluster()
    apply_object(c.store, pod("typo", [{"name": "web", "image": "nginx:1.161"}]))
    apply_object(c.store, pod("never", [{"name": "web", "image": "nginx:1.99.0", "imagePullPolicy": "Never"}]))
    rows = timeline(c, "typo", 60)
    statuses = [r[2] for r in rows]
    assert statuses[:3] == ["ContainerCreating", "ErrImagePull", "ImagePullBackOff"]
    pulls = [e for e in events(c, "typo") if e["reason"] == "Pulling"]
    assert pulls[0]["count"] >= 3  # retried with back-off 10 s, 20 s …
    failed = [e["message"] for e in events(c, "typo", "Failed")]
    assert 'Failed to pull image "nginx:1.161": rpc error: code = NotFound desc = failed to pull and unpack image ' \
           '"docker.io/library/nginx:1.161": failed to resolve reference "docker.io/library/nginx:1.161": ' \
           "docker.io/library/nginx:1.161: not found" in failed
    assert "Error: ImagePullBackOff" in failed
    never = c.store.get("Pod", "never", "default")
    assert pod_status_reason(never) == "ErrImageNeverPull"


def test_init_containers_wait_for_services():
    c = new_cluster()
    wait = 'until nslookup {svc}.$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace).svc.cluster.local; ' \
           'do echo waiting for {svc}; sleep 2; done'
    apply_object(c.store, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "myapp-pod"}, "spec": {
        "containers": [{"name": "myapp-container", "image": "busybox:1.28",
                        "command": ["sh", "-c", "echo The app is running! && sleep 3600"]}],
        "initContainers": [
            {"name": "init-myservice", "image": "busybox:1.28", "command": ["sh", "-c", wait.format(svc="myservice")]},
            {"name": "init-mydb", "image": "busybox:1.28", "command": ["sh", "-c", wait.format(svc="mydb")]},
        ]}})
    c.advance_sync(20)
    p = c.store.get("Pod", "myapp-pod", "default")
    assert pod_status_reason(p) == "Init:0/2"
    apply_object(c.store, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "myservice"},
                           "spec": {"ports": [{"port": 80, "targetPort": 9376}]}})
    c.advance_sync(5)
    assert pod_status_reason(c.store.get("Pod", "myapp-pod", "default")) == "Init:1/2"
    apply_object(c.store, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "mydb"},
                           "spec": {"ports": [{"port": 80, "targetPort": 9377}]}})
    c.advance_sync(5)
    p = c.store.get("Pod", "myapp-pod", "default")
    assert (pod_status_reason(p), pod_ready(p)) == ("Running", "1/1")
    logs = c.kubelets.logs(p, "init-myservice")
    assert logs and logs[0][1] == "Server:\t\t10.96.0.10"
    assert [line for _, line in c.kubelets.logs(p, "myapp-container")] == ["The app is running!"]


def test_missing_configmap_is_a_config_error_until_it_appears():
    c = new_cluster()
    apply_object(c.store, pod("env", [{"name": "app", "image": "busybox:1.36", "command": ["sh", "-c", "env; sleep 60"],
                                       "env": [{"name": "LEVEL", "valueFrom": {"configMapKeyRef": {
                                           "name": "settings", "key": "level"}}}]}]))
    c.advance_sync(10)
    p = c.store.get("Pod", "env", "default")
    assert pod_status_reason(p) == "CreateContainerConfigError"
    assert p["status"]["containerStatuses"][0]["state"]["waiting"]["message"] == 'configmap "settings" not found'
    apply_object(c.store, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"},
                           "data": {"level": "debug"}})
    c.advance_sync(15)
    p = c.store.get("Pod", "env", "default")
    assert pod_status_reason(p) == "Running"
    assert "LEVEL=debug" in [line for _, line in c.kubelets.logs(p, "app")]


def test_shared_empty_dir_between_containers():
    c = new_cluster()
    apply_object(c.store, pod("two", [
        {"name": "writer", "image": "busybox:1.36", "command": ["sh", "-c", "echo hello > /data/msg; sleep 3600"],
         "volumeMounts": [{"name": "shared", "mountPath": "/data"}]},
        {"name": "reader", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 5; cat /pod-data/msg; sleep 3600"],
         "volumeMounts": [{"name": "shared", "mountPath": "/pod-data"}]},
    ], volumes=[{"name": "shared", "emptyDir": {}}]))
    c.advance_sync(20)
    p = c.store.get("Pod", "two", "default")
    assert [line for _, line in c.kubelets.logs(p, "reader")] == ["hello"]


def test_startup_probe_gates_liveness():
    c = new_cluster()
    apply_object(c.store, pod("slow", [{
        "name": "app", "image": "nginx:1.25",
        "startupProbe": {"httpGet": {"path": "/", "port": 80}, "failureThreshold": 30, "periodSeconds": 10},
        "livenessProbe": {"httpGet": {"path": "/", "port": 80}, "periodSeconds": 5},
    }], ))
    c.advance_sync(30)
    p = c.store.get("Pod", "slow", "default")
    cs = p["status"]["containerStatuses"][0]
    assert cs["started"] is True and cs["ready"] is True and cs["restartCount"] == 0


def test_changing_a_running_containers_image_restarts_it_with_the_new_one():
    """The kubelet kills a container whose definition (image) changed and starts it again: one
    restart, the new image pulled, the other container untouched."""
    c = new_cluster()
    apply_object(c.store, pod("web", [{"name": "web", "image": "nginx:1.25"},
                                      {"name": "side", "image": "busybox:1.36", "command": ["sleep", "3600"]}]))
    c.advance_sync(30)
    live = c.store.get("Pod", "web", "default")
    spec = {**live["spec"], "containers": [{**live["spec"]["containers"][0], "image": "nginx:1.26"},
                                           live["spec"]["containers"][1]]}
    c.store.update({**live, "spec": spec})
    c.advance_sync(30)
    statuses = {s["name"]: s for s in c.store.get("Pod", "web", "default")["status"]["containerStatuses"]}
    assert statuses["web"]["image"] == "docker.io/library/nginx:1.26" and statuses["web"]["restartCount"] == 1
    assert statuses["web"]["lastState"]["terminated"]["reason"] in ("Completed", "Error")
    assert "running" in statuses["web"]["state"] and statuses["side"]["restartCount"] == 0
    killing = [e["message"] for e in events(c, "web", "Killing")]
    assert killing == ["Container web definition changed, will be restarted"]
    assert 'Pulling image "nginx:1.26"' in [e["message"] for e in events(c, "web", "Pulling")]


def test_a_pre_stop_hook_runs_before_sigterm_and_counts_against_the_grace_period():
    c = new_cluster()
    hook = {"preStop": {"exec": {"command": ["/bin/sh", "-c", "sleep 5"]}}}
    apply_object(c.store, pod("slow", [{"name": "web", "image": "nginx:1.25", "lifecycle": hook}]))
    apply_object(c.store, pod("stuck", [{"name": "web", "image": "nginx:1.25",
                                         "lifecycle": {"preStop": {"sleep": {"seconds": 60}}}}],
                              terminationGracePeriodSeconds=10))
    c.advance_sync(30)
    c.store.delete("Pod", "slow", "default")
    c.store.delete("Pod", "stuck", "default")
    c.advance_sync(4.5)
    assert c.store.try_get("Pod", "slow", "default") is not None, "SIGTERM waits for the hook's 5 s"
    c.advance_sync(2)
    assert c.store.try_get("Pod", "slow", "default") is None, "nginx stops at once on SIGTERM"
    c.advance_sync(3)  # 9.5 s: the 60 s sleep hook is cut at the 10 s grace period …
    assert c.store.try_get("Pod", "stuck", "default") is not None
    c.advance_sync(1.5)  # … then SIGTERM (with at least 2 s left before SIGKILL): nginx stops at once
    assert c.store.try_get("Pod", "stuck", "default") is None


def test_restarts_count_the_init_containers_while_the_pod_initialises():
    """kubectl's RESTARTS: a crash-looping init container's restarts show (the app has none yet)."""
    c = new_cluster()
    setup = {"name": "setup", "image": "busybox:1.36", "command": ["sh", "-c", "exit 1"]}
    apply_object(c.store, pod("initfail", [{"name": "app", "image": "nginx:1.25"}], initContainers=[setup]))
    c.advance_sync(60)
    p = c.store.get("Pod", "initfail", "default")
    assert pod_status_reason(p) == "Init:CrashLoopBackOff"
    assert pod_restarts(p, c.clock.now()).startswith("3 (")


def test_init_steps_show_as_kubectl_prints_them():
    """Not-yet-created containers of a pod with init containers wait as PodInitializing (the
    kubelet's default), so kubectl prints Init:0/2 while the first one is pulled, and
    PodInitializing while the app container is created; each exit shows before the next start."""
    c = new_cluster()
    apply_object(c.store, pod("init", [{"name": "app", "image": "busybox:1.36", "command": ["sleep", "3600"]}],
                              initContainers=[
                                  {"name": "first", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 5"]},
                                  {"name": "second", "image": "busybox:1.36", "command": ["sh", "-c", "exit 0"]}]))
    statuses = [status for _, _, status, _ in timeline(c, "init", 20)]
    assert statuses == ["Init:0/2", "Init:1/2", "PodInitializing", "Running"], statuses


def test_a_crash_shows_error_before_crash_loop_back_off():
    """The status written at the exit is the terminated one (Error, Init:Error); the kubelet's
    next sync finds the back-off and turns it into CrashLoopBackOff."""
    c = new_cluster()
    apply_object(c.store, pod("crasher", [{"name": "app", "image": "busybox:1.36",
                                            "command": ["sh", "-c", "sleep 5; exit 3"]}]))
    apply_object(c.store, pod("initfail", [{"name": "app", "image": "busybox:1.36", "command": ["sleep", "3600"]}],
                              initContainers=[{"name": "setup", "image": "busybox:1.36",
                                               "command": ["sh", "-c", "sleep 2; exit 1"]}]))
    seen: dict[str, list[str]] = {"crasher": [], "initfail": []}
    for _ in range(60):
        c.advance_sync(0.5)
        for name, rows in seen.items():
            status = pod_status_reason(c.store.get("Pod", name, "default"))
            if not rows or rows[-1] != status:
                rows.append(status)
    crasher, initfail = seen["crasher"], seen["initfail"]
    assert crasher[:6] == ["ContainerCreating", "Running", "Error", "Running", "Error", "CrashLoopBackOff"], crasher
    assert all(crasher[i - 1] == "Error" for i, s in enumerate(crasher) if s == "CrashLoopBackOff"), crasher
    assert "Init:Error" in initfail, initfail
    assert all(initfail[i - 1] == "Init:Error" for i, s in enumerate(initfail) if s == "Init:CrashLoopBackOff"), \
        initfail
    assert [e["message"].split(" in pod ")[0] for e in events(c, "crasher", "BackOff")] == \
        ["Back-off restarting failed container app"]


def test_applying_the_same_pod_again_is_unchanged_once_the_kubelet_wrote_its_status():
    """The kubelet's conditions carry ``lastProbeTime: null``; an update keeps the stored status
    as it is, so re-applying an unchanged file is ``unchanged`` (no new resourceVersion)."""
    c = new_cluster()
    manifest = pod("web", [{"name": "nginx", "image": "nginx:1.25"}])
    assert apply_object(c.store, manifest).action == "created"
    c.advance_sync(10)
    before = c.store.get("Pod", "web", "default")
    assert before["status"]["conditions"][0]["lastProbeTime"] is None
    assert apply_object(c.store, manifest).action == "unchanged"
    assert c.store.get("Pod", "web", "default")["metadata"]["resourceVersion"] == before["metadata"]["resourceVersion"]
