import ipaddress

import pytest

from k9play.api import errors, schema
from k9play.api.store import ObjectStore
from k9play.clock import VirtualClock
from tests.helpers import CORPUS, deployment, pod


@pytest.fixture
def store() -> ObjectStore:
    return ObjectStore(VirtualClock())


def test_pod_defaults_and_admission_plugins(store):
    p = store.create(pod(image="nginx"))
    spec = p["spec"]
    c = spec["containers"][0]
    assert c["imagePullPolicy"] == "Always"  # untagged → latest
    assert c["terminationMessagePath"] == "/dev/termination-log" and c["resources"] == {}
    assert spec["restartPolicy"] == "Always" and spec["terminationGracePeriodSeconds"] == 30
    assert spec["dnsPolicy"] == "ClusterFirst" and spec["schedulerName"] == "default-scheduler"
    assert spec["serviceAccountName"] == "default" and spec["priority"] == 0
    assert {t["key"] for t in spec["tolerations"]} == {"node.kubernetes.io/not-ready",
                                                     "node.kubernetes.io/unreachable"}
    assert p["status"] == {"phase": "Pending", "qosClass": "BestEffort"}


def test_tagged_image_pulls_if_not_present_and_probe_defaults(store):
    p = store.create(pod(image="nginx:1.25", containers=[{
        "name": "web", "image": "nginx:1.25",
        "livenessProbe": {"httpGet": {"port": 80}},
        "resources": {"limits": {"cpu": "500m", "memory": "128Mi"}},
    }]))
    c = p["spec"]["containers"][0]
    assert c["imagePullPolicy"] == "IfNotPresent"
    assert c["livenessProbe"] == {"httpGet": {"port": 80, "path": "/", "scheme": "HTTP"}, "timeoutSeconds": 1,
                                  "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3}
    assert c["resources"]["requests"] == {"cpu": "500m", "memory": "128Mi"}
    assert p["status"]["qosClass"] == "Guaranteed"


def test_service_defaults_and_cluster_ip(store):
    svc = store.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
                        "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}], "type": "NodePort"}})
    port = dict(svc["spec"]["ports"][0])
    # automatic node ports are random, from above the static band (30000-30085) first
    assert 30086 <= port.pop("nodePort") <= 32767
    assert port == {"port": 80, "protocol": "TCP", "targetPort": 80}
    assert ipaddress.ip_address(svc["spec"]["clusterIP"]) in ipaddress.ip_network("10.96.0.0/12")
    assert svc["spec"]["clusterIPs"] == [svc["spec"]["clusterIP"]] and svc["spec"]["sessionAffinity"] == "None"


def test_semantic_validation_names_fields(store):
    bad = deployment()
    bad["spec"]["template"]["metadata"]["labels"] = {"app": "other"}
    with pytest.raises(errors.ApiError) as e:
        store.create(bad)
    assert e.value.reason == "Invalid"
    assert str(e.value).startswith('Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value: '
                                   'map[string]string{"app":"other"}: `selector` does not match template `labels`')
    with pytest.raises(errors.ApiError) as e:
        store.create(pod(containers=[{"name": "Bad_Name"}]))
    fields = [c.field for c in e.value.causes]
    assert fields == ["spec.containers[0].name", "spec.containers[0].image"]


def test_strict_field_validation_reports_paths(store):
    bad = deployment()
    bad["spec"]["replica"] = 2
    bad["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = "80"
    with pytest.raises(errors.ApiError) as e:
        store.create(bad, field_validation="Strict")
    assert e.value.reason == "BadRequest"
    assert {c.field for c in e.value.causes} == {
        "spec.replica", "spec.template.spec.containers[0].ports[0].containerPort"}
    assert 'strict decoding error: unknown field "spec.replica"' in str(e.value)


def test_schema_messages():
    causes = schema.validate({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"},
                              "spec": {"containers": [{"name": "a", "image": "b", "args": "sleep 1"}]}})
    assert [c.message for c in causes] == [
        "json: cannot unmarshal string into Go struct field Container.spec.containers.args of type []string"]


@pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpus is absent")
def test_every_docs_example_controller_validates_against_the_official_schema():
    import yaml

    checked = 0
    for path in sorted((CORPUS / "k8s-docs-examples" / "controllers").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and doc.get("kind") and schema.kind_schema(doc["kind"], doc["apiVersion"]):
                assert schema.validate(doc) == [], path
                checked += 1
    assert checked >= 15


def test_default_toleration_seconds_also_admits_updates(store):
    """kubectl apply replaces a pod's ``tolerations`` list with the file's; DefaultTolerationSeconds
    runs on update too, so the not-ready/unreachable tolerations stay."""
    from k9play.manifests.applier import apply_object

    manifest = pod("ssd", tolerations=[{"key": "dedicated", "operator": "Equal", "value": "ssd",
                                         "effect": "NoSchedule"}])
    apply_object(store, manifest)
    assert apply_object(store, manifest).action == "unchanged"
    tolerations = store.get("Pod", "ssd", "default")["spec"]["tolerations"]
    assert [(t["key"], t.get("tolerationSeconds")) for t in tolerations] == [
        ("dedicated", None), ("node.kubernetes.io/not-ready", 300), ("node.kubernetes.io/unreachable", 300)]
