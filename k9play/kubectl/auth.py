"""``kubectl auth can-i`` and ``auth whoami``, and who a kubectl command acts as
(``--as``, ``--as-group``, ``--token``) — see :mod:`k9play.api.auth` for the model.

``can-i`` sends a SelfSubjectAccessReview (``--list``: a SelfSubjectRulesReview) and prints
what kubectl prints (``staging/src/k8s.io/kubectl/pkg/cmd/auth/cani.go``): ``yes``, or ``no``
with exit status 1; warnings for an unknown resource type or verb; ``--list`` as a table of
the rules broken down, compacted and sorted, with kubectl's tabwriter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k9play.api import resources
from k9play.api.auth import (
    ADMIN,
    Attributes,
    RBACAuthorizer,
    authenticate_token,
    forbidden,
    impersonated,
    impersonation_checks,
)
from k9play.api.authorized import AuthorizedStore
from k9play.kubectl.commands import CommandError, Flags, Result
from k9play.kubectl.describe_policy import _rule_string, breakdown, combine_resource_group, compact_rules
from k9play.kubectl.describe_util import go_value
from k9play.kubectl.printers import tabulate

if TYPE_CHECKING:
    from k9play.kubectl.commands import Kubectl

RESOURCE_VERBS = frozenset({"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection",
                            "use", "bind", "impersonate", "*", "approve", "sign", "escalate", "attest"})
NON_RESOURCE_VERBS = frozenset({"get", "put", "post", "head", "options", "delete", "patch", "*"})


def identify(k: Kubectl, flags: Flags) -> None:
    """Switch ``k`` to the identity the flags ask for; impersonation is itself authorized."""
    token = flags.get("token")
    if token is not None:
        k.user = authenticate_token(k.cluster.store, token)
    name = flags.get("as")
    groups = flags.all("as-group")
    if groups and not name:
        raise CommandError("requesting uid, groups or user-extra for  without impersonating a user")
    if name:
        target = impersonated(name, groups)
        authorizer = RBACAuthorizer(k.cluster.store)
        for attrs in impersonation_checks(k.user, target, groups):
            if not authorizer.authorize(attrs).allowed:
                raise forbidden(attrs)
        k.user = target
    if k.user != ADMIN:
        k.store = AuthorizedStore(k.cluster.store, k.user)


def run(k: Kubectl, flags: Flags, result: Result) -> None:
    if not flags.args:
        raise CommandError("You must specify a subcommand: can-i, reconcile or whoami", verbatim=True)
    sub = flags.args[0]
    if sub == "can-i":
        can_i(k, flags, result)
    elif sub == "whoami":
        rows = [["ATTRIBUTE", "VALUE"], ["Username", k.user.name],
                ["Groups", "[" + " ".join(k.user.groups) + "]"]]
        result.write(tabulate(rows))
    else:
        raise CommandError(f'unknown command "{sub}" for "kubectl auth"')


def can_i(k: Kubectl, flags: Flags, result: Result) -> None:
    args = flags.args[1:]
    namespace = "" if flags.has("all-namespaces") else k.namespace_of(flags)
    authorizer = RBACAuthorizer(k.cluster.store)
    if flags.has("list"):
        if args:
            raise CommandError("--list shouldn't be called with arguments")
        _print_rules(authorizer.rules_for(k.user, namespace), flags, result)
        return
    if len(args) < 2 or len(args) > 3:
        raise CommandError("you must specify two or three arguments: verb, resource, and optional resourceName")
    verb, target = args[0], args[1]
    attrs: Attributes
    if target.startswith("/"):
        if verb not in NON_RESOURCE_VERBS:
            raise CommandError(f"verb '{verb}' is not supported for nonResourceURL '{target}'")
        attrs = Attributes(k.user, verb, path=target)
    else:
        tname, _, name = target.partition("/")
        if len(args) == 3:
            name = args[2]
        if verb not in RESOURCE_VERBS:
            result.error(f"Warning: verb '{verb}' is not a known verb")
        resource, group, namespaced = _resource_for(tname, result)
        if namespaced is False and not flags.has("all-namespaces"):
            where = f" in group '{group}'" if group else ""
            result.error(f"Warning: resource '{resource}' is not namespace scoped{where}")
        attrs = Attributes(k.user, verb, resource, group, namespace, name, flags.get("subresource") or "")
    allowed = authorizer.authorize(attrs).allowed
    if not flags.has("quiet"):
        result.write("yes\n" if allowed else "no\n")
    if not allowed:
        result.code = 1


def _resource_for(arg: str, result: Result) -> tuple[str, str, bool | None]:
    """``resourceFor``: the RESTMapper's plural and group; an unknown type is kept as typed."""
    if arg == "*":
        return "*", "", None
    rt = resources.lookup(arg.lower())
    if rt is None:
        resource, _, group = arg.lower().partition(".")
        where = f" in group '{group}'" if group else ""
        result.error(f"Warning: the server doesn't have a resource type '{resource}'{where}")
        return arg, "", None
    return rt.plural, rt.group, rt.namespaced


def _print_rules(rules: list[dict], flags: Flags, result: Result) -> None:
    compact = sorted(compact_rules(breakdown(rules)), key=_rule_string)
    rows = [] if flags.has("no-headers") else [["Resources", "Non-Resource URLs", "Resource Names", "Verbs"]]
    for r in compact:
        rows.append([combine_resource_group(r["resources"], r["apiGroups"]), go_value(r["nonResourceURLs"]),
                     go_value(r["resourceNames"]), go_value(r["verbs"])])
    result.write(tabulate(rows))
