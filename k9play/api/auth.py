"""Who is asking, and may they: users and groups, impersonation, and the RBAC authorizer.

The model (documented in ARCHITECTURE.md):

* **Authentication.** The simulated kubeconfig has one user, ``kind-k9play``, holding kind's
  admin client certificate: CN ``kubernetes-admin``, O ``kubeadm:cluster-admins`` (kubeadm ≥
  1.29 binds that group to ``cluster-admin`` with the ``kubeadm:cluster-admins``
  ClusterRoleBinding instead of using ``system:masters``). A bearer token the apiserver does
  not know is a 401 (``error: You must be logged in to the server (Unauthorized)``);
  a known token is a ServiceAccount token Secret's ``data.token``.
* **Impersonation.** ``--as``/``--as-group`` act as anyone: any name is just a user in RBAC
  terms. As in ``apiserver/pkg/endpoints/filters/impersonation.go``: the acting user needs
  ``impersonate`` on users/groups/serviceaccounts; ``system:authenticated`` is added unless
  the groups name it or ``system:unauthenticated``; a ServiceAccount impersonated without
  groups gets ``system:serviceaccounts`` and ``system:serviceaccounts:<ns>``.
* **Authorization.** The privileged-group authorizer (``system:masters``) first, then RBAC
  (``plugin/pkg/auth/authorizer/rbac/rbac.go``): ClusterRoleBindings apply everywhere,
  RoleBindings in their namespace; rule matching follows ``rbac/v1 helpers``.
  The engine's own components (controllers, scheduler, kubelets) write to the store directly
  and are never checked — they stand for ``system:kube-controller-manager``,
  ``system:kube-scheduler`` and ``system:node:<name>``, all of which a real cluster allows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from k9play.api import errors

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore

Obj = dict[str, Any]

ALL_AUTHENTICATED = "system:authenticated"
ALL_UNAUTHENTICATED = "system:unauthenticated"
ANONYMOUS = "system:anonymous"
MASTERS = "system:masters"
SA_PREFIX = "system:serviceaccount:"
KUBECONFIG_USER = "kind-k9play"


@dataclass(frozen=True)
class UserInfo:
    """``user.Info``: a name and its groups."""

    name: str
    groups: tuple[str, ...] = ()


#: the identity of kind's admin kubeconfig (``kubectl`` without ``--as``)
ADMIN = UserInfo("kubernetes-admin", ("kubeadm:cluster-admins", ALL_AUTHENTICATED))


@dataclass(frozen=True)
class Attributes:
    """``authorizer.Attributes``: one request, resource or non-resource (``path``)."""

    user: UserInfo
    verb: str
    resource: str = ""
    group: str = ""
    namespace: str = ""
    name: str = ""
    subresource: str = ""
    path: str = ""

    @property
    def is_resource_request(self) -> bool:
        return not self.path


@dataclass
class Decision:
    allowed: bool
    reason: str = ""


def service_account_user(namespace: str, name: str) -> UserInfo:
    """What a ServiceAccount authenticates as (``serviceaccount.UserInfo``)."""
    return UserInfo(f"{SA_PREFIX}{namespace}:{name}",
                    ("system:serviceaccounts", f"system:serviceaccounts:{namespace}", ALL_AUTHENTICATED))


def split_service_account(username: str) -> tuple[str, str] | None:
    """``serviceaccount.SplitUsername``: (namespace, name) of ``system:serviceaccount:ns:name``."""
    if not username.startswith(SA_PREFIX):
        return None
    parts = username[len(SA_PREFIX):].split(":")
    if len(parts) != 2 or not all(parts):
        return None
    return parts[0], parts[1]


def impersonated(username: str, groups: list[str]) -> UserInfo:
    """The user an impersonation request acts as (groups completed as the apiserver does)."""
    out = list(groups)
    sa = split_service_account(username)
    if sa is not None and not groups:
        out = ["system:serviceaccounts", f"system:serviceaccounts:{sa[0]}"]
    if username != ANONYMOUS:
        if not any(g in (ALL_AUTHENTICATED, ALL_UNAUTHENTICATED) for g in out):
            out.append(ALL_AUTHENTICATED)
    elif ALL_UNAUTHENTICATED not in out:
        out.append(ALL_UNAUTHENTICATED)
    return UserInfo(username, tuple(out))


def impersonation_checks(acting: UserInfo, target: UserInfo, requested_groups: list[str]) -> Iterator[Attributes]:
    """The ``impersonate`` checks the impersonation filter makes before switching users."""
    sa = split_service_account(target.name)
    if sa is not None:
        yield Attributes(acting, "impersonate", "serviceaccounts", "", sa[0], sa[1])
    else:
        yield Attributes(acting, "impersonate", "users", "", "", target.name)
    for g in requested_groups:
        yield Attributes(acting, "impersonate", "groups", "", "", g)


# ------------------------------------------------------------------- rules
def verb_matches(rule: Obj, verb: str) -> bool:
    return any(v in ("*", verb) for v in rule.get("verbs") or [])


def group_matches(rule: Obj, group: str) -> bool:
    return any(g in ("*", group) for g in rule.get("apiGroups") or [])


def resource_matches(rule: Obj, combined: str, subresource: str) -> bool:
    """``*``, an exact ``resource[/subresource]``, or ``*/subresource``."""
    for r in rule.get("resources") or []:
        if r in ("*", combined):
            return True
        if subresource and r == f"*/{subresource}":
            return True
    return False


def name_matches(rule: Obj, name: str) -> bool:
    names = rule.get("resourceNames") or []
    return not names or name in names


def url_matches(rule: Obj, path: str) -> bool:
    for url in rule.get("nonResourceURLs") or []:
        if url in ("*", path):
            return True
        if url.endswith("*") and path.startswith(url.rstrip("*")):
            return True
    return False


def rule_allows(attrs: Attributes, rule: Obj) -> bool:
    """``RuleAllows``."""
    if not verb_matches(rule, attrs.verb):
        return False
    if not attrs.is_resource_request:
        return url_matches(rule, attrs.path)
    combined = f"{attrs.resource}/{attrs.subresource}" if attrs.subresource else attrs.resource
    return (group_matches(rule, attrs.group) and resource_matches(rule, combined, attrs.subresource)
            and name_matches(rule, attrs.name))


def applies_to(user: UserInfo, subject: Obj, namespace: str) -> bool:
    """``appliesToUser``: a ServiceAccount subject without a namespace means the binding's."""
    kind, name = subject.get("kind"), subject.get("name", "")
    if kind == "User":
        return user.name == name
    if kind == "Group":
        return name in user.groups
    if kind == "ServiceAccount":
        ns = subject.get("namespace") or namespace
        return bool(ns) and user.name == f"{SA_PREFIX}{ns}:{name}"
    return False


