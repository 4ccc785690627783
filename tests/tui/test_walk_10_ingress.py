"""sample-manifests/10-ingress/README.md, walked in the TUI: Watch, Try and every Break it step."""

from __future__ import annotations

from pathlib import Path

from k9play.tui.screens import BrowserScreen, DetailScreen
from k9play.tui.screens.dialogs import ScaleDialog
from k9play.tui.screens.shell import ShellScreen

from .walk import Walk

INGRESS = "10-ingress/ingress.yaml"
CURL = "curl -sv -H 'Host: {host}' 172.18.255.200{path}"


async def curl(w: Walk, host: str, path: str) -> str:
    """In the TUI's shell (``s`` on a pod, then exit): a request through the controller."""
    await w.command("pods")
    await w.press("s")
    assert isinstance(w.app.screen, ShellScreen)
    await w.press(*CURL.format(host=host, path=path), "enter")
    # the transcript's lines, borders off and joined: the headless console folds them at 80 columns
    text = " ".join(line.strip("│ ") for line in w.screen().splitlines())
    await w.press(*"exit", "enter")
    assert isinstance(w.app.screen, BrowserScreen)
    return text


async def test_walk_10_ingress(tmp_path: Path) -> None:
    async with Walk(tmp_path, "10-ingress", warm_up=30) as w:
        # Watch: `:ing`, `:ns ingress`: CLASS, HOSTS, ADDRESS and PORTS; `d` lists host/path → service:port
        await w.command("ing")
        await w.command("ns ingress")
        assert "ingresses(ingress)[1]" in w.screen()
        row = w.row("shop")
        for column in ("nginx", "shop.k9play.test,api.k9play.test", "172.18.255.200", "80"):
            assert f" {column} " in row, (column, row)
        await w.press("d")
        assert isinstance(w.app.screen, DetailScreen)
        text = w.screen()
        assert "Ingress Class:    nginx" in text and "Address:          172.18.255.200" in text
        assert "shop.k9play.test" in text and "api.k9play.test" in text
        assert "/      web:http (10.244." in text and "/api   api:80 (10.244." in text and "/   api:80 (10.244." in text
        # `:svc` → `enter` on `web` or `api`: the pods behind each backend
        await w.command("svc")
        for svc in ("web", "api"):
            await w.cursor_to(svc)
            await w.press("enter")
            assert f"pods(ingress)[1] </app={svc}>" in w.screen()
            assert f" {svc}-" in w.screen()
            await w.press("escape")

        # Try: a request through the controller, from a shell in a pod; -v says how it was routed
        text = await curl(w, "shop.k9play.test", "/api/x")
        assert "path /api (Prefix) → service ingress/api:80" in text and "404 page not found" in text
        assert "answered by pod ingress/api-" in text

        # Break it: a path at `name: webb` — accepted, and `d` shows the error
        await w.save(INGRESS, "name: web\n", "name: webb\n")
        assert w.flash() == "ingress.networking.k8s.io/shop configured"
        await w.command("ing")
        await w.press("d")
        assert 'webb:http (<error: services "webb" not found>)' in w.screen()
        await w.save(INGRESS, "name: webb\n", "name: web\n")

        # `pathType: Exact` on /api: only /api itself matches, /api/x falls back to /
        await w.save(INGRESS, "- path: /api\n        pathType: Prefix", "- path: /api\n        pathType: Exact")
        assert w.flash() == "ingress.networking.k8s.io/shop configured"
        text = await curl(w, "shop.k9play.test", "/api/x")
        assert "path / (Prefix) → service ingress/web:http" in text and "<title>404 Not Found</title>" in text
        assert "path /api (Exact) → service ingress/api:80" in await curl(w, "shop.k9play.test", "/api")

        # Scale `api` to 0 (`s`): no endpoints left
        await w.command("deploy")
        await w.cursor_to("api")
        await w.press("s")
        assert isinstance(w.app.screen, ScaleDialog)
        await w.press("backspace", "0", "enter")
        assert w.flash() == "deployments ingress/api scaled successfully"
        await w.wait(5)
        assert " api    0/0 " in w.screen()
        await w.command("ing")
        await w.press("d")
        text = w.screen()
        assert "/api   api:80 ()" in text and "/   api:80 ()" in text and "/      web:http (10.244." in text
        assert "503 Service Temporarily Unavailable" in await curl(w, "api.k9play.test", "/")
