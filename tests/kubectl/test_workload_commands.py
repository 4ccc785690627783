"""kubectl rollout/scale/set image/logs/autoscale/create on the simulated cluster."""

from __future__ import annotations

import io

import pytest
import yaml

from k9play.cli import SimShell
from k9play.manifests.applier import apply_object
from tests.helpers import deployment, new_cluster


@pytest.fixture
def shell():
    c = new_cluster()
    apply_object(c.store, deployment(name="nginx-deployment", image="nginx:1.14.2"))
    return SimShell(c, io.StringIO(), io.StringIO())


def run(shell, line):
    shell.out.seek(0)
    shell.out.truncate()
    shell.err.seek(0)
    shell.err.truncate()
    shell.failed = False
    shell.run(line)
    return shell.out.getvalue(), shell.err.getvalue(), shell.failed


def test_rollout_status_waits_and_reports_like_kubectl(shell):
    out, err, failed = run(shell, "kubectl rollout status deployment/nginx-deployment")
    assert not failed and err == ""
    lines = out.splitlines()
    assert lines[-1] == 'deployment "nginx-deployment" successfully rolled out'
    assert lines[0] == "Waiting for deployment spec update to be observed..."  # applied this very instant
    assert all(line.startswith('Waiting for deployment "nginx-deployment" rollout to finish: ') for line in lines[1:-1])
    assert len(lines) >= 3


def test_set_image_rollout_history_and_undo(shell):
    run(shell, "kubectl rollout status deploy/nginx-deployment")
    out, _, _ = run(shell, "kubectl set image deployment/nginx-deployment app=nginx:1.16.1")
    assert out == "deployment.apps/nginx-deployment image updated\n"
    out, _, _ = run(shell, "kubectl rollout status deploy/nginx-deployment")
    assert "1 out of 3 new replicas have been updated..." in out
    assert out.endswith('deployment "nginx-deployment" successfully rolled out\n')
    out, _, _ = run(shell, "kubectl rollout history deployment/nginx-deployment")
    assert out == "deployment.apps/nginx-deployment \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n"
    # a tag that does not exist stalls the rollout at one updated pod in ImagePullBackOff
    run(shell, "kubectl set image deployment/nginx-deployment app=nginx:1.161")
    run(shell, "advance 90s")
    d = shell.cluster.store.get("Deployment", "nginx-deployment", "default")["status"]
    assert (d["replicas"], d["updatedReplicas"], d["availableReplicas"], d["unavailableReplicas"]) == (4, 1, 3, 1)
    out, _, _ = run(shell, "kubectl get pods")
    assert out.count("ImagePullBackOff") == 1 and out.count("Running") == 3
    out, _, _ = run(shell, "kubectl rollout undo deployment/nginx-deployment")
    assert out == "deployment.apps/nginx-deployment rolled back\n"
    out, _, _ = run(shell, "kubectl rollout status deployment/nginx-deployment")
    assert out.endswith("successfully rolled out\n")
    out, _, _ = run(shell, "kubectl rollout history deployment/nginx-deployment")
    assert [line.split()[0] for line in out.splitlines()[2:] if line] == ["1", "3", "4"]
    images = {p["spec"]["containers"][0]["image"] for p in shell.cluster.store.list("Pod", "default")}
    assert images == {"nginx:1.16.1"}
    out, err, failed = run(shell, "kubectl rollout undo deployment/nginx-deployment --to-revision=9")
    assert failed and err == "error: unable to find specified revision 9 in history\n"


def test_pause_resume_restart_and_scale(shell):
    run(shell, "advance 30s")
    assert run(shell, "kubectl rollout pause deploy/nginx-deployment")[0] == "deployment.apps/nginx-deployment paused\n"
    _, err, failed = run(shell, "kubectl rollout pause deploy/nginx-deployment")
    assert failed and err == 'error: deployments.apps "nginx-deployment" is already paused\n'
    run(shell, "kubectl set image deploy/nginx-deployment app=nginx:1.16.1")
    run(shell, "advance 30s")
    assert len(shell.cluster.store.list("ReplicaSet", "default")) == 1
    run(shell, "kubectl rollout resume deploy/nginx-deployment")
    run(shell, "advance 60s")
    assert len(shell.cluster.store.list("ReplicaSet", "default")) == 2
    assert run(shell, "kubectl scale deploy/nginx-deployment --replicas=5")[0] == \
        "deployment.apps/nginx-deployment scaled\n"
    run(shell, "advance 30s")
    assert len(shell.cluster.store.list("Pod", "default")) == 5
    assert run(shell, "kubectl rollout restart deploy/nginx-deployment")[0] == \
        "deployment.apps/nginx-deployment restarted\n"
    run(shell, "advance 90s")
    assert len(shell.cluster.store.list("ReplicaSet", "default")) == 3


