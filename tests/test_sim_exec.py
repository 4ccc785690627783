"""``kubectl exec -it POD -- sh`` in ``k9play sim``: lines go to the container's shell until ``exit``."""

from __future__ import annotations

import io

from k9play.cli import run_sim

POD = """\
apiVersion: v1
kind: Pod
metadata: {name: two, namespace: default}
spec:
  containers:
  - {name: web, image: "nginx:1.25"}
  - name: box
    image: busybox:1.36
    command: [sh, -c, "for i in 1 2 3 4 5; do echo line $i >> /tmp/log; done; sleep 3600"]
"""


def sim(tmp_path, script: str) -> tuple[str, str, int]:
    (tmp_path / "pod.yaml").write_text(POD)
    out, err = io.StringIO(), io.StringIO()
    code = run_sim([str(tmp_path / "pod.yaml")], 2, 0, None, io.StringIO(script), out, err)
    return out.getvalue(), err.getvalue(), code


def test_an_interactive_shell_keeps_going_until_exit(tmp_path) -> None:
    out, err, code = sim(tmp_path, "advance 30s\n"
                                   "kubectl exec -it two -c box -- sh\n"
                                   "tail -2 /tmp/log\n"
                                   "echo kept > /tmp/mine\n"
                                   "cat /tmp/mine; hostname\n"
                                   "exit\n"
                                   "echo back in k9play sim\n"
                                   "kubectl exec -it two -- /bin/bash\n"
                                   "head -4 /usr/share/nginx/html/index.html | tail -1\n"
                                   "exit 3\n")
    assert out == ("line 4\nline 5\nkept\ntwo\nback in k9play sim\n<title>Welcome to nginx!</title>\n")
    assert "command terminated with exit code 3\n" in err and code == 1


def test_exec_without_double_dash_is_refused_as_kubectl_does(tmp_path) -> None:
    _, err, code = sim(tmp_path, "advance 30s\nkubectl exec two -it -c box /bin/sh\n")
    assert err.endswith("error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] "
                        "instead\nSee 'kubectl exec -h' for help and examples\n") and code == 1


def test_the_kubelets_etc_files_and_busybox_ps(tmp_path) -> None:
    out, _, _ = sim(tmp_path, "advance 30s\n"
                                   "kubectl exec -it two -c box -- sh\n"
                                   "cat /etc/hostname /etc/resolv.conf\n"
                                   "grep -c two /etc/hosts; grep -q nothing /etc/hosts || echo none\n"
                                   "ps\n"
                                   "exit\n"
                                   "kubectl exec -it two -c web -- sh\n"
                                   "ps\n"
                                   "exit\n")
    assert out.startswith("two\nsearch default.svc.cluster.local svc.cluster.local cluster.local\n"
                          "nameserver 10.96.0.10\noptions ndots:5\n1\nnone\nPID   USER     TIME  COMMAND\n"
                          "    1 root      0:00 sh -c for i in 1 2 3 4 5; do echo line $i >> /tmp/log; done; "
                          "sleep 3600\n"), out
    assert out.endswith("sh: ps: not found\n"), "the nginx image ships no ps (a TTY shows stderr inline)"
