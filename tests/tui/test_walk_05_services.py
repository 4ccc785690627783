"""sample-manifests/05-services/README.md, walked in the TUI: every Watch and Break-it step
in order, with the keys, commands and saves it names, checked against what it promises."""

from __future__ import annotations

from pathlib import Path

from k9play.api.meta import Obj

from .walk import Walk

SERVICES = "05-services/services.yaml"
SECOND_NODEPORT = """---
apiVersion: v1
kind: Service
metadata:
  name: web-nodeport2
  namespace: dev
spec:
  type: NodePort
  selector:
    app: web
  ports:
  - port: 80
    nodePort: 30080
"""


def web_pods(w: Walk) -> list[Obj]:
    return [p for p in w.cluster.store.list("Pod", "dev") if p["metadata"]["name"].startswith("web-")]


def endpoints_line(w: Walk) -> str:
    return next(line for line in w.screen().splitlines() if "Endpoints:" in line)


async def describe_web(w: Walk) -> str:
    """`:svc`, `d` on `web`: its Endpoints line; back to the list."""
    await w.command("svc")
    await w.cursor_to("web")
    await w.press("d")
    line = endpoints_line(w)
    await w.press("escape")
    return line


async def test_walk_05_services(tmp_path: Path) -> None:
    async with Walk(tmp_path, "01-namespaces", "05-services") as w:
        await w.wait(30)
        # Watch: `:svc`, `:ns dev`: TYPE, CLUSTER-IP and PORT(S) of each
        await w.command("svc")
        await w.command("ns dev")
        assert "services(dev)[4]" in w.screen()
        web_ip = w.cluster.store.get("Service", "web", "dev")["spec"]["clusterIP"]
        assert w.row("web").split()[1:5] == ["ClusterIP", web_ip, "<none>", "80/TCP"]
        assert w.row("web-nodeport").split()[1] == "NodePort" and w.row("web-nodeport").split()[4] == "80:30080/TCP"
        assert w.row("web-headless").split()[1:5] == ["ClusterIP", "None", "<none>", "80/TCP"]
        assert w.row("database").split()[1:5] == ["ExternalName", "<none>", "db.example.com", "<none>"]

        # enter on web lists the pods its selector picks
        await w.cursor_to("web")
        await w.press("enter")
        assert "pods(dev)[2] </app=web>" in w.screen()
        assert all("1/1" in w.row(p["metadata"]["name"]) for p in web_pods(w))
        await w.press("escape")

        # d on a Service: selector, ports, endpoints
        await w.press("d")
        text = w.screen()
        assert "Selector:                 app=web" in text and "Port:                     http  80/TCP" in text
        ips = [p["status"]["podIP"] for p in web_pods(w)]
        assert sorted(endpoints_line(w).split()[2].split(",")) == sorted(f"{ip}:80" for ip in ips)

        # `s` on the deployment: scale to 4 and the Services have four pods behind them
        await w.command("deploy")
        await w.press("s")
        await w.fill("4")
        await w.wait(20)
        assert "4/4" in w.row("web")
        assert "+ 1 more..." in await describe_web(w), "kubectl describe prints three endpoints and + 1 more"
        await w.press("enter")
        assert "pods(dev)[4] </app=web>" in w.screen()

        # Break it: selector app: webb — enter shows no pods, no endpoints
        await w.save(SERVICES, "  type: ClusterIP\n  selector:\n    app: web\n",
                     "  type: ClusterIP\n  selector:\n    app: webb\n")
        assert w.flash() == "service/web configured"
        await w.wait(5)
        line = await describe_web(w)
        assert line.split() == ["│", "Endpoints:", "│"], line
        await w.press("enter")
        assert "pods(dev)[0] </app=webb>" in w.screen()
        await w.save(SERVICES, "    app: webb\n", "    app: web\n")
        await w.wait(5)

        # `!` → probe readiness fail on a web pod: 0/1, not restarted, out of the endpoints
        await w.command("pods")
        pod = web_pods(w)[0]
        name, ip = pod["metadata"]["name"], pod["status"]["podIP"]
        await w.cursor_to(name)
        await w.press("exclamation_mark")
        await w.pick("probe readiness fail")
        await w.wait(15)
        assert w.row(name).split()[1:4] == ["0/1", "Running", "0"]
        assert f"{ip}:80" not in await describe_web(w)
        await w.command("pods")
        await w.cursor_to(name)
        await w.press("exclamation_mark")
        await w.pick("probe readiness pass")
        await w.wait(10)
        assert w.row(name).split()[1:4] == ["1/1", "Running", "0"]
        assert f"{ip}:80" in await describe_web(w)

        # nodePort 30080 twice, or nodePort 80: refused at apply time with the apiserver's message
        before = w.path(SERVICES).read_text()
        w.path(SERVICES).write_text(before + SECOND_NODEPORT)
        await w.save(SERVICES)
        assert w.app.flash_message.level == "error"
        assert ('Service "web-nodeport2" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port '
                "is already allocated") in w.flash()
        assert w.cluster.store.try_get("Service", "web-nodeport2", "dev") is None
        await w.save(SERVICES, "  - port: 80\n    nodePort: 30080\n", "  - port: 80\n    nodePort: 80\n")
        assert ("Invalid value: 80: provided port is not in the valid range. The range of valid ports is "
                "30000-32767") in w.flash()
        w.path(SERVICES).write_text(before)
        await w.save(SERVICES)
        assert w.app.flash_message.level == "info" and "no errors now" in w.flash()
