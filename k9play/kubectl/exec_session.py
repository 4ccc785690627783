"""``kubectl exec -it POD -- sh``: an interactive shell in the simulated container, line by line.

``k9play sim`` (and anything else that reads lines) hands each line to :meth:`ExecSession.run`
until ``exit``; every line runs as ``sh -c LINE`` in the container, so files written by one
line are there for the next. The prompt is the shell's own: busybox ``/ # ``, dash ``# ``,
bash ``root@POD:/# ``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from k9play.kubectl.commands import CommandError, Result, parse_flags
from k9play.kubectl.exec import ExecError, default_container, run_line
from k9play.kubelet.behaviour import profile_for

if TYPE_CHECKING:
    from k9play.kubectl.commands import Kubectl

SHELLS = frozenset({"sh", "bash", "ash", "/bin/sh", "/bin/bash", "/bin/ash", "/usr/bin/bash"})
_EXIT = re.compile(r"exit(?:\s+(\d+))?$")


@dataclass
class ExecSession:
    """One interactive shell: the pod and container it runs in, and the shell's prompt."""

    kubectl: Kubectl
    namespace: str
    pod: str
    container: str
    prompt: str
    code: int = 0

    def run(self, line: str) -> tuple[Result, bool]:
        """Run one line; ``(what it printed, whether the session goes on)``."""
        line = line.strip()
        m = _EXIT.match(line)
        if m:
            code = int(m.group(1) or 0)
            return Result(err=f"command terminated with exit code {code}\n" if code else "", code=code), False
        if not line:
            return Result(), True
        pod = self.kubectl.cluster.store.try_get("Pod", self.pod, self.namespace)
        if pod is None:
            return Result(err=f'error: pods "{self.pod}" not found\n', code=1), False
        try:
            out = run_line(self.kubectl.cluster, pod, self.container, line)
        except ExecError as e:
            return Result(err=f"{e}\n", code=1), False
        self.code = out.code or 0
        return Result(out=out.output), True


def start_session(k: Kubectl, argv: list[str]) -> ExecSession | None:
    """The session ``kubectl exec -it POD [-c C] -- sh`` opens; None when ``argv`` is another
    kind of exec (or fails: then the ordinary command prints kubectl's error)."""
    if argv[:1] != ["exec"]:
        return None
    try:
        flags = parse_flags(argv[1:], "exec")
    except CommandError:
        return None
    command = flags.command
    if not (flags.has("stdin") or flags.has("tty")) or len(flags.args) != 1 or len(command) != 1 \
            or command[0] not in SHELLS:
        return None
    from k9play.kubectl.exec_cmd import attachable_pod

    ns = flags.get("namespace") or k.namespace
    try:
        pod = attachable_pod(k.store, flags.args[0], ns)
    except CommandError:
        return None
    name = pod["metadata"]["name"]
    container = flags.get("container") or default_container(pod)
    spec = next((c for c in pod["spec"].get("containers") or [] if c.get("name") == container), None)
    if spec is None or (pod.get("status") or {}).get("phase") != "Running":
        return None
    if command[0].endswith("bash"):
        prompt = f"root@{name}:/# "
    else:
        prompt = "/ # " if profile_for(spec.get("image", "")).flavour == "busybox" else "# "
    return ExecSession(k, pod["metadata"].get("namespace", ns), name, container, prompt)
