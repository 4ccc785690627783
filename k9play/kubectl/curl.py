"""``curl`` in ``k9play sim``: a request from the machine the cluster runs on, or from a pod.

Without ``--from``, curl runs outside the cluster (``172.18.0.1`` on kind's docker network):
node IPs with a NodePort and load-balancer addresses answer, cluster names do not resolve and
ClusterIPs are not routable. ``--from POD`` (``-n NS``) sends it from that pod's network
namespace instead — its DNS, its node — without needing curl in the pod's image. Output,
errors and exit codes are curl's (``k9play.kubelet.netclient``); ``-v`` adds how the request
travelled. Simulated time passes by as long as the exchange took.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k9play.kubectl.commands import Result
from k9play.kubelet.netclient import curl as curl_tool
from k9play.kubelet.shell import FileSystem, ShellContext, drain
from k9play.network import Client

if TYPE_CHECKING:
    from k9play.cluster import Cluster

USAGE = "usage: curl [--from POD] [-n NS] [curl options] URL"


def run(cluster: Cluster, args: list[str]) -> Result:
    result = Result()
    namespace, source, rest = "default", None, []
    it = iter(args)
    for a in it:
        if a == "--from":
            source = next(it, None)
        elif a.startswith("--from="):
            source = a.split("=", 1)[1]
        elif a in ("-n", "--namespace"):
            namespace = next(it, "default")
        elif a.startswith(("--namespace=", "-n=")):
            namespace = a.split("=", 1)[1]
        else:
            rest.append(a)
    if source is not None:
        pod = cluster.store.try_get("Pod", source.split("/", 1)[-1], namespace)
        if pod is None:
            result.error(f'Error from server (NotFound): pods "{source}" not found')
            result.code = 1
            return result
        client = cluster.network.pod_client(namespace, pod["metadata"]["name"])
    else:
        client = Client()
    out: list[str] = []
    err: list[str] = []
    ctx = ShellContext(fs=FileSystem(), env={}, hostname="k9play", now=cluster.clock.now, out=out.append,
                       err=err.append, http=lambda req: cluster.network.request(req, client), tools=None)
    code, took = drain(curl_tool(ctx, rest))
    if took:
        cluster.advance_sync(took)
    result.out, result.err, result.code = "".join(out), "".join(err), code or 0
    return result
