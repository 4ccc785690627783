"""The ``:`` prompt grammar."""

from __future__ import annotations

import pytest

from k9play.api.resources import RESOURCE_TYPES
from k9play.tui.commands import (
    ALL,
    AppCommand,
    CommandError,
    MetaCommand,
    ViewCommand,
    alias_table,
    command_words,
    parse,
)


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


@pytest.mark.parametrize(("text", "kind"), [
    ("sec", "Secret"), ("jo", "Job"), ("cr", "ClusterRole"), ("crb", "ClusterRoleBinding"), ("ro", "Role"),
    ("rb", "RoleBinding"), ("np", "NetworkPolicy"), ("ep", "Endpoints"), ("pc", "PriorityClass"),
    ("sc", "StorageClass"), ("quota", "ResourceQuota"), ("netpol", "NetworkPolicy"), ("cj", "CronJob"),
    ("deployments.apps", "Deployment"), ("hpa", "HorizontalPodAutoscaler"), ("Deployment", "Deployment"),
])
def test_k9s_aliases_and_short_names(text: str, kind: str) -> None:
    cmd = parse(text)
    assert isinstance(cmd, ViewCommand) and cmd.rt is not None and cmd.rt.kind == kind


def test_every_served_kind_has_its_names() -> None:
    for rt in RESOURCE_TYPES:
        for name in (rt.plural, rt.singular, rt.kind, *rt.short_names):
            cmd = parse(name)
            assert isinstance(cmd, ViewCommand) and cmd.rt is rt, name


@pytest.mark.parametrize(("text", "ns", "query"), [
    ("pod /fred", None, "fred"),
    ("pod ns-x /fred", "ns-x", "fred"),
    ("pod app=x,env=y", None, "-l app=x,env=y"),
    ("pod -f fuz", None, "-f fuz"),
    ("pod -ffuz", None, "-f fuz"),
    ("deploy kube-system app!=web", "kube-system", "-l app!=web"),
    ("po -A /^web", ALL, "^web"),
])
def test_k9s_command_args(text: str, ns: str | None, query: str) -> None:
    cmd = parse(text)
    assert isinstance(cmd, ViewCommand)
    assert (cmd.namespace, cmd.query) == (ns, query)
    assert cmd.line == text


@pytest.mark.parametrize(("text", "message"), [
    ("pod @prod", "single cluster"), ("pod -f", "flag needs an argument: -f"), ("pod a=b=c", "invalid label selector"),
])
def test_command_arg_errors(text: str, message: str) -> None:
    cmd = parse(text)
    assert isinstance(cmd, CommandError) and message in cmd.message


@pytest.mark.parametrize("text", ["aliases", "alias", "a", ":a"])
def test_meta_commands(text: str) -> None:
    assert parse(text) == MetaCommand("aliases", (), text.removeprefix(":"))


def test_alias_table_lists_every_kind_with_k9s_aliases() -> None:
    table = {e.rt.kind: e.commands for e in alias_table()}
    assert set(table) == {rt.kind for rt in RESOURCE_TYPES}
    assert table["Deployment"] == ("dp", "deploy", "deployment", "deployments")
    assert "sec" in table["Secret"] and "crb" in table["ClusterRoleBinding"]
    words = command_words()
    assert words == sorted(words) and {"dp", "pods", "aliases", "quit", "help"} <= set(words)
