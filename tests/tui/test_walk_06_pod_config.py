"""sample-manifests/06-pod-config/README.md, walked in the TUI: every Watch and Break-it step
in order, with the keys, commands and saves it names, checked against what it promises."""

from __future__ import annotations

from pathlib import Path

from .walk import Walk

CONFIG = "06-pod-config/configmap-env.yaml"
RESOURCES = "06-pod-config/resources.yaml"
PULL = "06-pod-config/pull-policy.yaml"
PULL_NEVER = """---
apiVersion: v1
kind: Pod
metadata:
  name: pull-never
  namespace: pod-config
spec:
  containers:
  - name: redis
    image: redis:7.4
    imagePullPolicy: Never
"""
TALL = (160, 110)  # a pod's whole describe, events included, on one screen


async def logs_of(w: Walk, pod: str) -> str:
    await w.command("pods")
    await w.cursor_to(pod)
    await w.press("l")
    text = w.screen()
    await w.press("escape")
    return text


async def describe(w: Walk, pod: str) -> str:
    await w.command("pods")
    await w.cursor_to(pod)
    await w.press("d")
    text = w.screen()
    await w.press("escape")
    return text


async def crash(w: Walk, pod: str) -> None:
    await w.command("pods")
    await w.cursor_to(pod)
    await w.press("exclamation_mark")
    await w.pick("crash")


async def delete(w: Walk, pod: str) -> None:
    await w.command("pods")
    await w.cursor_to(pod)
    await w.press("ctrl+d")
    assert f"Delete pods pod-config/{pod}?" in w.screen()
    await w.confirm()


async def test_walk_06_watch(tmp_path: Path) -> None:
    async with Walk(tmp_path, "06-pod-config", size=TALL) as w:
        assert "Namespace: all" in w.screen(), "these files do not use default"
        await w.wait(30)
        await w.command("ns pod-config")
        assert "pods(pod-config)[4]" in w.screen()

        # l on env-demo: the ConfigMap's values, the pod and its node
        node = w.cluster.store.get("Pod", "env-demo", "pod-config")["spec"]["nodeName"]
        text = await logs_of(w, "env-demo")
        assert "Hello from a ConfigMap: color=blue mode=playground" in text
        assert f"I am env-demo on {node}, log level debug" in text

        # d on resources-demo: Requests, Limits, QoS Class Burstable; the k9play.dev annotations
        text = await describe(w, "resources-demo")
        for line in ("Annotations:      k9play.dev/cpu: 150m", "k9play.dev/memory: 100Mi", "Limits:",
                     "cpu:     250m", "memory:  128Mi", "Requests:", "cpu:        100m", "memory:     64Mi",
                     "QoS Class:                   Burstable"):
            assert line in text, line
        assert "1/1" in w.row("resources-demo") and "Running" in w.row("resources-demo"), "under its limits"

        # :cm lists app-config; d shows its keys
        await w.command("cm")
        assert "app-config" in w.screen()
        await w.cursor_to("app-config")
        await w.press("d")
        for key, value in (("APP_COLOR", "blue"), ("APP_MODE", "playground"), ("GREETING", "Hello from a ConfigMap")):
            lines = w.screen().splitlines()
            at = next(i for i, line in enumerate(lines) if f"│ {key}:" in line)
            assert value in lines[at + 2], (key, lines[at:at + 3])

        # ! → crash on pull-always and pull-if-not-present, then d on each
        await crash(w, "pull-always")
        await crash(w, "pull-if-not-present")
        await w.wait(15)
        always = await describe(w, "pull-always")
        assert 'Pulling image "nginx:1.27.0"' in always and "(x2 over" in always, "pulled again"
        assert "already present on machine" not in always
        present = await describe(w, "pull-if-not-present")
        assert 'Container image "nginx:1.27.0" already present on machine' in present


async def test_walk_06_break_it(tmp_path: Path) -> None:
    async with Walk(tmp_path, "06-pod-config", size=TALL) as w:
        await w.wait(30)
        await w.command("ns pod-config")

        # memory over the limit: delete resources-demo, k9play.dev/memory: 200Mi, save
        await delete(w, "resources-demo")
        await w.wait(5)
        assert " resources-demo " not in w.screen()
        await w.save(RESOURCES, "k9play.dev/memory: 100Mi", "k9play.dev/memory: 200Mi")
        assert w.flash() == "pod/resources-demo created"
        await w.wait(30)
        assert "CrashLoopBackOff" in w.row("resources-demo")
        text = await describe(w, "resources-demo")
        assert "Last State:     Terminated" in text and "Reason:       OOMKilled" in text
        assert "Exit Code:    137" in text
        status = w.cluster.store.get("Pod", "resources-demo", "pod-config")["status"]["containerStatuses"][0]
        assert status["restartCount"] >= 2

        # a limit of the live pod: refused, shown in the error panel; put back: the error goes
        await w.save(RESOURCES, "memory: 128Mi      # killed", "memory: 256Mi      # killed")
        assert w.app.flash_message.level == "error"
        assert 'Pod "resources-demo" is invalid: spec: Forbidden: pod updates may not change fields other than' \
            in w.flash()
        assert "✗ " in w.screen() and "pod updates may not" in w.screen(), "the errors panel"
        await w.save(RESOURCES, "memory: 256Mi      # killed", "memory: 128Mi      # killed")
        assert "no errors now" in w.flash() and "pod updates may not" not in w.screen()

        # rename GREETING, save, re-create env-demo: CreateContainerConfigError
        await w.save(CONFIG, "  GREETING: Hello", "  GREETINGS: Hello")
        assert w.flash() == "configmap/app-config configured", "the running pod is unchanged"
        await delete(w, "env-demo")
        await w.wait(5)
        assert "Terminating" in w.row("env-demo"), "sh ignores SIGTERM: the 30 s grace period"
        await w.wait(30)
        assert " env-demo " not in w.screen()
        await w.save(CONFIG)
        assert w.flash() == "pod/env-demo created"
        await w.wait(10)
        assert "CreateContainerConfigError" in w.row("env-demo")
        assert "couldn't find key GREETING in ConfigMap pod-config/app-config" in await describe(w, "env-demo")
        await w.save(CONFIG, "  GREETINGS: Hello", "  GREETING: Hello")
        await w.wait(30)
        assert "Running" in w.row("env-demo")

        # APP_COLOR in the ConfigMap: env-demo still prints blue until ! → crash restarts it
        await w.save(CONFIG, "  APP_COLOR: blue", "  APP_COLOR: red")
        await w.wait(5)
        assert "color=blue" in await logs_of(w, "env-demo")
        await crash(w, "env-demo")
        await w.wait(10)
        text = await logs_of(w, "env-demo")
        assert "color=red" in text and "color=blue" not in text

        # imagePullPolicy: Never with an image no pod has pulled: ErrImageNeverPull
        w.path(PULL).write_text(w.path(PULL).read_text() + PULL_NEVER)
        await w.save(PULL)
        assert w.flash() == "pod/pull-never created", "the other pods of the file are unchanged"
        await w.wait(10)
        assert "ErrImageNeverPull" in w.row("pull-never")
