"""``create|apply|get -f`` put objects in the file's namespace; a disagreeing explicit ``-n`` is refused."""

from __future__ import annotations

from pathlib import Path

import yaml

from k9play.kubectl.commands import Kubectl
from tests.helpers import new_cluster


def pod_file(tmp_path: Path) -> Path:
    path = tmp_path / "pod.yaml"
    path.write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "Pod",
                                    "metadata": {"name": "nginx-pod", "namespace": "dev"},
                                    "spec": {"containers": [{"name": "nginx", "image": "nginx:1.17.1"}]}}))
    return path


def test_create_get_delete_by_file_use_the_files_namespace(tmp_path: Path) -> None:
    c = new_cluster()
    k = Kubectl(c)
    f = str(pod_file(tmp_path))
    k.run(["create", "ns", "dev"])
    assert k.run(["create", "-f", f]).out == "pod/nginx-pod created\n"
    assert c.store.try_get("Pod", "nginx-pod", "dev") is not None
    got = k.run(["get", "-f", f])
    assert got.out.splitlines()[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert got.out.splitlines()[1].split()[:3] == ["nginx-pod", "0/1", "Pending"]
    assert k.run(["get", "-f", f, "-o", "name"]).out == "pod/nginx-pod\n"
    clash = k.run(["create", "-f", f, "-n", "default"])
    assert (clash.code, clash.err) == (1, 'error: the namespace from the provided object "dev" does not match the '
                                          'namespace "default". You must pass \'--namespace=dev\' to perform this '
                                          "operation.\n")
    assert k.run(["apply", "-f", f, "-n", "dev"]).out == "pod/nginx-pod configured\n"
    k.run(["delete", "-f", f, "--now"])
    c.advance_sync(40)
    gone = k.run(["get", "-f", f])
    assert (gone.code, gone.err) == (1, 'Error from server (NotFound): pods "nginx-pod" not found\n')


def test_apply_merges_keyed_lists_and_warns_on_objects_not_made_by_apply(tmp_path: Path) -> None:
    """Strategic merge: containers merge by name, so live defaults and a live-added container stay."""
    c = new_cluster()
    k = Kubectl(c)
    k.run(["create", "ns", "dev"])
    f = str(pod_file(tmp_path))
    k.run(["create", "-f", f])
    r = k.run(["apply", "-f", f])
    assert r.out == "pod/nginx-pod configured\n"
    assert r.err.startswith("Warning: resource pods/nginx-pod is missing the kubectl.kubernetes.io/last-applied-"
                            "configuration annotation which is required by kubectl apply.")
    live = c.store.get("Pod", "nginx-pod", "dev")["spec"]["containers"][0]
    assert live["imagePullPolicy"] == "IfNotPresent" and live["terminationMessagePath"] == "/dev/termination-log"
    d = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "dev"},
         "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {
             "metadata": {"labels": {"app": "web"}},
             "spec": {"containers": [{"name": "web", "image": "nginx:1.25", "env": [{"name": "A", "value": "1"}]}]}}}}
    path = tmp_path / "web.yaml"
    path.write_text(yaml.safe_dump(d))
    assert k.run(["apply", "-f", str(path)]).out == "deployment.apps/web created\n"
    live_d = c.store.get("Deployment", "web", "dev")
    spec = live_d["spec"]["template"]["spec"]
    spec["containers"].append({"name": "sidecar", "image": "busybox", "command": ["sleep", "1d"]})  # added live
    c.store.update(live_d)
    d["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.26"
    d["spec"]["template"]["spec"]["containers"][0]["env"] = [{"name": "B", "value": "2"}]
    path.write_text(yaml.safe_dump(d))
    assert k.run(["apply", "-f", str(path)]).out == "deployment.apps/web configured\n"
    containers = c.store.get("Deployment", "web", "dev")["spec"]["template"]["spec"]["containers"]
    assert [x["name"] for x in containers] == ["web", "sidecar"]
    assert containers[0]["image"] == "nginx:1.26" and containers[0]["env"] == [{"name": "B", "value": "2"}]
    assert containers[0]["imagePullPolicy"] == "IfNotPresent", "the default set live is kept"