def test_logs_of_a_finished_pod_and_errors(tmp_path):
    c = new_cluster()
    shell = SimShell(c, io.StringIO(), io.StringIO())
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "pi"},
           "spec": {"restartPolicy": "Never", "containers": [
               {"name": "pi", "image": "perl:5.34.0", "command": ["perl", "-Mbignum=bpi", "-wle", "print bpi(20)"]}]}}
    f = tmp_path / "pi.yaml"
    f.write_text(yaml.safe_dump(pod))
    run(shell, f"apply {f}")
    _, err, failed = run(shell, "kubectl logs pi")
    assert failed and err == ('Error from server (BadRequest): container "pi" in pod "pi" is waiting to start: '
                              "ContainerCreating\n")
    run(shell, "advance 30s")
    out, _, failed = run(shell, "kubectl logs pi")
    assert not failed and out == "3.1415926535897932385\n"
    out, _, _ = run(shell, "kubectl get pod pi")
    assert out.splitlines()[1].split()[:3] == ["pi", "0/1", "Completed"]
    _, err, failed = run(shell, "kubectl logs pi --previous")
    assert failed and err == ('Error from server (BadRequest): previous terminated container "pi" in pod "pi" '
                              "not found\n")
    _, err, failed = run(shell, "kubectl logs pi -c nope")
    assert failed and err == "error: container nope is not valid for pod pi\n"


def test_logs_follow_passes_simulated_time(tmp_path):
    c = new_cluster()
    shell = SimShell(c, io.StringIO(), io.StringIO())
    apply_object(c.store, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "counter"}, "spec": {
        "restartPolicy": "Never", "containers": [{"name": "count", "image": "busybox:1.36", "command": [
            "sh", "-c", "for i in 1 2 3; do echo tick $i; sleep 10; done"]}]}})
    run(shell, "advance 3s")
    out, _, _ = run(shell, "kubectl logs -f counter")
    assert out == "tick 1\ntick 2\ntick 3\n"
    assert c.clock.now() - 1767225600 >= 30


def test_autoscale_and_create(shell):
    out, _, _ = run(shell, "kubectl autoscale deployment nginx-deployment --cpu-percent=50 --min=1 --max=10")
    assert out == "horizontalpodautoscaler.autoscaling/nginx-deployment autoscaled\n"
    hpa = shell.cluster.store.get("HorizontalPodAutoscaler", "nginx-deployment", "default")
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["metrics"][0]["resource"]["target"] == {"type": "Utilization", "averageUtilization": 50}
    assert run(shell, "kubectl create namespace dev")[0] == "namespace/dev created\n"
    assert run(shell, "kubectl create deployment web --image=nginx:1.25 -n dev --replicas=2")[0] == \
        "deployment.apps/web created\n"
    _, err, failed = run(shell, "kubectl create namespace dev")
    assert failed and err == 'Error from server (AlreadyExists): namespaces "dev" already exists\n'
    run(shell, "advance 20s")
    assert len(shell.cluster.store.list("Pod", "dev")) == 2


def test_create_job_from_cronjob_runs_it_now(shell):
    c = shell.cluster
    apply_object(c.store, yaml.safe_load("""
apiVersion: batch/v1
kind: CronJob
metadata: {name: hello}
spec:
  schedule: "0 0 1 1 *"
  jobTemplate:
    metadata: {labels: {team: a}}
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - {name: hello, image: busybox:1.28, command: [sh, -c, "date; echo Hello from the Kubernetes cluster"]}
"""))
    out, err, failed = run(shell, "kubectl create job hello-now --from=cronjob/hello")
    assert (out, err, failed) == ("job.batch/hello-now created\n", "", False)
    job = c.store.get("Job", "hello-now", "default")
    cj = c.store.get("CronJob", "hello", "default")
    assert job["metadata"]["annotations"]["cronjob.kubernetes.io/instantiate"] == "manual"
    assert job["metadata"]["labels"]["team"] == "a"
    owner = job["metadata"]["ownerReferences"][0]
    assert (owner["kind"], owner["uid"], owner["controller"]) == ("CronJob", cj["metadata"]["uid"], True)
    run(shell, "advance 30s")
    out, _, _ = run(shell, "kubectl get job hello-now")
    assert out.splitlines()[1].split()[:3] == ["hello-now", "Complete", "1/1"]
    assert run(shell, "kubectl logs job/hello-now")[0].endswith("Hello from the Kubernetes cluster\n")
    _, err, failed = run(shell, "kubectl create job x --from=cronjob/missing")
    assert failed and err == 'Error from server (NotFound): cronjobs.batch "missing" not found\n'
    _, err, failed = run(shell, "kubectl create job x --from=deployment/nginx-deployment")
    assert failed and "from must be an existing cronjob" in err


def test_create_job_with_a_command(shell):
    out, _, failed = run(shell, "kubectl create job once --image=busybox:1.28 -- sh -c 'echo done; exit 0'")
    assert (out, failed) == ("job.batch/once created\n", False)
    spec = shell.cluster.store.get("Job", "once", "default")["spec"]["template"]["spec"]
    assert spec["containers"][0]["command"] == ["sh", "-c", "echo done; exit 0"]
    assert spec["restartPolicy"] == "Never"
    run(shell, "advance 30s")
    assert run(shell, "kubectl logs job/once")[0] == "done\n"


def test_rollout_status_timeout_gives_up_after_that_much_simulated_time(shell):
    run(shell, "kubectl rollout status deploy/nginx-deployment")
    run(shell, "kubectl set image deployment/nginx-deployment app=nginx:1.161")  # never pulls
    start = shell.cluster.clock.now()
    _, err, failed = run(shell, "kubectl rollout status deploy/nginx-deployment --timeout=45s")
    assert failed and err == "error: timed out waiting for the condition\n"
    assert shell.cluster.clock.now() - start == pytest.approx(45)
    _, err, failed = run(shell, "kubectl rollout status deploy/nginx-deployment --timeout=soon")
    assert failed and err.startswith('error: invalid argument "soon" for "--timeout" flag: time: invalid duration')
