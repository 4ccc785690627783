"""Folder sync: apply, change, prune, all-or-nothing on errors, and the real file watcher."""

import asyncio
from pathlib import Path

import yaml

from k9play.manifests.sync import FolderSync
from tests.helpers import deployment, new_cluster


def write(path: Path, *objs) -> None:
    path.write_text(yaml.safe_dump_all(objs, sort_keys=False))


def images(cluster):
    return sorted({p["spec"]["containers"][0]["image"] for p in cluster.store.list("Pod", "default")})


def test_apply_change_prune_and_delete(tmp_path):
    c = new_cluster()
    f = tmp_path / "app.yaml"
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"a": "1"}}
    write(f, deployment(), cm)
    sync = FolderSync(c.store, [tmp_path])
    report = sync.sync_all()
    assert report.applied == ["configmap/cfg created", "deployment.apps/web created"]
    c.advance_sync(30)
    write(f, deployment(image="nginx:1.16.1"))
    report = sync.sync_file(f)
    assert report.applied == ["deployment.apps/web configured"]
    assert report.deleted == ["configmap/cfg deleted"]
    c.advance_sync(90)
    assert images(c) == ["nginx:1.16.1"]
    f.unlink()
    report = sync.sync_file(f)
    assert report.deleted == ["deployment.apps/web deleted"]
    c.advance_sync(60)
    assert c.store.list("Pod", "default") == [] and c.store.list("ReplicaSet", "default") == []


def test_broken_file_changes_nothing_and_reports_file_line(tmp_path):
    c = new_cluster()
    f = tmp_path / "app.yaml"
    write(f, deployment())
    sync = FolderSync(c.store, [tmp_path])
    sync.sync_all()
    c.advance_sync(30)
    before = c.store.get("Deployment", "web", "default")
    f.write_text(f.read_text().replace("nginx:1.14.2", "nginx:1.16.1").replace("replicas: 3", "replicas: [3"))
    report = sync.sync_file(f)
    assert len(report.errors) == 1 and str(report.errors[0]).startswith(f"{f}:")
    assert "YAML syntax error" in report.errors[0].message
    assert c.store.get("Deployment", "web", "default") is before
    # a schema error on one document keeps the others of the file from applying too
    bad = deployment(image="nginx:1.16.1")
    bad["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = 7
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "new"}}
    write(f, cm, bad)
    report = sync.sync_file(f)
    err = report.errors[0]
    assert (err.line, err.col) == (27, 9) and "imagePullPolicy" in err.message
    assert c.store.try_get("ConfigMap", "new", "default") is None
    assert c.store.get("Deployment", "web", "default") is before
    write(f, deployment())
    assert sync.sync_file(f).errors == [] and f not in sync.errors


def test_unknown_kind_is_named(tmp_path):
    c = new_cluster()
    f = tmp_path / "crd.yaml"
    write(f, {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}})
    err = FolderSync(c.store, [f]).sync_all().errors[0]
    assert 'no matches for kind "Widget" in version "example.com/v1"' in err.message
    assert err.line == 2


def test_namespace_created_by_the_same_file(tmp_path):
    c = new_cluster()
    write(tmp_path / "ns.yaml", deployment(namespace="dev"),
          {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}})
    report = FolderSync(c.store, [tmp_path]).sync_all()
    assert report.applied == ["namespace/dev created", "deployment.apps/web created"]