class RBACAuthorizer:
    """RBAC over the store's Roles, ClusterRoles and bindings (read at request time)."""

    def __init__(self, store: ObjectStore) -> None:
        self.store = store

    def _role_rules(self, ref: Obj, namespace: str) -> list[Obj]:
        kind, name = ref.get("kind"), ref.get("name", "")
        role = self.store.try_get("ClusterRole", name) if kind == "ClusterRole" else \
            self.store.try_get("Role", name, namespace) if kind == "Role" and namespace else None
        return list((role or {}).get("rules") or [])

    def visit(self, user: UserInfo, namespace: str) -> Iterator[tuple[str, Obj]]:
        """(source, rule) for every rule granted to ``user`` in ``namespace`` (``""``: cluster)."""
        for crb in self.store.list("ClusterRoleBinding"):
            if any(applies_to(user, s, "") for s in crb.get("subjects") or []):
                ref = crb.get("roleRef") or {}
                source = (f'ClusterRoleBinding "{crb["metadata"]["name"]}" of {ref.get("kind")} '
                          f'"{ref.get("name")}"')
                for rule in self._role_rules(ref, ""):
                    yield source, rule
        if not namespace:
            return
        for rb in self.store.list("RoleBinding", namespace):
            if any(applies_to(user, s, namespace) for s in rb.get("subjects") or []):
                ref = rb.get("roleRef") or {}
                source = (f'RoleBinding "{rb["metadata"]["name"]}/{namespace}" of {ref.get("kind")} '
                          f'"{ref.get("name")}"')
                for rule in self._role_rules(ref, namespace):
                    yield source, rule

    def authorize(self, attrs: Attributes) -> Decision:
        if MASTERS in attrs.user.groups:
            return Decision(True)
        for source, rule in self.visit(attrs.user, attrs.namespace):
            if rule_allows(attrs, rule):
                return Decision(True, f"RBAC: allowed by {source} to User \"{attrs.user.name}\"")
        return Decision(False)

    def rules_for(self, user: UserInfo, namespace: str) -> list[Obj]:
        """What a SelfSubjectRulesReview answers (the privileged group gets everything)."""
        if MASTERS in user.groups:
            return [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
                    {"nonResourceURLs": ["*"], "verbs": ["*"]}]
        return [rule for _, rule in self.visit(user, namespace)]


def forbidden_message(attrs: Attributes) -> str:
    """``responsewriters.forbiddenMessage``."""
    user = attrs.user.name
    if not attrs.is_resource_request:
        return f'User "{user}" cannot {attrs.verb} path "{attrs.path}"'
    resource = f"{attrs.resource}/{attrs.subresource}" if attrs.subresource else attrs.resource
    where = f'in the namespace "{attrs.namespace}"' if attrs.namespace else "at the cluster scope"
    return f'User "{user}" cannot {attrs.verb} resource "{resource}" in API group "{attrs.group}" {where}'


def forbidden(attrs: Attributes) -> errors.ApiError:
    """``ForbiddenStatusError``: ``pods "x" is forbidden: User … cannot get resource …``."""
    qualified = f"{attrs.resource}.{attrs.group}" if attrs.group else attrs.resource
    if not attrs.is_resource_request:
        return errors.forbidden(f"forbidden: {forbidden_message(attrs)}")
    target = f'{qualified} "{attrs.name}"' if attrs.name else qualified
    return errors.forbidden(f"{target} is forbidden: {forbidden_message(attrs)}")


def unauthorized() -> errors.ApiError:
    return errors.ApiError("Unauthorized", 401, "Unauthorized")


@dataclass
class Identity:
    """The credentials a kubectl invocation presents, resolved to a user."""

    user: UserInfo = ADMIN
    #: impersonation was asked for (the checks ran against the kubeconfig user)
    impersonating: bool = False
    groups: list[str] = field(default_factory=list)


def authenticate_token(store: ObjectStore, token: str) -> UserInfo:
    """A bearer token: the ServiceAccount whose token Secret holds it, else 401."""
    import base64
    import binascii

    for secret in store.list("Secret"):
        if secret.get("type") != "kubernetes.io/service-account-token":
            continue
        raw = (secret.get("data") or {}).get("token")
        try:
            value = base64.b64decode(raw or "").decode() if raw else ""
        except (binascii.Error, UnicodeDecodeError):
            continue
        if value and value == token:
            sa = (secret["metadata"].get("annotations") or {}).get("kubernetes.io/service-account.name", "")
            return service_account_user(secret["metadata"]["namespace"], sa)
    raise unauthorized()
