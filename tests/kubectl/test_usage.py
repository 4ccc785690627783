"""``kubectl`` alone prints its help; an unknown command is cobra's error with its suggestions."""

from __future__ import annotations

import pytest

from k9play.kubectl.commands import Kubectl, command_handlers
from k9play.kubectl.usage import KUBECTL_COMMANDS, ROOT_HELP
from tests.helpers import new_cluster


@pytest.fixture(scope="module")
def kubectl() -> Kubectl:
    return Kubectl(new_cluster(workers=1))


def test_no_command_prints_the_root_help_and_succeeds(kubectl):
    for line in ("", "kubectl", "-n kube-system"):
        result = kubectl.run_line(line)
        assert (result.out, result.err, result.code) == (ROOT_HELP, "", 0), line
    lines = ROOT_HELP.splitlines()
    assert lines[0] == "kubectl controls the Kubernetes cluster manager."
    assert "  get             Display one or many resources" in lines
    assert "  api-resources   Print the supported API resources on the server" in lines
    assert lines[-1] == 'Use "kubectl options" for a list of global command-line options (applies to all commands).'


def test_every_command_k9play_runs_is_one_of_kubectls():
    assert set(command_handlers()) <= set(KUBECTL_COMMANDS)
    assert {"edit", "port-forward", "options"} <= set(KUBECTL_COMMANDS)


@pytest.mark.parametrize(("line", "err"), [
    ("gte pods", 'error: unknown command "gte" for "kubectl"\n\nDid you mean this?\n\tget\n'),
    ("lo", 'error: unknown command "lo" for "kubectl"\n\nDid you mean this?\n\tcp\n\tlogs\n\ttop\n'),
    ("describ pod x", 'error: unknown command "describ" for "kubectl"\n\nDid you mean this?\n\tdescribe\n'),
    ("frobnicate", 'error: unknown command "frobnicate" for "kubectl"\n'),
])
def test_an_unknown_command_is_cobras_error_with_suggestions(kubectl, line, err):
    result = kubectl.run_line(line)
    assert (result.out, result.err, result.code) == ("", err, 1)


def test_a_kubectl_command_k9play_does_not_simulate_says_so(kubectl):
    result = kubectl.run_line("port-forward pod/x 8080:80")
    assert result.code == 1
    assert result.err == 'error: "kubectl port-forward" is not simulated by k9play (see the README for the commands ' \
                         "it runs)\n"


def test_global_flags_may_come_before_the_command(kubectl):
    assert kubectl.run_line("-n kube-system get pods").out == kubectl.run_line("get pods -n kube-system").out
    assert "coredns" in kubectl.run_line("--namespace=kube-system get deploy").out