async def test_watcher_applies_saves(tmp_path):
    c = new_cluster()
    f = tmp_path / "app.yaml"
    write(f, deployment())
    sync = FolderSync(c.store, [tmp_path])
    sync.sync_all()
    reports: asyncio.Queue = asyncio.Queue()
    stop = asyncio.Event()
    task = asyncio.create_task(sync.watch(reports.put_nowait, stop))
    for _ in range(50):  # wait until the watcher is really watching
        write(tmp_path / "probe.yaml", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "probe"}})
        try:
            await asyncio.wait_for(reports.get(), timeout=0.2)
            break
        except TimeoutError:
            continue
    write(f, deployment(image="nginx:1.16.1"))
    report = await asyncio.wait_for(reports.get(), timeout=10)
    assert report.applied == ["deployment.apps/web configured"]
    (tmp_path / "broken.yaml").write_text("kind: [\n")
    report = await asyncio.wait_for(reports.get(), timeout=10)
    assert report.errors and str(report.errors[0]).startswith(str(tmp_path / "broken.yaml") + ":")
    (tmp_path / "broken.yaml").write_text("# nothing in it now\n")  # fixed, and nothing to apply
    report = await asyncio.wait_for(reports.get(), timeout=10)
    assert report.fixed == [tmp_path / "broken.yaml"] and not (report.applied or report.deleted or report.errors)
    f.unlink()
    report = await asyncio.wait_for(reports.get(), timeout=10)
    assert report.deleted == ["deployment.apps/web deleted"]
    stop.set()
    await asyncio.wait_for(task, timeout=10)


def test_saving_a_running_pods_file_unchanged_changes_nothing(tmp_path):
    """kubectl apply says "unchanged" for a pod the kubelet has written status to: the save
    reports nothing and the pod keeps its resourceVersion."""
    c = new_cluster()
    f = tmp_path / "pod.yaml"
    write(f, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "solo"},
              "spec": {"containers": [{"name": "main", "image": "nginx:1.25"}]}})
    sync = FolderSync(c.store, [tmp_path])
    sync.sync_all()
    c.advance_sync(30)
    before = c.store.get("Pod", "solo", "default")
    assert before["status"]["phase"] == "Running"
    report = sync.sync_file(f)
    assert report.applied == [] and report.errors == []
    assert c.store.get("Pod", "solo", "default") is before


def test_a_fixed_or_removed_broken_file_is_reported_fixed(tmp_path):
    c = new_cluster()
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    write(good, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"a": "1"}})
    sync = FolderSync(c.store, [tmp_path])
    sync.sync_all()
    before = good.read_text()
    good.write_text(before.replace("a: '1'", "a: [1"))
    assert sync.sync_file(good).errors
    good.write_text(before)  # back as it was: nothing to apply, but the error is gone
    report = sync.sync_file(good)
    assert report.fixed == [good] and report.applied == [] and sync.errors == {}
    assert sync.sync_file(good).fixed == [], "only the first clean sync after an error"
    bad.write_text("kind: [\n")
    assert sync.sync_file(bad).errors
    bad.unlink()
    assert sync.sync_file(bad).fixed == [bad] and sync.errors == {}


def test_a_folder_put_back_while_its_namespace_terminates_comes_back_once_it_is_gone(tmp_path):
    c = new_cluster()
    folder = tmp_path / "chapter"
    folder.mkdir()
    ns_file, app_file = folder / "ns.yaml", folder / "app.yaml"
    ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}
    app = deployment()
    app["metadata"]["namespace"] = "shop"
    write(ns_file, ns)
    write(app_file, app)
    sync = FolderSync(c.store, [tmp_path])
    assert not sync.sync_all().errors
    c.advance_sync(30)
    for f in (ns_file, app_file):
        f.unlink()
    sync.sync_paths([ns_file, app_file])
    c.advance_sync(1)
    assert c.store.get("Namespace", "shop")["status"]["phase"] == "Terminating"
    write(ns_file, ns)
    write(app_file, app)
    report = sync.sync_paths([folder])
    assert "because it is being terminated" in str(report.errors[0])
    assert not sync.retry_waiting().applied, "the namespace is still there: nothing to do yet"
    c.advance_sync(60)
    assert c.store.try_get("Namespace", "shop") is None, "the namespace controller finished"
    report = sync.retry_waiting()
    assert report.applied == ["namespace/shop created", "deployment.apps/web created"] and not report.errors
    assert not sync.errors and not sync.waiting
    c.advance_sync(30)
    assert len(c.store.list("Pod", "shop")) == 3
