"""kubectl's shell completion at each position of a line (the TUI prompt's ``:kubectl`` completion)."""

from __future__ import annotations

import pytest

from k9play.api.auth import UserInfo
from k9play.cluster import Cluster
from k9play.kubectl.acting import ActingCluster
from k9play.kubectl.commands import command_handlers
from k9play.kubectl.completion import GET_FORMATS, PRINT_FORMATS, api_resource_names, complete
from k9play.manifests.applier import apply_object
from tests.helpers import deployment, new_cluster, pod


@pytest.fixture(scope="module")
def cluster() -> Cluster:
    c = new_cluster(workers=1)
    apply_object(c.store, deployment("web", replicas=2))
    apply_object(c.store, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}})
    apply_object(c.store, deployment("cart", replicas=1), namespace="shop")
    two = pod("duo", "nginx:1.25", initContainers=[{"name": "setup", "image": "busybox"}])
    two["spec"]["containers"].append({"name": "sidecar", "image": "busybox"})
    apply_object(c.store, two)
    c.advance_sync(30)
    return c


def names(cluster: Cluster, kind: str, ns: str | None) -> list[str]:
    return sorted(o["metadata"]["name"] for o in cluster.store.list(kind, ns))


def comp(cluster: Cluster, line: str, namespace: str = "default") -> list[str]:
    """Complete the last word of ``line`` (a trailing space: a new, empty word)."""
    *words, partial = line.split(" ")
    return complete(cluster.store, words, partial, namespace)


def test_the_first_word_is_a_command_k9play_runs(cluster):
    assert comp(cluster, "") == sorted(command_handlers())
    assert comp(cluster, "ge") == ["get"]
    assert comp(cluster, "ro") == ["rollout"]
    assert comp(cluster, "nope") == []
    assert comp(cluster, "-n shop ge") == ["get"], "global flags may come before the command"


def test_types_as_api_resources_names_then_names_from_the_lines_namespace(cluster):
    assert comp(cluster, "get ") == api_resource_names()
    assert comp(cluster, "get po")[0] == "pods"
    assert "deployments.apps" in comp(cluster, "get dep")
    assert comp(cluster, "get pods,se") == ["pods,secrets", "pods,serviceaccounts", "pods,services"]
    assert comp(cluster, "describe deploy ") == ["web"]
    assert comp(cluster, "describe deploy ", namespace="shop") == ["cart"], "the TUI's namespace"
    assert comp(cluster, "get deploy -n shop ") == ["cart"], "-n on the line wins"
    assert comp(cluster, "get deploy --namespace=shop ") == ["cart"]
    assert comp(cluster, "get -nshop deploy ") == ["cart"]
    pods = names(cluster, "Pod", "default")
    assert comp(cluster, "delete pods ") == pods
    assert comp(cluster, f"delete pods {pods[0]} ") == pods[1:], "names already on the line are left out"
    assert comp(cluster, "get nodes ") == names(cluster, "Node", None), "cluster-scoped: every one"
    assert comp(cluster, "get nosuchtype ") == []


def test_type_slash_name(cluster):
    assert comp(cluster, "get deploy/") == ["deploy/web"]
    assert comp(cluster, "get deployment/w") == ["deployment/web"]
    assert comp(cluster, "get deploy/web deploy") == ["deployments.apps/"], "TYPE/ after a TYPE/NAME"
    assert comp(cluster, "get deploy/web deploy/") == [], "web is on the line already"


def test_commands_that_take_only_some_types(cluster):
    assert comp(cluster, "scale ") == ["deployment", "replicaset", "replicationcontroller", "statefulset"]
    assert comp(cluster, "scale deployment ") == ["web"]
    assert comp(cluster, "expose ") == ["pod", "service", "replicationcontroller", "deployment", "replicaset"]
    assert comp(cluster, "expose deployment web ") == [], "one resource only"
    assert comp(cluster, "rollout ") == ["history", "pause", "restart", "resume", "status", "undo"]
    assert comp(cluster, "rollout status ") == ["deployment", "daemonset", "statefulset"]
    assert comp(cluster, "rollout pause ") == ["deployment"]
    assert comp(cluster, "rollout undo deployment/") == ["deployment/web"]
    assert comp(cluster, "taint ") == ["node"]
    nodes = names(cluster, "Node", None)
    assert comp(cluster, "cordon ") == nodes
    assert comp(cluster, "drain k9") == [n for n in nodes if n.startswith("k9")]
    assert comp(cluster, "top ") == ["node", "pod"]
    assert comp(cluster, "top pod ") == names(cluster, "Pod", "default")
    assert comp(cluster, "create se") == ["secret", "service", "serviceaccount"]
    assert comp(cluster, "create service ") == ["clusterip", "externalname", "loadbalancer", "nodeport"]
    assert comp(cluster, "create deployment ") == [], "a new name: nothing to offer"
    assert comp(cluster, "explain dep") == [n for n in api_resource_names() if n.startswith("dep")]
    assert comp(cluster, "apply ") == []


