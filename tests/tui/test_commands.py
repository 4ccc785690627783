"""The ``:`` prompt grammar."""

from __future__ import annotations

import pytest

from k9play.tui.commands import ALL, AppCommand, CommandError, ViewCommand, parse


@pytest.mark.parametrize(("text", "kind"), [
    ("pods", "Pod"), ("po", "Pod"), ("pod", "Pod"), (":deploy", "Deployment"), ("dp", "Deployment"),
    ("deployments", "Deployment"), ("rs", "ReplicaSet"), ("nodes", "Node"), ("no", "Node"),
    ("ns", "Namespace"), ("namespaces", "Namespace"), ("events", "Event"), ("ev", "Event"),
    ("svc", "Service"), ("services", "Service"), ("cm", "ConfigMap"), ("Pods", "Pod"),
])
def test_views(text: str, kind: str) -> None:
    cmd = parse(text)
    assert isinstance(cmd, ViewCommand) and cmd.rt is not None
    assert cmd.rt.kind == kind and cmd.namespace is None


@pytest.mark.parametrize(("text", "kind", "ns"), [
    ("pods kube-system", "Pod", "kube-system"), ("pods all", "Pod", ALL), ("po -A", "Pod", ALL),
    ("deploy -n web", "Deployment", "web"), ("ns kube-system", None, "kube-system"), ("ns all", None, ALL),
])
def test_namespace_arguments(text: str, kind: str | None, ns: str) -> None:
    cmd = parse(text)
    assert isinstance(cmd, ViewCommand)
    assert (cmd.rt.kind if cmd.rt else None) == kind and cmd.namespace == ns


@pytest.mark.parametrize(("text", "cmd"), [
    ("q", AppCommand("quit")), ("quit", AppCommand("quit")), ("help", AppCommand("help")),
    ("pause", AppCommand("pause")), ("speed 10", AppCommand("speed", 10.0)),
])
def test_app_commands(text: str, cmd: AppCommand) -> None:
    assert parse(text) == cmd


@pytest.mark.parametrize("text", ["", "foo", "pods a b", "speed", "speed -1", "speed x", "pods -n", "quit now"])
def test_errors(text: str) -> None:
    assert isinstance(parse(text), CommandError)
