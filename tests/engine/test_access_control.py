"""RBAC through kubectl: service accounts denied then allowed, impersonation, can-i, bootstrap
roles and aggregation. Written for k9play; the expected texts are kubectl's and the apiserver's."""

from __future__ import annotations

from k9play.api.auth import ADMIN, Attributes, RBACAuthorizer, UserInfo, forbidden, impersonated
from k9play.kubectl.commands import Kubectl
from tests.helpers import new_cluster

SA = "system:serviceaccount:dev:app"


def _kubectl():
    c = new_cluster(1)
    k = Kubectl(c)
    assert k.run_line("create namespace dev").code == 0
    assert k.run_line("create serviceaccount app -n dev").code == 0
    return c, k


def test_service_account_is_denied_list_pods_then_allowed_after_a_rolebinding():
    c, k = _kubectl()
    r = k.run_line(f"get pods -n dev --as {SA}")
    assert r.code == 1
    assert r.err == ('Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:dev:app" '
                     'cannot list resource "pods" in API group "" in the namespace "dev"\n')
    assert k.run_line("create role pod-reader --verb=get,list --resource=pods -n dev").code == 0
    assert k.run_line("create rolebinding app-reads --role=pod-reader --serviceaccount=dev:app -n dev").code == 0
    r = k.run_line(f"get pods -n dev --as {SA}")
    assert (r.code, r.err) == (0, "No resources found in dev namespace.\n")
    # the role says nothing about other namespaces, deployments or writes
    assert "cannot list resource \"pods\" in API group \"\" in the namespace \"default\"" in \
        k.run_line(f"get pods --as {SA}").err
    assert 'cannot list resource "deployments" in API group "apps" in the namespace "dev"' in \
        k.run_line(f"get deploy -n dev --as {SA}").err
    c.store.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "dev"},
                    "spec": {"containers": [{"name": "main", "image": "nginx"}]}})
    c.advance_sync(20)
    r = k.run_line(f"logs web -n dev --as {SA}")
    assert r.err == ('Error from server (Forbidden): pods "web" is forbidden: User "system:serviceaccount:dev:app" '
                     'cannot get resource "pods/log" in API group "" in the namespace "dev"\n')
    k.run_line("create role log-reader --verb=get --resource=pods/log -n dev")
    k.run_line("create rolebinding app-logs --role=log-reader --serviceaccount=dev:app -n dev")
    assert k.run_line(f"logs web -n dev --as {SA}").code == 0
    r = k.run_line(f"create configmap x --from-literal=a=b -n dev --as {SA}")
    assert r.err == ('Error from server (Forbidden): configmaps is forbidden: User "system:serviceaccount:dev:app" '
                     'cannot create resource "configmaps" in API group "" in the namespace "dev"\n')


def test_named_get_cluster_scope_and_resource_names():
    _, k = _kubectl()
    r = k.run_line("get node k9play-worker --as alice")
    assert r.err == ('Error from server (Forbidden): nodes "k9play-worker" is forbidden: User "alice" cannot get '
                     'resource "nodes" in API group "" at the cluster scope\n')
    k.run_line("create configmap a --from-literal=k=v -n dev")
    k.run_line("create configmap b --from-literal=k=v -n dev")
    k.run_line("create role only-a --verb=get --resource=configmaps --resource-name=a -n dev")
    k.run_line("create rolebinding alice-a --role=only-a --user=alice -n dev")
    assert k.run_line("get cm a -n dev --as alice").code == 0
    assert k.run_line("get cm b -n dev --as alice").code == 1
    assert k.run_line("auth can-i get configmaps/a -n dev --as alice").out == "yes\n"
    r = k.run_line("auth can-i get configmaps b -n dev --as alice")
    assert (r.out, r.code) == ("no\n", 1)


def test_groups_cluster_roles_and_aggregation():
    c, k = _kubectl()
    k.run_line("create clusterrolebinding devs-view --clusterrole=view --group=devs")
    c.advance_sync(1)
    assert k.run_line("auth can-i list pods -n kube-system --as bob --as-group devs").out == "yes\n"
    assert k.run_line("auth can-i list secrets -n kube-system --as bob --as-group devs").out == "no\n"
    assert k.run_line("auth can-i list pods --as bob").out == "no\n"
    # a ClusterRole labelled aggregate-to-view extends view (the aggregation controller)
    k.run_line("create clusterrole crontab-viewer --verb=get,list --resource=cronjobs.batch")
    role = c.store.get("ClusterRole", "crontab-viewer")
    c.store.update({**role, "metadata": {**role["metadata"],
                                         "labels": {"rbac.authorization.k8s.io/aggregate-to-view": "true"}}})
    c.advance_sync(1)
    rules = c.store.get("ClusterRole", "view")["rules"]
    assert {"apiGroups": ["batch"], "resources": ["cronjobs"], "verbs": ["get", "list"]} in rules
    assert any("pods/log" in r.get("resources", []) for r in rules)  # from system:aggregate-to-view
    assert k.run_line("auth can-i get pods --subresource=log -n dev --as bob --as-group devs").out == "yes\n"


