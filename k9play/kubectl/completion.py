"""What kubectl's shell completion (cobra's ``__complete``) offers for the word being typed.

The TUI prompt completes ``:kubectl …`` lines with this, so a line is finished the way a shell with
``source <(kubectl completion bash)`` finishes it: the commands k9play runs, then what each one takes
(``k8s.io/kubectl/pkg/util/completion``): resource types as ``api-resources -o name`` prints them,
object names from a ``get`` in the line's namespace, ``TYPE/NAME``, pods (and ``TYPE/`` holding pods)
for ``logs``/``exec``, a pod's containers for ``-c``, namespaces for ``-n``, the command's ``-o``
formats, and its flags for a word starting with ``-``. Textual-free and pure: the store (or the
acting user's authorizing facade, so a refusal completes nothing, as in kubectl) and the words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from k9play.api import errors
from k9play.api.resources import RESOURCE_TYPES, ResourceType, lookup
from k9play.kubectl.commands import COMMAND_FLAGS, FLAG_SPECS, CommandError, command_handlers

#: ``genericclioptions.PrintFlags.AllowedFormats``: json/yaml, name, then the template printers
PRINT_FORMATS = ("json", "yaml", "name", "go-template", "go-template-file", "template", "templatefile",
                 "jsonpath", "jsonpath-as-json", "jsonpath-file")
#: ``get``'s print flags add custom columns and the human-readable ``wide``
GET_FORMATS = (*PRINT_FORMATS, "custom-columns", "custom-columns-file", "wide")
#: commands whose ``-o`` is a ``PrintFlags`` flag (kubectl registers its formats' completion there)
PRINTING = frozenset({"create", "apply", "run", "expose", "scale", "label", "annotate", "patch", "replace", "set",
                      "autoscale", "rollout", "taint", "wait"})

#: ``completion.doPodResourceCompletion``: the ``TYPE/`` forms that hold pods
RESOURCES_WITH_PODS = ("daemonsets", "deployments", "pods", "jobs", "replicasets", "replicationcontrollers",
                       "services", "statefulsets")
#: the ``validArgs`` kubectl's commands restrict their first argument to
SCALABLE = ("deployment", "replicaset", "replicationcontroller", "statefulset")
EXPOSABLE = ("pod", "service", "replicationcontroller", "deployment", "replicaset")
ROLLOUT_KINDS = ("deployment", "daemonset", "statefulset")

#: subcommands, as cobra lists them (sorted), of the commands that have some — the ones k9play runs
SUBCOMMANDS: dict[str, tuple[str, ...]] = {
    "rollout": ("history", "pause", "restart", "resume", "status", "undo"),
    "top": ("node", "pod"),
    "auth": ("can-i", "whoami"),
    "config": ("current-context", "get-contexts"),
    "set": ("env", "image", "resources"),
    "create": ("clusterrole", "clusterrolebinding", "configmap", "deployment", "job", "namespace", "quota",
               "role", "rolebinding", "secret", "service", "serviceaccount"),
}
#: ``create secret`` / ``create service`` take one more subcommand
CREATE_SUBCOMMANDS = {"secret": ("docker-registry", "generic", "tls"),
                      "service": ("clusterip", "externalname", "loadbalancer", "nodeport")}

#: kubectl's own flags of each command (long names; a command with subcommands: theirs together).
#: Only those k9play also parses are offered (see :func:`_flag_words`).
VERB_FLAGS: dict[str, str] = {
    "get": "all-namespaces chunk-size field-selector filename ignore-not-found kustomize label-columns no-headers "
           "output output-watch-events raw recursive selector server-print show-kind show-labels "
           "show-managed-fields sort-by subresource template watch watch-only",
    "describe": "all-namespaces chunk-size filename kustomize recursive selector show-events",
    "delete": "all all-namespaces cascade dry-run field-selector filename force grace-period ignore-not-found "
              "interactive kustomize now output raw recursive selector timeout wait",
    "apply": "all cascade dry-run field-manager filename force force-conflicts grace-period kustomize output "
             "overwrite prune recursive selector server-side template timeout validate wait",
    "create": "dry-run edit field-manager filename kustomize output raw recursive save-config selector template "
              "validate",
    "logs": "all-containers all-pods container follow ignore-errors limit-bytes max-log-requests "
            "pod-running-timeout prefix previous selector since since-time tail timestamps",
    "exec": "container filename pod-running-timeout quiet stdin tty",
    "scale": "all current-replicas dry-run filename kustomize output recursive replicas resource-version "
             "selector template timeout",
    "set": "all containers dry-run env filename from limits list local output recursive requests selector",
    "autoscale": "cpu-percent dry-run filename max min name output recursive",
    "rollout": "dry-run filename kustomize output recursive revision selector timeout to-revision watch",
    "run": "annotations attach command dry-run env expose image image-pull-policy labels overrides port "
           "privileged quiet restart rm stdin tty",
    "annotate": "all all-namespaces dry-run field-selector filename kustomize list local output overwrite "
                "recursive resource-version selector",
    "label": "all all-namespaces dry-run field-selector filename kustomize list local output overwrite "
             "recursive resource-version selector",
    "replace": "cascade dry-run filename force grace-period kustomize output raw recursive save-config "
               "subresource timeout validate wait",
    "diff": "field-manager filename force-conflicts kustomize prune recursive selector server-side",
    "patch": "dry-run filename kustomize local output patch patch-file recursive subresource type",
    "wait": "all all-namespaces field-selector filename for local output recursive selector timeout",
    "version": "client output",
    "api-resources": "api-group cached categories namespaced no-headers output sort-by verbs",
    "explain": "api-version output recursive",
    "expose": "cluster-ip dry-run external-ip filename labels load-balancer-ip name output overrides port "
              "protocol selector session-affinity target-port type",
    "cordon": "dry-run selector",
    "uncordon": "dry-run selector",
    "drain": "chunk-size delete-emptydir-data disable-eviction dry-run force grace-period ignore-daemonsets "
             "pod-selector selector skip-wait-for-delete-timeout timeout",
    "taint": "all dry-run output overwrite selector validate",
    "top": "all-namespaces containers field-selector no-headers selector sort-by sum",
    "auth": "all-namespaces list no-headers quiet subresource",
}
#: ``create SUBCOMMAND``'s flags: the printing ones, and each generator's own
CREATE_COMMON = "dry-run field-manager output save-config template validate"
CREATE_FLAGS: dict[str, str] = {
    "deployment": "image port replicas", "job": "from image", "configmap": "from-env-file from-file from-literal",
    "secret": "cert docker-email docker-password docker-server docker-username from-env-file from-file "
              "from-literal key type",
    "role": "resource resource-name verb",
    "clusterrole": "aggregation-rule non-resource-url resource resource-name verb",
    "rolebinding": "clusterrole group role serviceaccount user",
    "clusterrolebinding": "clusterrole group serviceaccount user",
    "quota": "hard scopes", "service": "clusterip external-name node-port tcp",
}
#: kubectl's global flags that k9play honours on every command (inherited: offered after the command's own)
GLOBAL_FLAGS = "as as-group namespace token"
#: flags cobra offers again when already on the line (slices and arrays)
REPEATABLE = frozenset({"filename", "label-columns", "env", "from-literal", "from-file", "verb", "resource",
                        "resource-name", "non-resource-url", "group", "serviceaccount", "as-group"})


@dataclass
class Line:
    """A kubectl line split the way cobra sees it: the command path, positional args, flag values."""

    verb: str = ""
    path: list[str] = field(default_factory=list)  # subcommands after the verb
    args: list[str] = field(default_factory=list)
    flags: dict[str, str] = field(default_factory=dict)  # canonical name → last value
    pending: str | None = None  # the flag (as typed) still waiting for its value
    after_dashes: bool = False


def complete(store: Any, words: list[str], partial: str, namespace: str) -> list[str]:
    """Candidates for ``partial``, the word being typed after ``words`` (the line's earlier words,
    ``kubectl`` itself left out); ``namespace`` is the one the line runs in without ``-n``."""
    line = _parse(words)
    if line.after_dashes:
        return []  # the command run in the container: nothing of kubectl's to complete
    ns = line.flags.get("namespace") or namespace
    if line.pending is not None:
        return _flag_value(store, line, line.pending, partial, ns)
    if partial.startswith("-"):
        name, eq, value = partial.partition("=")
        if eq:
            return [f"{name}={v}" for v in _flag_value(store, line, name, value, ns)]
        return [w for w in _flag_words(line) if w.startswith(partial)]
    if not line.verb:
        return [v for v in sorted(command_handlers()) if v.startswith(partial)]
    return _positional(store, line, partial, ns)


# --------------------------------------------------------------------- parsing
def _specs(verb: str) -> dict[str, tuple[str, bool]]:
    return {k: v for k, v in {**FLAG_SPECS, **COMMAND_FLAGS.get(verb, {})}.items() if v is not None}


def _parse(words: list[str]) -> Line:
    line = Line()
    for word in words:
        if line.pending is not None:
            line.flags[_specs(line.verb)[line.pending][0]] = word
            line.pending = None
        elif word == "--":
            line.after_dashes = True
        elif line.after_dashes:
            continue
        elif word.startswith("-") and word != "-":
            _flag(line, word)
        elif not line.verb:
            line.verb = word
        elif _takes_subcommand(line):
            line.path.append(word)
        else:
            line.args.append(word)
    return line


def _flag(line: Line, word: str) -> None:
    specs = _specs(line.verb)
    name, eq, value = word.partition("=")
    spec = specs.get(name)
    if spec is None and not word.startswith("--") and len(word) > 2:
        short = specs.get(word[:2])
        if short is not None and not short[1]:  # -ojson, -nkube-system
            name, eq, value, spec = word[:2], "=", word[2:], short
    if spec is None:
        return
    canonical, boolean = spec
    if boolean or eq:
        line.flags[canonical] = value if eq else "true"
    else:
        line.pending = name


def _takes_subcommand(line: Line) -> bool:
    subs = SUBCOMMANDS.get(line.verb)
    if subs is None:
        return False
    if not line.path:
        return True
    return line.verb == "create" and len(line.path) == 1 and line.path[0] in CREATE_SUBCOMMANDS


# ----------------------------------------------------------------------- flags
def _flag_words(line: Line) -> list[str]:
    """``--name`` then its shorthand, the command's flags sorted, then the global ones (cobra's order);
    a flag already given is not offered again unless it repeats."""
    specs = _specs(line.verb)
    out: list[str] = []
    own = VERB_FLAGS.get(line.verb, "")
    if line.verb == "create" and line.path:
        own = f"{CREATE_COMMON} {CREATE_FLAGS.get(line.path[0], '')}"
    for names in (own, GLOBAL_FLAGS):
        for long in sorted(names.split()):
            spec = specs.get(f"--{long}")
            if spec is None or (spec[0] in line.flags and spec[0] not in REPEATABLE):
                continue
            out.append(f"--{long}")
            out += [s for s, v in specs.items() if v == spec and len(s) == 2]
    return list(dict.fromkeys(out))


def _flag_value(store: Any, line: Line, flag: str, partial: str, ns: str) -> list[str]:
    spec = _specs(line.verb).get(flag)
    if spec is None:
        return []
    canonical = spec[0]
    if canonical == "namespace":
        words = _names(store, "Namespace", None)
    elif canonical == "output" and (line.verb == "get" or line.verb in PRINTING):
        words = list(GET_FORMATS if line.verb == "get" else PRINT_FORMATS)
    elif canonical == "container" and line.args and line.verb in ("logs", "exec"):
        words = _containers(store, line.args[0], ns)
    else:
        words = []
    return [w for w in words if w.startswith(partial)]


# ----------------------------------------------------------------- positionals
def _positional(store: Any, line: Line, partial: str, ns: str) -> list[str]:
    verb, args = line.verb, line.args
    if _takes_subcommand(line):
        subs = SUBCOMMANDS[verb] if not line.path else CREATE_SUBCOMMANDS[line.path[0]]
        return [s for s in subs if s.startswith(partial)]
    if verb in ("get", "describe", "delete", "label", "annotate", "patch", "wait"):
        return _type_and_name(store, args, partial, ns, None, repeat=True)
    if verb == "explain":
        return _type_names(partial) if not args else []
    if verb == "scale":
        return _type_and_name(store, args, partial, ns, SCALABLE, repeat=True)
    if verb == "autoscale":
        return _type_and_name(store, args, partial, ns, SCALABLE, repeat=False)
    if verb == "expose":
        return _type_and_name(store, args, partial, ns, EXPOSABLE, repeat=False)
    if verb == "rollout":
        kinds = ("deployment",) if line.path[0] in ("pause", "resume") else ROLLOUT_KINDS
        return _type_and_name(store, args, partial, ns, kinds, repeat=line.path[0] != "status")
    if verb == "taint":
        return _type_and_name(store, args, partial, ns, ("node",), repeat=True)
    if verb in ("logs", "exec"):
        if not args:
            return _pods_or_types(store, partial, ns)
        return _containers(store, args[0], ns, partial) if verb == "logs" and len(args) == 1 else []
    if verb in ("cordon", "uncordon", "drain"):
        return [n for n in _names(store, "Node", None) if n.startswith(partial)] if not args else []
    if verb == "top" and line.path and not args:
        kind = "Node" if line.path[0] in ("node", "nodes", "no") else "Pod"
        return [n for n in _names(store, kind, ns) if n.startswith(partial)]
    return []


def api_resource_names() -> list[str]:
    """``kubectl api-resources -o name``: ``pods``, ``deployments.apps`` — core group first."""
    return [rt.resource for rt in sorted(RESOURCE_TYPES, key=lambda r: (r.group, r.plural))]


def _type_names(partial: str) -> list[str]:
    """``compGetResourceList``: a comma list completes its last element."""
    head, comma, last = partial.rpartition(",")
    return [head + comma + n for n in api_resource_names() if n.startswith(last)]


def _type_and_name(store: Any, args: list[str], partial: str, ns: str, allowed: tuple[str, ...] | None,
                   *, repeat: bool) -> list[str]:
    """``resourceTypeAndNameCompletionFunc``: a type then its names, or ``TYPE/NAME`` throughout."""
    if args and "/" not in args[0]:
        if not (repeat or len(args) == 1):
            return []
        return [n for n in _names_of(store, args[0], ns) if n.startswith(partial) and n not in args[1:]]
    if "/" not in partial:
        if not args:
            return _type_names(partial) if allowed is None else [t for t in allowed if t.startswith(partial)]
        if not repeat:
            return []
        types = api_resource_names() if allowed is None else list(allowed)
        return [f"{t}/" for t in types if t.startswith(partial)]
    if args and not repeat:
        return []
    tname, _, name = partial.partition("/")
    return [f"{tname}/{n}" for n in _names_of(store, tname, ns)
            if n.startswith(name) and f"{tname}/{n}" not in args]


def _pods_or_types(store: Any, partial: str, ns: str) -> list[str]:
    """``doPodResourceCompletion``: pod names, then the ``TYPE/`` forms that hold pods."""
    if "/" in partial:
        tname, _, name = partial.partition("/")
        return [f"{tname}/{n}" for n in _names_of(store, tname, ns) if n.startswith(name)]
    pods = [n for n in _names(store, "Pod", ns) if n.startswith(partial)]
    return pods + [f"{t}/" for t in RESOURCES_WITH_PODS if t.startswith(partial)]


def _containers(store: Any, ref: str, ns: str, partial: str = "") -> list[str]:
    """``CompGetContainers`` of the pod ``ref`` names (``TYPE/NAME``: the pod kubectl would attach to)."""
    from k9play.kubectl.exec_cmd import attachable_pod

    try:
        pod = attachable_pod(store, ref, ns)
    except (CommandError, errors.ApiError):
        return []
    spec = pod.get("spec") or {}
    names = [c.get("name", "") for c in (spec.get("initContainers") or []) + (spec.get("containers") or [])]
    return [n for n in names if n.startswith(partial)]


def _names_of(store: Any, type_name: str, ns: str) -> list[str]:
    """``CompGetResource``: the names ``kubectl get TYPE`` lists (a comma list: each type's)."""
    out: list[str] = []
    for part in type_name.split(","):
        rt = lookup(part)
        if rt is not None:
            out += _names(store, rt, ns)
    return list(dict.fromkeys(out))


def _names(store: Any, kind: str | ResourceType, ns: str | None) -> list[str]:
    rt = kind if isinstance(kind, ResourceType) else lookup(kind)
    if rt is None:
        return []
    try:
        objs = store.list(rt.kind, ns if rt.namespaced else None)
    except errors.ApiError:
        return []  # Forbidden: kubectl's completion prints nothing
    return sorted(o["metadata"]["name"] for o in objs)
