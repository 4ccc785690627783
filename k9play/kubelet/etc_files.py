"""The files the kubelet mounts into every container: ``/etc/hostname``, ``/etc/hosts`` (the
"Kubernetes-managed hosts file", ``managedHostsHeader`` in ``kubelet_pods.go``) and
``/etc/resolv.conf`` (the cluster DNS, from ``dnsPolicy``/``dnsConfig``)."""

from __future__ import annotations

from k9play.api.meta import Obj

HOSTS_HEADER = "# Kubernetes-managed hosts file.\n"
HOSTS_DEFAULTS = ("127.0.0.1\tlocalhost\n"
                  "::1\tlocalhost ip6-localhost ip6-loopback\n"
                  "fe00::0\tip6-localnet\n"
                  "fe00::0\tip6-mcastprefix\n"
                  "fe00::1\tip6-allnodes\n"
                  "fe00::2\tip6-allrouters\n")
CLUSTER_DOMAIN = "cluster.local"


def hosts_file(pod: Obj, pod_ip: str, hostname: str) -> str:
    """``managedHostsFileContent``: the defaults, the pod's own line, then ``hostAliases``."""
    spec = pod.get("spec") or {}
    ns = pod["metadata"].get("namespace", "default")
    out = HOSTS_HEADER + HOSTS_DEFAULTS
    if pod_ip:
        sub = spec.get("subdomain")
        name = f"{hostname}.{sub}.{ns}.svc.{CLUSTER_DOMAIN}\t{hostname}" if sub else hostname
        out += f"{pod_ip}\t{name}\n"
    aliases = spec.get("hostAliases") or []
    if aliases:
        out += "\n# Entries added by HostAliases.\n"
        for alias in aliases:
            out += f"{alias.get('ip', '')}\t" + "\t".join(alias.get("hostnames") or []) + "\n"
    return out


def resolv_conf(nameservers: list[str], searches: list[str], ndots: int) -> str:
    """What the kubelet writes for the pod's DNS settings."""
    lines = []
    if searches:
        lines.append("search " + " ".join(searches))
    lines += [f"nameserver {ns}" for ns in nameservers]
    lines.append(f"options ndots:{ndots}")
    return "\n".join(lines) + "\n"
