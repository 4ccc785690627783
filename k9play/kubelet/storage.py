"""Where volume data lives, shared by every kubelet: simulated NFS servers and the contents of
PersistentVolumes, and what a PV's reclaim policy does to them.

* **NFS**: one simulated server per ``server`` name, a filesystem every node and pod that
  mounts it shares; an export path is a directory in it (created on first mount — the
  simulation has no export table). Nothing touches the host.
* **PersistentVolumes** keep their data where their source says: a ``hostPath`` PV (kind's
  local-path provisioner makes those) on the node's simulated filesystem, an ``nfs`` PV on its
  server, anything else (CSI, …) in a store of its own keyed by the PV's name — so a retained
  volume bound again still has its files.
* **Reclaim**: ``Recycle`` scrubs the contents (the recycler pod's ``rm -rf /scrub/*``) when the
  PV goes from Released back to Available; a PV removed by ``Delete`` loses its data (the
  local-path helper pod's ``rm -rf``, the hostPath deleter's ``RemoveAll``); ``Retain`` keeps it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from k9play.api.meta import Obj, annotations_of, name_of
from k9play.api.store import WatchEvent
from k9play.kubelet.shell import FileSystem

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore


def _norm(path: str) -> str:
    return "/" + str(path).strip("/")


def clear(fs: FileSystem, path: str) -> None:
    """Remove everything under ``path`` (the directory itself stays)."""
    base = _norm(path)
    prefix = "" if base == "/" else base
    for f in [f for f in fs.files if f.startswith(prefix + "/")]:
        del fs.files[f]
    fs.dirs = {d for d in fs.dirs if not d.startswith(prefix + "/")}
    fs.dirs.add(base)


class VolumeData:
    """NFS servers and PV contents; node filesystems are looked up through ``node_fs``."""

    def __init__(self, store: ObjectStore, node_fs: Callable[[str], FileSystem | None],
                 nodes: Callable[[], list[FileSystem]]) -> None:
        self.store = store
        self._node_fs = node_fs
        self._nodes = nodes
        self.nfs: dict[str, FileSystem] = {}
        self.claims: dict[str, FileSystem] = {}

    def start(self) -> Callable[[], None]:
        return self.store.add_handler("PersistentVolume", self._on_volume)

    def nfs_export(self, server: str, path: str) -> tuple[FileSystem, str]:
        fs = self.nfs.setdefault(server, FileSystem(dirs={"/"}))
        base = _norm(path)
        fs.dirs.add(base)
        return fs, "" if base == "/" else base

    def volume_data(self, pv: Obj | None, pv_name: str, node: str) -> tuple[FileSystem, str]:
        """The filesystem and path holding a PV's data, seen from ``node``."""
        spec = (pv or {}).get("spec") or {}
        if "nfs" in spec:
            src = spec["nfs"] or {}
            return self.nfs_export(src.get("server", ""), src.get("path", "/"))
        if "hostPath" in spec:
            fs = self._node_fs(node)
            if fs is not None:
                base = _norm((spec["hostPath"] or {}).get("path", "/"))
                fs.dirs.add(base)
                return fs, "" if base == "/" else base
        return self.claims.setdefault(pv_name, FileSystem(dirs={"/"})), ""

    def _places(self, pv: Obj) -> list[tuple[FileSystem, str]]:
        """Every place the PV's data may be (a hostPath PV: its node's, or every node's)."""
        spec = pv.get("spec") or {}
        if "nfs" in spec:
            return [self.nfs_export((spec["nfs"] or {}).get("server", ""), (spec["nfs"] or {}).get("path", "/"))]
        if "hostPath" in spec:
            path = _norm((spec["hostPath"] or {}).get("path", "/"))
            node = annotations_of(pv).get("local.path.provisioner/selected-node")
            fs = self._node_fs(node) if node else None
            return [(fs, path)] if fs is not None else [(n, path) for n in self._nodes()]
        fs = self.claims.get(name_of(pv))
        return [(fs, "/")] if fs is not None else []

    def _on_volume(self, ev: WatchEvent) -> None:
        pv, old = ev.object, ev.old
        policy = (pv.get("spec") or {}).get("persistentVolumeReclaimPolicy")
        if ev.type == "DELETED":
            if policy == "Delete" and ((old or pv).get("status") or {}).get("phase") in ("Released", "Failed"):
                for fs, path in self._places(pv):
                    if path != "/":
                        fs.files = {f: v for f, v in fs.files.items() if not f.startswith(path + "/")}
                        fs.dirs = {d for d in fs.dirs if d != path and not d.startswith(path + "/")}
                    else:
                        clear(fs, path)
            self.claims.pop(name_of(pv), None)
            return
        was = ((old or {}).get("status") or {}).get("phase")
        now = (pv.get("status") or {}).get("phase")
        if policy == "Recycle" and was == "Released" and now == "Available":
            for fs, path in self._places(pv):
                clear(fs, path)


#: directories every kind node has (a Debian image running systemd, kubelet and containerd)
NODE_DIRS = ("/", "/bin", "/boot", "/dev", "/etc", "/etc/kubernetes", "/etc/kubernetes/manifests", "/home",
             "/lib", "/mnt", "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr",
             "/usr/local", "/var", "/var/lib", "/var/lib/kubelet", "/var/lib/containerd", "/var/log",
             "/var/log/pods", "/var/log/containers", "/var/run")


def node_filesystem(node: str) -> FileSystem:
    """A node's simulated root filesystem, with the directories and files hostPath users expect."""
    return FileSystem(files={"/etc/hostname": node + "\n", "/etc/os-release": 'PRETTY_NAME="Debian GNU/Linux 12 '
                             '(bookworm)"\n'}, dirs=set(NODE_DIRS))
