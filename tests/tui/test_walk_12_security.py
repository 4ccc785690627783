"""sample-manifests/12-security/README.md, walked in the TUI: Watch, Try (at the ``:kubectl``
prompt) and every Break it step."""

from __future__ import annotations

from pathlib import Path

from k9play.tui.screens import DetailScreen
from k9play.tui.screens.dialogs import ScaleDialog
from k9play.tui.screens.text import TextScreen

from .walk import Walk

CHAPTER = "12-security"


def flat(text: str) -> str:
    """The screen as one line of words: a folded describe line reads whole again."""
    return " ".join(text.replace("│", " ").split())


async def kubectl(w: Walk, line: str) -> str:
    await w.command(f"kubectl {line}")
    assert isinstance(w.app.screen, TextScreen)
    return w.screen()


async def scale(w: Walk, name: str, replicas: int) -> None:
    await w.command("deploy")
    await w.cursor_to(name)
    await w.press("s")
    assert isinstance(w.app.screen, ScaleDialog)
    await w.press("backspace", *str(replicas), "enter")
    assert w.flash() == f"deployments security/{name} scaled successfully"


async def test_walk_12_watch_and_try(tmp_path: Path) -> None:
    async with Walk(tmp_path, CHAPTER, warm_up=30) as w:
        # `:ns security`, `d` on a `reader` pod: the LimitRange filled in its requests and limits
        await w.command("ns security")
        assert "pods(security)[2]" in w.screen()
        await w.press("d")
        assert isinstance(w.app.screen, DetailScreen)
        text = flat(w.screen())
        assert "Limits: cpu: 200m memory: 64Mi Requests: cpu: 50m memory: 32Mi" in text
        assert ("kubernetes.io/limit-ranger: LimitRanger plugin set: cpu, memory request for container app; "
                "cpu, memory limit for container app") in text
        # `:quota`: used/hard; `d` on `team-budget`: Used and Hard
        await w.command("quota")
        row = w.row("team-budget")
        assert "pods: 2/4, requests.cpu: 100m/500m, requests.memory: 64Mi/512Mi" in row
        assert "limits.cpu: 400m/1, limits.memory: 128Mi/1Gi" in row
        await w.press("d")
        text = w.screen()
        assert "Resource         Used   Hard" in text and "pods             2      4" in text
        # `:sa`, `:roles`, `:rolebindings`, `:clusterroles`: the RBAC objects; `y` shows the rules
        await w.command("sa")
        assert " pod-reader " in w.screen()
        await w.command("roles")
        await w.press("y")
        assert "resources: - pods - pods/log verbs: - get - list - watch" in flat(w.screen())
        await w.command("rolebindings")
        assert " Role/read-pods " in w.row("read-pods")
        await w.press("y")
        assert "apiGroup: rbac.authorization.k8s.io kind: User name: jane" in flat(w.screen())
        await w.command("clusterroles")
        await w.cursor_to("k9play-node-viewer")
        await w.press("y")
        assert "resources: - nodes - namespaces" in flat(w.screen())

        # Try, at the prompt
        assert "│ yes " in await kubectl(w, "auth can-i list pods -n security --as jane")
        assert "│ no " in await kubectl(w, "auth can-i delete pods -n security --as jane")
        assert ('Error from server (Forbidden): pods is forbidden: User "jane" cannot list resource "pods" in API '
                'group "" in the namespace "default"') in await kubectl(w, "get pods -n default --as jane")
        assert "│ yes " in await kubectl(w, "auth can-i list nodes --as jane")
        assert "│ yes " in await kubectl(
            w, "auth can-i list pods -n security --as system:serviceaccount:security:pod-reader")
        text = flat(await kubectl(w, "auth can-i --list -n security --as jane"))
        assert "pods [] [] [get list watch]" in text and "nodes [] [] [get list watch]" in text


async def test_walk_12_break_it(tmp_path: Path) -> None:
    async with Walk(tmp_path, CHAPTER, warm_up=30) as w:
        await w.command("ns security")
        # `s` on `reader`, 6 replicas: only 4 pods; the ReplicaSet says why
        await scale(w, "reader", 6)
        await w.wait(10)
        assert " 4/6 " in w.row("reader")
        await w.command("pods")
        assert "pods(security)[4]" in w.screen()
        await w.command("rs")
        await w.press("d")
        await w.press("G")  # the events, at the bottom
        text = flat(w.screen())
        assert "Warning FailedCreate" in text and "ReplicaFailure True FailedCreate" in text
        assert 'replicaset-controller Error creating: pods "reader-' in text
        assert "is forbidden: exceeded quota: team-budget, requested: pods=1, used: pods=4, limited: pods=4" in text
        await scale(w, "reader", 2)
        await w.wait(40)

        # `resources.limits.cpu: "1"`: refused by the LimitRange, reported by the new ReplicaSet
        await w.save(f"{CHAPTER}/app.yaml", '        command: ["sh"',
                     '        resources:\n          limits:\n            cpu: "1"\n        command: ["sh"')
        assert w.flash() == "deployment.apps/reader configured"
        await w.wait(10)
        await w.command("rs")
        new = next(key[1] for key in w.app.screen.query_one("ResourceTable").model.keys  # type: ignore[attr-defined]
                   if " 1        0      0 " in w.row(key[1]))
        await w.cursor_to(new)
        await w.press("d")
        await w.press("G")
        assert "maximum cpu usage per Container is 500m, but limit is 1" in flat(w.screen())
        await w.command("pods")
        assert "pods(security)[2]" in w.screen() and w.screen().count(" Running ") == 2

        # Remove `jane` from the RoleBinding: her `can-i list pods` turns `no`
        assert "│ yes " in await kubectl(w, "auth can-i list pods -n security --as jane")
        await w.save(f"{CHAPTER}/rbac.yaml", "- kind: User\n  name: jane\n  apiGroup: rbac.authorization.k8s.io\n"
                     "roleRef:\n  kind: Role", "roleRef:\n  kind: Role")
        assert w.flash() == "rolebinding.rbac.authorization.k8s.io/read-pods configured"
        assert "│ no " in await kubectl(w, "auth can-i list pods -n security --as jane")
