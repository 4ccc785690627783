"""kubectl get -o jsonpath / jsonpath-as-json / custom-columns and --sort-by, compared with kubectl's exact text."""

from __future__ import annotations

import pytest

from k9play.kubectl.commands import Kubectl
from k9play.kubectl.jsonpath import JSONPathError, execute_template, natural_less, sort_objects
from k9play.manifests.applier import apply_object
from tests.helpers import deployment, new_cluster, pod


@pytest.fixture
def cluster():
    c = new_cluster()
    apply_object(c.store, deployment())
    c.advance_sync(60)
    apply_object(c.store, pod("solo"))
    c.advance_sync(30)
    return c


def web_pods(c) -> list[str]:
    return [p["metadata"]["name"] for p in c.store.list("Pod", "default") if p["metadata"]["name"] != "solo"]


def test_jsonpath_names_nodes_and_range(cluster):
    k = Kubectl(cluster)
    web = web_pods(cluster)
    r = k.run(["get", "pods", "-o", "jsonpath={.items[*].metadata.name}"])
    assert (r.code, r.err, r.out) == (0, "", " ".join(["solo", *web]))
    r = k.run(["get", "pods", "-o", r'jsonpath={range .items[*]}{.metadata.name}{"\t"}{.status.phase}{"\n"}{end}'])
    assert r.out == "".join(f"{n}\tRunning\n" for n in ["solo", *web])
    assert k.run(["get", "pods", "-o", "jsonpath={.items[0].metadata.name}"]).out == "solo"
    assert k.run(["get", "pods", "-o", "jsonpath={.items[-1:].metadata.name}"]).out == web[-1]
    assert k.run(["get", "pods", "-o", "jsonpath={.items[1:3].metadata.name}"]).out == " ".join(web[:2])
    assert k.run(["get", "pods", "-o", "jsonpath={.kind} {.metadata}"]).out == 'List {"resourceVersion":""}'
    r = k.run(["get", "pods", "-o", "jsonpath={..nodeName}"])
    nodes = [p["spec"]["nodeName"] for p in cluster.store.list("Pod", "default")]
    assert r.out == " ".join(nodes)


def test_jsonpath_single_object_maps_missing_and_filters(cluster):
    k = Kubectl(cluster)
    r = k.run(["get", "deploy", "web", "-o", "jsonpath={.metadata.name} {.metadata.labels} {.spec.replicas}"])
    assert r.out == 'web {"app":"web"} 3'
    assert k.run(["get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[0].ports}"]).out == \
        '[{"containerPort":80,"protocol":"TCP"}]'
    assert k.run(["get", "deploy", "web", "-o", "jsonpath=[{.status.nope}]"]).out == "[]"
    assert k.run(["get", "deploy", "web", "-o", "jsonpath={@.kind}"]).out == "Deployment"
    assert k.run(["get", "pods", "-o", 'jsonpath={.items[?(@.metadata.name=="solo")].spec.nodeName}']).out == \
        cluster.store.get("Pod", "solo", "default")["spec"]["nodeName"]
    web = web_pods(cluster)
    r = k.run(["get", "pods", "-o", 'jsonpath={.items[?(@.metadata.name!="solo")].metadata.name}'])
    assert r.out == " ".join(web)
    r = k.run(["get", "pods", "-o", "jsonpath={.items[?(@.metadata.labels.app)].metadata.name}"])
    assert r.out == " ".join(web)
    r = k.run(["get", "pods", "-o", "jsonpath={.items[?(@.status.containerStatuses[0].restartCount<1)].kind}"])
    assert r.out == "Pod Pod Pod Pod"
    assert k.run(["get", "pods", "-o", "jsonpath={.items[?(@.spec.priority>0)].kind}"]).out == ""


def test_jsonpath_as_json(cluster):
    r = Kubectl(cluster).run(["get", "pods", "-o", "jsonpath-as-json={.items[*].metadata.name}"])
    names = ["solo", *web_pods(cluster)]
    assert r.out == "[\n" + ",\n".join(f'    "{n}"' for n in names) + "\n]\n"
    r = Kubectl(cluster).run(["get", "deploy", "web", "-o", "jsonpath-as-json={.metadata.labels}"])
    assert r.out == '[\n    {\n        "app": "web"\n    }\n]\n'


def test_jsonpath_errors(cluster):
    k = Kubectl(cluster)
    r = k.run(["get", "pods", "-o", "jsonpath={.items["])
    assert (r.code, r.out, r.err) == (1, "", "error: error parsing jsonpath {.items[, unterminated array\n")
    r = k.run(["get", "pods", "-o", "jsonpath={.items[?(@.x)}"])
    assert r.err == "error: error parsing jsonpath {.items[?(@.x)}, unclosed array expect ]\n"
    assert k.run(["get", "pods", "-o", "jsonpath={.a"]).err == "error: error parsing jsonpath {.a, unclosed action\n"
    assert k.run(["get", "pods", "-o", "jsonpath"]).err == "error: template format specified but no template given\n"
    r = k.run(["get", "pods", "-o", "jsonpath={.items[9]}"])
    assert r.code == 1 and r.out == "" and r.err.startswith(
        'error: error executing jsonpath "{.items[9]}": Error executing template: array index out of bounds: '
        "index 9, length 4. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.items[9]}\n")