def test_logs_and_exec_take_pods_and_types_holding_pods(cluster):
    pods = names(cluster, "Pod", "default")
    offered = comp(cluster, "logs ")
    assert offered[:len(pods)] == pods
    assert offered[len(pods):] == ["daemonsets/", "deployments/", "pods/", "jobs/", "replicasets/",
                                   "replicationcontrollers/", "services/", "statefulsets/"]
    assert comp(cluster, "exec du") == ["duo"]
    assert comp(cluster, "logs deployments/") == ["deployments/web"]
    assert comp(cluster, "logs duo ") == ["setup", "main", "sidecar"], "the second argument: a container"
    assert comp(cluster, "exec duo ") == []
    assert comp(cluster, "exec duo -c ") == ["setup", "main", "sidecar"]
    assert comp(cluster, "logs duo --container s") == ["setup", "sidecar"]
    assert comp(cluster, "exec deploy/web -c ") == ["app"], "TYPE/NAME: the pod kubectl attaches to"
    assert comp(cluster, "exec duo -c main -- ") == [], "after -- the container's command"
    assert comp(cluster, "exec nosuch -c ") == []


def test_flag_values(cluster):
    assert comp(cluster, "get pods -n ") == names(cluster, "Namespace", None)
    assert comp(cluster, "get pods -n sh") == ["shop"]
    assert comp(cluster, "get pods --namespace=sh") == ["--namespace=shop"]
    assert comp(cluster, "get pods -o ") == list(GET_FORMATS)
    assert comp(cluster, "get pods -o w") == ["wide"]
    assert comp(cluster, "get pods -o=j") == ["-o=json", "-o=jsonpath", "-o=jsonpath-as-json", "-o=jsonpath-file"]
    assert comp(cluster, "create deployment x --image=nginx -o ") == list(PRINT_FORMATS), "no wide but for get"
    assert comp(cluster, "describe pods -o ") == [], "describe has no -o"
    assert comp(cluster, "get pods -l ") == [], "a selector: nothing kubectl offers"


def test_flags_of_the_command(cluster):
    flags = comp(cluster, "get pods -")
    assert flags[:4] == ["--all-namespaces", "-A", "--field-selector", "--filename"]
    assert "--output" in flags and "-o" in flags and "--watch" in flags and "-w" in flags
    assert "--replicas" not in flags, "not a flag of get"
    assert flags[-5:] == ["--as", "--as-group", "--namespace", "-n", "--token"], "the global flags come last"
    assert "--output" not in comp(cluster, "get pods -o wide -"), "given already"
    assert comp(cluster, "logs duo --f") == ["--follow"]
    assert comp(cluster, "logs duo --c") == ["--container"]
    assert comp(cluster, "scale deploy web --rep") == ["--replicas"]
    assert comp(cluster, "get pods --fil") == ["--filename"]
    assert comp(cluster, "get pods -f x --fil") == ["--filename"], "-f repeats"


def test_a_user_who_may_not_list_gets_no_names(cluster):
    acting = ActingCluster(cluster, UserInfo("nobody", ("system:authenticated",)))
    assert complete(acting.store, ["get", "pods"], "", "default") == []
    assert complete(acting.store, ["get"], "po", "default")[0] == "pods", "types need no list"


def test_create_offers_its_subcommands_flags(cluster):
    assert "--image" not in comp(cluster, "create --")
    assert "--filename" in comp(cluster, "create --")
    assert comp(cluster, "create deployment web --re") == ["--replicas"]
    assert comp(cluster, "create secret generic s --from") == ["--from-env-file", "--from-file", "--from-literal"]
    assert "--filename" not in comp(cluster, "create deployment web --")
