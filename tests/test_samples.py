"""The bundled samples (``sample-manifests/``, one folder per tutorial chapter) apply cleanly —
each chapter alone and all of them together, as ``k9play`` with no arguments does — and, on
the manual clock, end up in the state their comments and READMEs promise."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from k9play.api.meta import copy_obj
from k9play.cli import SimShell, bundled_samples, run_sim
from k9play.cluster import Cluster
from k9play.kubectl.commands import Kubectl
from k9play.manifests.sync import FolderSync

Obj = dict[str, Any]
SAMPLES = bundled_samples()
CHAPTERS = ["01-namespaces", "02-pods", "03-labels", "04-deployments", "05-services", "06-pod-config",
            "07-lifecycle", "08-scheduling", "09-controllers", "10-ingress", "11-storage", "12-security"]
#: chapters that work in the tutorial's `dev` namespace, which only 01-namespaces defines
IN_DEV = {"02-pods", "03-labels", "04-deployments", "05-services"}


def folders(chapter: str) -> list[Path]:
    """What it takes to run one chapter: the chapter, and 01-namespaces for those in `dev`."""
    return [SAMPLES / "01-namespaces", SAMPLES / chapter] if chapter in IN_DEV else [SAMPLES / chapter]


def start(paths: list[Path]) -> Cluster:
    cluster = Cluster(workers=2, seed=0).start()
    report = FolderSync(cluster.store, paths).sync_all()
    assert report.errors == [], "\n".join(map(str, report.errors))
    cluster.clock.settle()
    return cluster


def pod(c: Cluster, ns: str, name: str) -> Obj:
    p = c.store.try_get("Pod", name, ns)
    assert p is not None, f"pod {ns}/{name} does not exist"
    return p


def pods(c: Cluster, ns: str, **labels: str) -> list[Obj]:
    return [p for p in c.store.list("Pod", ns)
            if all((p["metadata"].get("labels") or {}).get(k) == v for k, v in labels.items())]


def restarts(p: Obj) -> int:
    return sum(cs.get("restartCount", 0) for cs in (p.get("status") or {}).get("containerStatuses") or [])


def is_ready(p: Obj) -> bool:
    return any(c["type"] == "Ready" and c["status"] == "True" for c in (p.get("status") or {}).get("conditions") or [])


def running_and_ready(c: Cluster, ns: str, name: str) -> bool:
    p = pod(c, ns, name)
    return p["status"].get("phase") == "Running" and is_ready(p)


def events(c: Cluster, ns: str, name: str, reason: str) -> list[Obj]:
    return [e for e in c.store.list("Event", ns)
            if e["involvedObject"].get("name") == name and e.get("reason") == reason]


def log(c: Cluster, p: Obj, container: str | None = None, previous: bool = False) -> str:
    lines = c.kubelets.logs(p, container, previous)
    assert lines is not None, f"no logs for {p['metadata']['name']}"
    return "".join(line if line.endswith("\n") else line + "\n" for _, line in lines)


def available(c: Cluster, kind: str, ns: str, name: str) -> bool:
    obj = c.store.get(kind, name, ns)
    want = obj["spec"].get("replicas", 1)
    return (obj.get("status") or {}).get("availableReplicas", 0) == want


def kubectl(c: Cluster, line: str) -> str:
    result = Kubectl(c).run_line(line)
    assert result.code == 0, result.err
    return result.out


def names(c: Cluster, selector: str) -> set[str]:
    out = kubectl(c, f"get pods -n dev -o name -l {selector!r}")
    return {line.removeprefix("pod/") for line in out.split()}


# ------------------------------------------------------------------ the folders themselves
def test_one_folder_per_chapter_each_with_a_readme_and_manifests():
    assert sorted(p.name for p in SAMPLES.iterdir() if p.is_dir()) == CHAPTERS
    for chapter in CHAPTERS:
        files = {p.name for p in (SAMPLES / chapter).iterdir()}
        assert "README.md" in files, chapter
        assert any(f.endswith(".yaml") for f in files), chapter
    assert all(f"`{chapter}/`" in (SAMPLES / "README.md").read_text() for chapter in CHAPTERS)


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_each_chapter_applies_alone_and_settles(chapter):
    """No apply errors; after 2 simulated minutes every pod has a node and started, except
    the one that is meant to stay Pending."""
    c = start(folders(chapter))
    c.advance_sync(120)
    stuck = [f"{p['metadata']['namespace']}/{p['metadata']['name']}" for p in c.store.list("Pod")
             if p["status"].get("phase") == "Pending"]
    assert stuck == (["scheduling/too-big"] if chapter == "08-scheduling" else [])


@pytest.mark.parametrize("chapter", sorted(IN_DEV))
def test_dev_chapters_without_01_fail_only_for_the_missing_namespace(chapter):
    cluster = Cluster(workers=2, seed=0).start()
    report = FolderSync(cluster.store, [SAMPLES / chapter]).sync_all()
    assert report.errors and all('namespaces "dev" not found' in str(e) for e in report.errors)


def test_all_chapters_together_through_k9play_sim():
    out, err = io.StringIO(), io.StringIO()
    code = run_sim([str(SAMPLES)], 2, 0, ["advance 90s", "kubectl get pods -A"], io.StringIO(), out, err)
    assert (code, err.getvalue()) == (0, "")
    rows = out.getvalue().splitlines()[1:]
    assert len(rows) >= 50  # every chapter's pods, in one cluster
    assert [r.split()[:2] for r in rows if "Pending" in r] == [["scheduling", "too-big"]]


# ------------------------------------------------- what each chapter shows, all applied together
@pytest.fixture(scope="module")
def everything() -> Cluster:
    """All samples in one cluster, as `k9play` starts, three simulated minutes later."""
    c = start([SAMPLES])
    c.advance_sync(180)
    return c


def test_01_namespaces(everything):
    c = everything
    for ns in ("dev", "test"):
        assert c.store.get("Namespace", ns)["status"]["phase"] == "Active"
        assert running_and_ready(c, ns, "hello")
    assert pod(c, "dev", "hello")["metadata"]["uid"] != pod(c, "test", "hello")["metadata"]["uid"]


def test_02_pods(everything):
    c = everything
    assert running_and_ready(c, "dev", "nginx")
    multi = pod(c, "dev", "busybox-nginx")
    assert running_and_ready(c, "dev", "busybox-nginx")
    assert {cs["name"] for cs in multi["status"]["containerStatuses"] if cs["ready"]} == {"nginx", "busybox"}
    assert log(c, multi, "busybox").count("busybox is alive") >= 10


def test_03_label_selectors(everything):
    c = everything
    assert names(c, "env=prod") == {"shop-frontend", "shop-frontend-canary"}
    assert names(c, "app=shop,env!=prod") == {"shop-backend"}
    assert names(c, "env in (prod,qa)") == {"shop-frontend", "shop-frontend-canary", "shop-backend"}
    assert names(c, "tier notin (backend),release") == {"shop-frontend", "shop-frontend-canary"}
    assert "blog" in names(c, "!release") and not names(c, "!release") & names(c, "app=shop")
    assert all(running_and_ready(c, "dev", n) for n in names(c, "tier"))


def test_04_deployment_of_three(everything):
    c = everything
    assert available(c, "Deployment", "dev", "nginx")
    assert len(pods(c, "dev", app="nginx")) == 3
    assert len([rs for rs in c.store.list("ReplicaSet", "dev") if rs["metadata"]["name"].startswith("nginx-")]) == 1
    pdb = c.store.get("PodDisruptionBudget", "nginx", "dev")["status"]  # minAvailable 2 of 3: one may go
    assert (pdb["currentHealthy"], pdb["desiredHealthy"], pdb["disruptionsAllowed"]) == (3, 2, 1)


def test_05_services(everything):
    c = everything
    assert available(c, "Deployment", "dev", "web")
    svc = {s["metadata"]["name"]: s["spec"] for s in c.store.list("Service", "dev")}
    assert set(svc) == {"web", "web-nodeport", "web-headless", "database"}
    assert svc["web"]["type"] == "ClusterIP" and svc["web"]["clusterIP"].startswith("10.")
    assert svc["web-nodeport"]["type"] == "NodePort" and svc["web-nodeport"]["ports"][0]["nodePort"] == 30080
    assert svc["web-headless"]["clusterIP"] == "None"
    assert svc["database"] == {**svc["database"], "type": "ExternalName", "externalName": "db.example.com"}
    assert len(pods(c, "dev", **svc["web"]["selector"])) == 2


def test_06_pod_config(everything):
    c = everything
    env_demo = pod(c, "pod-config", "env-demo")
    assert log(c, env_demo).startswith("Hello from a ConfigMap: color=blue mode=playground\n"
                                       f"I am env-demo on {env_demo['spec']['nodeName']}, log level debug\n")
    demo = pod(c, "pod-config", "resources-demo")
    assert running_and_ready(c, "pod-config", "resources-demo") and demo["status"]["qosClass"] == "Burstable"
    policies = {p["metadata"]["name"]: p["spec"]["containers"][0]["imagePullPolicy"]
                for p in pods(c, "pod-config") if p["metadata"]["name"].startswith("pull-")}
    assert policies == {"pull-always": "Always", "pull-if-not-present": "IfNotPresent"}
    assert all(running_and_ready(c, "pod-config", n) for n in policies)


def test_07_lifecycle(everything):
    c = everything
    init = pod(c, "lifecycle", "init-demo")
    assert running_and_ready(c, "lifecycle", "init-demo")
    inits = init["status"]["initContainerStatuses"]
    assert [(s["name"], s["state"]["terminated"]["exitCode"]) for s in inits] == [
        ("wait-for-database", 0), ("fetch-config", 0)]
    assert inits[0]["state"]["terminated"]["finishedAt"] <= inits[1]["state"]["terminated"]["startedAt"]
    assert log(c, init, "app") == "started with color=green\n"

    liveness = pod(c, "lifecycle", "liveness-exec")
    assert restarts(liveness) >= 1, "the failing liveness probe restarts the container"
    assert any("Liveness probe failed" in e["message"] for e in events(c, "lifecycle", "liveness-exec", "Unhealthy"))

    assert running_and_ready(c, "lifecycle", "probes-demo") and restarts(pod(c, "lifecycle", "probes-demo")) == 0
    assert running_and_ready(c, "lifecycle", "hooks-demo")

    never, onfailure = pod(c, "lifecycle", "restart-never"), pod(c, "lifecycle", "restart-onfailure")
    assert (never["status"]["phase"], restarts(never)) == ("Succeeded", 0)
    assert (onfailure["status"]["phase"], restarts(onfailure)) == ("Succeeded", 1)
    assert log(c, onfailure) == "second try: success\n"
    assert restarts(pod(c, "lifecycle", "restart-always")) >= 3


def test_08_scheduling(everything):
    c = everything
    where = {p["metadata"]["name"]: p["spec"].get("nodeName") for p in pods(c, "scheduling")}
    assert where["pinned"] == "k9play-worker2"
    assert where["ssd-app"] == "k9play-ssd"
    assert where["on-control-plane"] == "k9play-control-plane"
    assert where["affinity-app"] == "k9play-worker2"
    assert where["too-big"] is None
    # nothing else on the tainted nodes
    assert sorted(n for n, node in where.items() if node in ("k9play-ssd", "k9play-control-plane")) == [
        "on-control-plane", "ssd-app"]
    assert available(c, "Deployment", "scheduling", "spread")
    assert pod(c, "scheduling", "too-big")["status"]["phase"] == "Pending"
    failed = events(c, "scheduling", "too-big", "FailedScheduling")
    assert failed and failed[-1]["message"].startswith("0/4 nodes are available:")
    assert "2 Insufficient cpu" in failed[-1]["message"]
    assert [p["metadata"]["name"] for p in c.store.list("Pod") if p["status"]["phase"] == "Pending"] == ["too-big"]


def test_09_controllers(everything):
    c = everything
    ns = "controllers"
    assert available(c, "ReplicaSet", ns, "frontend")
    for name in ("recreate-demo", "rolling-demo", "shop-stable", "shop-canary", "php-apache"):
        assert available(c, "Deployment", ns, name), name
    assert len(pods(c, ns, app="shop")) == 3
    ds = c.store.get("DaemonSet", "node-agent", ns)["status"]
    assert ds["desiredNumberScheduled"] == ds["numberReady"] == 3  # control plane + 2 workers, not k9play-ssd
    job = c.store.get("Job", "pi", ns)
    assert any(cond["type"] == "Complete" and cond["status"] == "True" for cond in job["status"]["conditions"])
    assert log(c, pods(c, ns, **{"batch.kubernetes.io/job-name": "pi"})[0]).startswith("3.14159265358979")
    cron_jobs = [j for j in c.store.list("Job", ns)
                 if any(o["kind"] == "CronJob" for o in j["metadata"].get("ownerReferences") or [])]
    assert len(cron_jobs) == 2  # one a minute, successfulJobsHistoryLimit 2
    assert all(j["status"].get("succeeded") == 1 for j in cron_jobs)
    assert c.store.get("StatefulSet", "web", ns)["status"]["readyReplicas"] == 2
    assert {p["metadata"]["name"] for p in pods(c, ns, app="web")} == {"web-0", "web-1"}
    claims = {pvc["metadata"]["name"]: pvc["status"]["phase"] for pvc in c.store.list("PersistentVolumeClaim", ns)}
    assert claims == {"www-web-0": "Bound", "www-web-1": "Bound"}
    assert c.store.get("Deployment", "php-apache", ns)["spec"]["replicas"] == 1  # no load yet


def test_10_ingress(everything):
    c = everything
    ing = c.store.get("Ingress", "shop", "ingress")["spec"]
    assert ing["ingressClassName"] == "nginx"
    routes = {(r["host"], p["path"]): p["backend"]["service"]["name"] for r in ing["rules"] for p in r["http"]["paths"]}
    assert routes == {("shop.k9play.test", "/"): "web", ("shop.k9play.test", "/api"): "api",
                      ("api.k9play.test", "/"): "api"}
    for name in ("web", "api"):
        assert c.store.try_get("Service", name, "ingress") is not None
        assert available(c, "Deployment", "ingress", name)


def test_11_storage(everything):
    c = everything
    ns = "storage"
    claims = {pvc["metadata"]["name"]: pvc for pvc in c.store.list("PersistentVolumeClaim", ns)}
    assert {n: pvc["status"]["phase"] for n, pvc in claims.items()} == {"manual-claim": "Bound",
                                                                        "dynamic-claim": "Bound"}
    assert claims["manual-claim"]["spec"]["volumeName"] == "storage-manual-pv"
    dynamic_pv = c.store.get("PersistentVolume", claims["dynamic-claim"]["spec"]["volumeName"])
    assert dynamic_pv["spec"]["storageClassName"] == "standard"
    assert dynamic_pv["spec"]["persistentVolumeReclaimPolicy"] == "Delete"
    assert c.store.get("PersistentVolume", "storage-manual-pv")["spec"]["persistentVolumeReclaimPolicy"] == "Retain"
    for name in ("shared-emptydir", "hostpath-demo", "manual-claim-user", "dynamic-claim-user", "config-consumer"):
        assert running_and_ready(c, ns, name), name
    assert pod(c, ns, "manual-claim-user")["spec"]["nodeName"] == "k9play-worker"  # the PV's node affinity
    reader = log(c, pod(c, ns, "shared-emptydir"), "reader")
    assert "--- index.html:" in reader and "UTC 2026" in reader  # the writer's dates, read through the volume
    assert log(c, pod(c, ns, "config-consumer")).startswith(
        "user from env: app, log format: json\nmessage file: Hello from a ConfigMap mounted as a file.\n")


def test_12_security(everything):
    c = everything
    ns = "security"
    assert available(c, "Deployment", ns, "reader")
    for p in pods(c, ns, app="reader"):
        assert p["spec"]["serviceAccountName"] == "pod-reader"
        assert p["spec"]["containers"][0]["resources"] == {"requests": {"cpu": "50m", "memory": "32Mi"},
                                                           "limits": {"cpu": "200m", "memory": "64Mi"}}
    used = c.store.get("ResourceQuota", "team-budget", ns)["status"]["used"]
    assert (used["pods"], used["requests.cpu"]) == ("2", "100m")
    assert kubectl(c, "auth can-i list pods -n security --as jane") == "yes\n"
    assert Kubectl(c).run_line("auth can-i delete pods -n security --as jane").out == "no\n"
    assert kubectl(c, "auth can-i list nodes --as jane").strip() == "yes"
    assert kubectl(c, "auth can-i list pods -n security --as system:serviceaccount:security:pod-reader") == "yes\n"


# ------------------------------------------------------------------ what the READMEs say to try
def shell(c: Cluster) -> SimShell:
    return SimShell(c, io.StringIO(), io.StringIO())


def test_09_load_scales_php_apache_to_four_and_back():
    c = start([SAMPLES / "09-controllers"])
    c.advance_sync(60)
    sh = shell(c)
    sh.run("fault load deployment/php-apache 400m -n controllers")
    c.advance_sync(180)
    assert c.store.get("Deployment", "php-apache", "controllers")["spec"]["replicas"] == 4
    sh.run("fault load deployment/php-apache 0 -n controllers")
    c.advance_sync(420)
    assert c.store.get("Deployment", "php-apache", "controllers")["spec"]["replicas"] == 1
    assert not sh.failed


def test_11_retained_volume_is_released_with_its_claim():
    c = start([SAMPLES / "11-storage"])
    c.advance_sync(30)
    c.store.delete("Pod", "manual-claim-user", "storage")
    c.advance_sync(40)
    c.store.delete("PersistentVolumeClaim", "manual-claim", "storage")
    c.advance_sync(5)
    assert c.store.get("PersistentVolume", "storage-manual-pv")["status"]["phase"] == "Released"


def test_12_quota_caps_a_scale_up():
    c = start([SAMPLES / "12-security"])
    c.advance_sync(30)
    deploy = copy_obj(c.store.get("Deployment", "reader", "security"))
    deploy["spec"]["replicas"] = 6
    c.store.update(deploy)
    c.advance_sync(30)
    assert len(pods(c, "security", app="reader")) == 4
    rs = next(r for r in c.store.list("ReplicaSet", "security"))
    failed = events(c, "security", rs["metadata"]["name"], "FailedCreate")
    assert failed and "exceeded quota: team-budget" in failed[-1]["message"]