def test_jsonpath_engine_details():
    data = {"a": [1, 2, 3, 4], "s": "x<y", "m": {"k": "<v>"}, "f": 1.5, "b": True, "n": None}
    assert execute_template("{.a[::2]} {.a[-2]} {.a[0,3]}", data) == "1 3 3 1 4"
    assert execute_template("{.s} {.m} {.f} {.b} {.n}", data) == 'x<y {"k":"\\u003cv\\u003e"} 1.5 true <nil>'
    assert execute_template("{.a[?(@==2)]}", {"a": [1, 2]}) == "2"
    assert execute_template("{range .a[*]}[{@}]{end}tail", data) == "[1][2][3][4]tail"
    assert execute_template("{range .x[*]}{@}{end}tail", data) == ""  # kubectl skips what follows an empty range
    with pytest.raises(JSONPathError, match="incompatible types for comparison"):
        execute_template('{.a[?(@=="1")]}', data)


def test_custom_columns(cluster):
    k = Kubectl(cluster)
    pods = cluster.store.list("Pod", "default")
    r = k.run(["get", "pods", "-o", "custom-columns=NAME:.metadata.name,NODE:spec.nodeName,APP:{.metadata.labels.app}"])
    w = max(len(p["metadata"]["name"]) for p in pods) + 3
    nw = max(len(p["spec"]["nodeName"]) for p in pods) + 3
    expected = "NAME".ljust(w) + "NODE".ljust(nw) + "APP\n" + "".join(
        p["metadata"]["name"].ljust(w) + p["spec"]["nodeName"].ljust(nw) + p["metadata"].get("labels", {}).get(
            "app", "<none>") + "\n" for p in pods)
    assert (r.code, r.err, r.out) == (0, "", expected)
    spec = ("custom-columns=NAME:.metadata.name,PORTS:.spec.template.spec.containers[*].ports[*].containerPort,"
            "R:.spec.replicas")
    r = k.run(["get", "deploy", "web", "-o", spec, "--no-headers"])
    assert r.out == "web   80    3\n"  # tabwriter minimum cell width 6
    r = k.run(["get", "deploy", "web", "-o", "custom-columns=L:.metadata.labels"])
    assert r.out == "L\nmap[app:web]\n"
    r = k.run(["get", "pods", "-o", "custom-columns=NAME"])
    assert r.err == "error: unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>\n"


def test_sort_by(cluster):
    k = Kubectl(cluster)
    web = web_pods(cluster)
    r = k.run(["get", "pods", "--sort-by=.metadata.creationTimestamp", "-o", "name"])
    assert r.out == "".join(f"pod/{n}\n" for n in [*web, "solo"])
    r = k.run(["get", "pods", "--sort-by", "{.metadata.creationTimestamp}"])
    lines = r.out.splitlines()
    assert lines[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert [line.split()[0] for line in lines[1:]] == [*web, "solo"]
    assert lines[-1] == "solo                   1/1     Running   0          30s"
    # equal keys keep their order; missing values sort first
    r = k.run(["get", "pods", "--sort-by=.status.containerStatuses[0].restartCount", "-o", "name"])
    assert r.out == "".join(f"pod/{n}\n" for n in ["solo", *web])
    r = k.run(["get", "pods", "--sort-by=metadata.labels.app", "-o", "jsonpath={.items[*].metadata.name}"])
    assert r.out == " ".join(["solo", *web])
    r = k.run(["get", "pods", "--sort-by=.metadata.nope"])
    assert (r.code, r.err) == (
        1, 'error: couldn\'t find any field with path "{.metadata.nope}" in the list of objects\n')
    # a single named object is not a list: nothing to sort, no error
    assert k.run(["get", "deploy", "web", "--sort-by=.nope", "-o", "name"]).out == "deployment.apps/web\n"


def test_sorter_numbers_quantities_and_natural_order():
    objs = [{"n": 10, "q": "1Gi", "s": "pod-10"}, {"n": 9, "q": "500Mi", "s": "pod-9"}, {"q": "2", "s": "pod-010"}]
    assert [o.get("n") for o in sort_objects(objs, ".n")] == [None, 9, 10]
    assert [o["q"] for o in sort_objects(objs, ".q")] == ["2", "500Mi", "1Gi"]
    assert [o["s"] for o in sort_objects(objs, ".s")] == ["pod-9", "pod-10", "pod-010"]
    assert natural_less("a2", "a10") and not natural_less("a10", "a2") and natural_less("1x", "x")
