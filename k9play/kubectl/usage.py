"""What kubectl v1.34 answers with no command, or with a command it does not have.

``kubectl`` alone prints its root help (stdout, exit 0: the root command's ``Run`` is ``runHelp``),
not wrapped, as when stdout is not a terminal. An unknown command is cobra's error, with its
"Did you mean this?" suggestions (``Command.SuggestionsFor``: a Levenshtein distance of at most 2,
case ignored, or a command name the typed word starts). A real kubectl command that k9play does not
simulate is said to be one plainly, rather than called unknown.
"""

from __future__ import annotations

#: kubectl's root help (``NewKubectlCommand``'s groups and each command's ``Short``); 1.34 has no
#: alpha subcommand, so ``alpha`` is filtered out, and no plugin is installed
ROOT_HELP = """\
kubectl controls the Kubernetes cluster manager.

 Find more information at: https://kubernetes.io/docs/reference/kubectl/

Basic Commands (Beginner):
  create          Create a resource from a file or from stdin
  expose          Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service
  run             Run a particular image on the cluster
  set             Set specific features on objects

Basic Commands (Intermediate):
  explain         Get documentation for a resource
  get             Display one or many resources
  edit            Edit a resource on the server
  delete          Delete resources by file names, stdin, resources and names, or by resources and label selector

Deploy Commands:
  rollout         Manage the rollout of a resource
  scale           Set a new size for a deployment, replica set, or replication controller
  autoscale       Auto-scale a deployment, replica set, stateful set, or replication controller

Cluster Management Commands:
  certificate     Modify certificate resources
  cluster-info    Display cluster information
  top             Display resource (CPU/memory) usage
  cordon          Mark node as unschedulable
  uncordon        Mark node as schedulable
  drain           Drain node in preparation for maintenance
  taint           Update the taints on one or more nodes

Troubleshooting and Debugging Commands:
  describe        Show details of a specific resource or group of resources
  logs            Print the logs for a container in a pod
  attach          Attach to a running container
  exec            Execute a command in a container
  port-forward    Forward one or more local ports to a pod
  proxy           Run a proxy to the Kubernetes API server
  cp              Copy files and directories to and from containers
  auth            Inspect authorization
  debug           Create debugging sessions for troubleshooting workloads and nodes
  events          List events

Advanced Commands:
  diff            Diff the live version against a would-be applied version
  apply           Apply a configuration to a resource by file name or stdin
  patch           Update fields of a resource
  replace         Replace a resource by file name or stdin
  wait            Experimental: Wait for a specific condition on one or many resources
  kustomize       Build a kustomization target from a directory or URL

Settings Commands:
  label           Update the labels on a resource
  annotate        Update the annotations on a resource
  completion      Output shell completion code for the specified shell (bash, zsh, fish, or powershell)

Subcommands provided by plugins:

Other Commands:
  api-resources   Print the supported API resources on the server
  api-versions    Print the supported API versions on the server, in the form of "group/version"
  config          Modify kubeconfig files
  plugin          Provides utilities for interacting with plugins
  version         Print the client and server version information

Usage:
  kubectl [flags] [options]

Use "kubectl <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
"""

#: every command cobra can suggest: the help's commands, and ``options`` (left out of the help)
KUBECTL_COMMANDS = tuple(sorted(
    [line.split()[0] for line in ROOT_HELP.splitlines() if line.startswith("  ") and not line.startswith("   ")
     and not line.startswith("  kubectl")] + ["options"]))


def unknown_command(verb: str, simulated: frozenset[str] | set[str]) -> str:
    """stderr for ``kubectl VERB …`` when k9play has no such command (without the final newline)."""
    if verb in KUBECTL_COMMANDS and verb not in simulated:
        return f'error: "kubectl {verb}" is not simulated by k9play (see the README for the commands it runs)'
    suggestions = [c for c in KUBECTL_COMMANDS if _distance(verb.lower(), c) <= 2 or c.startswith(verb.lower())]
    more = "\n\nDid you mean this?\n" + "".join(f"\t{c}\n" for c in suggestions) if suggestions else ""
    return f'error: unknown command "{verb}" for "kubectl"{more}'.rstrip("\n")


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (cobra's ``ld``)."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]
