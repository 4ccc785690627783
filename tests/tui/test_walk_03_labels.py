"""sample-manifests/03-labels/README.md, step by step in the TUI: its promises, checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from k9play.tui import editor
from k9play.tui.screens.text import TextScreen

from .walk import Walk

PODS_FILE = "03-labels/labelled-pods.yaml"
SHOP = ["shop-backend", "shop-frontend", "shop-frontend-canary"]


def names(w: Walk) -> list[str]:
    """The NAME column of the pod table (or of a kubectl page) on screen."""
    out = []
    for line in w.screen().splitlines():
        cells = line.strip().strip("│").split()
        if cells and cells[0] in ("blog", "hello", *SHOP):
            out.append(cells[0])
    return out


async def test_walk_03_labels(tmp_path: Path) -> None:
    async with Walk(tmp_path, "01-namespaces", "03-labels", size=(160, 40)) as w:
        await w.wait(30)

        # Select: the README's kubectl lines (run here at the `:kubectl` prompt) and what they list.
        selections = [
            ("kubectl get pods -n dev -l env=prod", ["shop-frontend", "shop-frontend-canary"]),
            ("kubectl get pods -n dev -l app=shop,env!=prod", ["shop-backend"]),
            ("kubectl get pods -n dev -l 'env in (prod,qa)'", SHOP),
            ("kubectl get pods -n dev -l 'tier notin (backend),release'", ["shop-frontend", "shop-frontend-canary"]),
            ("kubectl get pods -n dev -l '!release'", ["blog", "hello"]),
            ('kubectl get pods -n dev -l "env in (prod,qa),tier notin (backend)"',
             ["shop-frontend", "shop-frontend-canary"]),
        ]
        for line, expected in selections:
            await w.command(line)
            assert isinstance(w.app.screen, TextScreen), line
            assert names(w) == expected, (line, w.screen())
        await w.command("kubectl get pods -n dev -L env,release")
        assert w.row("shop-frontend-canary").split()[-2:] == ["prod", "canary"]
        assert w.row("NAME").split()[-2:] == ["ENV", "RELEASE"]
        await w.command("kubectl get pods -n dev --show-labels")
        assert w.row("blog").split()[-1] == "app=blog,env=dev,tier=frontend"

        # In k9play the same selectors filter any table: `/-l env=prod` or `/-l env in (prod,qa)`
        # (`ctrl+u` clears). `:pods app=shop` opens the pod view already filtered.
        await w.command("pods dev")
        assert names(w) == ["blog", "hello", *SHOP]
        await w.prompt("slash", "-l env=prod")
        await w.press("enter")
        assert names(w) == ["shop-frontend", "shop-frontend-canary"] and "</-l env=prod>" in w.screen()
        await w.press("ctrl+u")
        assert names(w) == ["blog", "hello", *SHOP]
        await w.prompt("slash", "-l env in (prod,qa)")
        await w.press("enter")
        assert names(w) == SHOP
        await w.press("ctrl+u")
        await w.command("pods app=shop")
        assert names(w) == SHOP and "pods(dev)[3]" in w.screen()

        # Break it: edit a label in the file and save: the filter you typed picks it up (or
        # drops it) at once.
        await w.press("ctrl+u")
        await w.prompt("slash", "-l env=prod")
        await w.press("enter")
        backend_qa = "    tier: backend\n    env: qa\n"
        assert backend_qa in w.path(PODS_FILE).read_text()
        await w.save(PODS_FILE, backend_qa, "    tier: backend\n    env: prod\n")
        assert w.flash() == "pod/shop-backend configured", "only the relabelled pod changes"
        assert names(w) == SHOP
        text = w.path(PODS_FILE).read_text()
        w.path(PODS_FILE).write_text(text.replace("    env: prod\n", "    env: staging\n", 1))  # shop-frontend
        await w.save(PODS_FILE)
        assert w.flash() == "pod/shop-frontend configured"
        assert names(w) == ["shop-backend", "shop-frontend-canary"]
        assert "Running" in w.row("shop-backend"), "a label change does not restart anything"


async def test_walk_03_relabel_a_replicaset_pod_in_09(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In 09-controllers, relabel a pod of the `frontend` ReplicaSet (`e`, change `app`): the
    ReplicaSet no longer counts it, makes a new pod, and the relabelled one is orphaned."""
    monkeypatch.setattr(editor, "run_editor",
                        lambda app, text: text.replace("    app: frontend\n", "    app: debug\n", 1))
    async with Walk(tmp_path, "09-controllers", size=(160, 40)) as w:
        await w.wait(30)
        await w.command("rs controllers")
        await w.cursor_to("frontend")
        await w.press("enter")
        pods = sorted(p["metadata"]["name"] for p in w.cluster.store.list("Pod", "controllers")
                      if p["metadata"].get("labels", {}).get("app") == "frontend")
        assert len(pods) == 2 and all("Running" in w.row(n) for n in pods)
        await w.cursor_to(pods[0])
        await w.press("e")
        assert w.flash() == f"pod/{pods[0]} edited"
        await w.wait(15)
        relabelled = w.cluster.store.get("Pod", pods[0], "controllers")
        assert relabelled["metadata"]["labels"]["app"] == "debug"
        assert not relabelled["metadata"].get("ownerReferences"), "released by the ReplicaSet: an orphan"
        now = sorted(p["metadata"]["name"] for p in w.cluster.store.list("Pod", "controllers")
                     if p["metadata"].get("labels", {}).get("app") == "frontend")
        assert len(now) == 2 and pods[0] not in now and pods[1] in now
        assert w.rows(pods[0]) == [] and all("Running" in w.row(n) for n in now), "the drill-down follows the selector"
        await w.command("rs")
        assert w.row("frontend").split()[1:4] == ["2", "2", "2"]
        await w.command("pods controllers app=debug")
        assert "Running" in w.row(pods[0])