def test_can_i_answers_warnings_and_the_list_table():
    _, k = _kubectl()
    assert k.run_line("auth can-i '*' '*'").out == "yes\n"
    r = k.run_line("auth can-i list nodes")
    assert (r.out, r.err) == ("yes\n", "Warning: resource 'nodes' is not namespace scoped\n")
    r = k.run_line(f"auth can-i list widgets --as {SA}")
    assert (r.out, r.err, r.code) == ("no\n", "Warning: the server doesn't have a resource type 'widgets'\n", 1)
    assert k.run_line(f"auth can-i get /healthz --as {SA}").out == "yes\n"
    assert k.run_line(f"auth can-i get /metrics --as {SA}").out == "no\n"
    assert k.run_line(f"auth can-i list pods -n dev --as {SA} -q").out == ""
    k.run_line("create role r --verb=get,list,watch --resource=pods,pods/log,deployments -n dev")
    k.run_line("create rolebinding rb --role=r --serviceaccount=dev:app -n dev")
    lines = k.run_line(f"auth can-i --list -n dev --as {SA}").out.splitlines()
    assert lines[0].split() == ["Resources", "Non-Resource", "URLs", "Resource", "Names", "Verbs"]
    assert lines[0].index("Non-Resource") == lines[1].index("[]")
    assert [line.split()[0] for line in lines[1:7]] == [
        "selfsubjectreviews.authentication.k8s.io", "selfsubjectaccessreviews.authorization.k8s.io",
        "selfsubjectrulesreviews.authorization.k8s.io", "pods/log", "pods", "deployments.apps"]
    assert lines[4].split() == ["pods/log", "[]", "[]", "[get", "list", "watch]"]
    assert any(line.split() == ["[/healthz]", "[]", "[get]"] for line in lines)
    admin = k.run_line("auth can-i --list").out.splitlines()
    assert admin[1].split() == ["*.*", "[]", "[]", "[*]"]
    assert admin[2].split() == ["[*]", "[]", "[*]"]


def test_impersonation_groups_and_whoami():
    assert impersonated(SA, []).groups == ("system:serviceaccounts", "system:serviceaccounts:dev",
                                           "system:authenticated")
    assert impersonated("bob", ["devs"]).groups == ("devs", "system:authenticated")
    assert impersonated("system:anonymous", []).groups == ("system:unauthenticated",)
    c, k = _kubectl()
    out = k.run_line("auth whoami").out
    assert out == ("ATTRIBUTE   VALUE\nUsername    kubernetes-admin\n"
                   "Groups      [kubeadm:cluster-admins system:authenticated]\n")
    r = k.run_line("get pods --as-group devs")
    assert r.err == "error: requesting uid, groups or user-extra for  without impersonating a user\n"
    # a bearer token the apiserver does not know is a 401
    r = k.run_line("get pods --token nope")
    assert r.err == "error: You must be logged in to the server (Unauthorized)\n"
    # a ServiceAccount token Secret's token authenticates as that ServiceAccount
    c.store.create({"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/service-account-token",
                    "metadata": {"name": "app-token", "namespace": "dev",
                                 "annotations": {"kubernetes.io/service-account.name": "app"}},
                    "stringData": {"token": "s3cret"}})
    assert k.run_line("auth whoami --token s3cret").out.splitlines()[1].split() == ["Username", SA]
    # impersonation is itself authorized: a user without `impersonate` cannot act as another
    r = k.run_line("get pods --token s3cret --as carol")
    assert r.err == ('Error from server (Forbidden): users "carol" is forbidden: User '
                     '"system:serviceaccount:dev:app" cannot impersonate resource "users" in API group "" '
                     "at the cluster scope\n")


def test_rbac_rule_matching():
    c = new_cluster(1)
    rbac = RBACAuthorizer(c.store)
    user = UserInfo("u", ("system:authenticated",))
    c.store.create({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "x"},
                    "rules": [{"apiGroups": ["*"], "resources": ["*/scale"], "verbs": ["*"]},
                              {"nonResourceURLs": ["/logs/*"], "verbs": ["get"]}]})
    c.store.create({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                    "metadata": {"name": "x"}, "roleRef": {"apiGroup": "rbac.authorization.k8s.io",
                                                           "kind": "ClusterRole", "name": "x"},
                    "subjects": [{"kind": "User", "name": "u", "apiGroup": "rbac.authorization.k8s.io"}]})

    def allowed(**kw: str) -> bool:
        return rbac.authorize(Attributes(user, **kw)).allowed

    assert allowed(verb="update", resource="deployments", group="apps", subresource="scale", namespace="a")
    assert not allowed(verb="update", resource="deployments", group="apps", namespace="a")
    assert allowed(verb="get", path="/logs/kubelet.log")
    assert not allowed(verb="post", path="/logs/x")
    assert rbac.authorize(Attributes(ADMIN, "delete", "nodes", name="n")).allowed
    assert rbac.authorize(Attributes(UserInfo("root", ("system:masters",)), "anything", "x")).allowed
    err = forbidden(Attributes(user, "get", "pods", "", "dev", "web", "log"))
    assert err.message == ('pods "web" is forbidden: User "u" cannot get resource "pods/log" in API group "" '
                           'in the namespace "dev"')


def test_bootstrap_policy_is_there_and_leaves_generated_names_alone():
    c = new_cluster(1)
    names = {r["metadata"]["name"] for r in c.store.list("ClusterRole")}
    assert {"cluster-admin", "admin", "edit", "view", "system:basic-user", "system:discovery",
            "system:kube-scheduler", "system:kube-controller-manager", "system:node"} <= names
    crb = c.store.get("ClusterRoleBinding", "kubeadm:cluster-admins")
    assert crb["subjects"] == [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group",
                                "name": "kubeadm:cluster-admins"}]
    assert c.store.get("ClusterRole", "edit")["rules"]  # aggregated on start


def test_bootstrap_does_not_consume_the_seeded_stream(monkeypatch):
    from k9play.api import rbac_bootstrap

    with_policy = new_cluster(1).clock.rng.getstate()
    monkeypatch.setattr(rbac_bootstrap, "bootstrap", lambda store: None)
    assert new_cluster(1).clock.rng.getstate() == with_policy
