"""Pod volumes as simulated filesystems mounted into containers.

``emptyDir`` lives as long as the pod (shared by its containers, kept across restarts);
``hostPath`` is a directory of the node's *simulated* filesystem (never the host's), checked
against its ``type`` as ``pkg/volume/hostpath`` checks it (``DirectoryOrCreate`` and
``FileOrCreate`` create, the others must find the right kind of entry); ``nfs`` is a
directory on a simulated server every node shares (:mod:`k9play.kubelet.storage`);
``configMap``/``secret``/``projected``/``downwardAPI`` are files made from API objects, always
mounted read-only (as since Kubernetes 1.10), refreshed by :mod:`k9play.kubelet.configsync` —
except where mounted with ``subPath``, which is a copy made when the container starts and
never updated. A ConfigMap or Secret that does not exist (and is not ``optional``) fails the
mount with the kubelet's ``FailedMount`` message.
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Any

from k9play.kubelet.envvars import field_value
from k9play.kubelet.shell import FileSystem

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore
    from k9play.kubelet.storage import VolumeData

Obj = dict[str, Any]
SA_TOKEN = "eyJhbGciOiJSUzI1NiJ9.k9play-simulated-service-account-token.c2lnbmF0dXJl"


class MountError(Exception):
    """``MountVolume.SetUp failed for volume …`` — the pod stays in ContainerCreating."""


class ProjectedFiles(FileSystem):
    """The files of a configMap, secret, downwardAPI or projected volume (read-only)."""


def _file_type(fs: FileSystem, path: str) -> str:
    if path in fs.files:
        return "File"
    if fs.is_dir(path):
        return "Directory"
    return ""


_HOST_PATH_KINDS = {"Directory": "directory", "File": "file", "Socket": "socket file",
                    "CharDevice": "character device", "BlockDevice": "block device"}


def check_host_path(fs: FileSystem, path: str, path_type: str, volume: str) -> None:
    """``checkType``: create what ``…OrCreate`` asks for, else the entry must be of the type."""
    if not path_type:
        fs.dirs.add(path)  # no check: the runtime creates a missing directory
        return
    current = _file_type(fs, path)
    if path_type == "DirectoryOrCreate":
        if not current:
            fs.dirs.add(path)
            return
        path_type = "Directory"
    elif path_type == "FileOrCreate":
        if not current:
            fs.files[path] = ""
            fs.dirs.add(path.rsplit("/", 1)[0] or "/")
            return
        path_type = "File"
    if path_type not in _HOST_PATH_KINDS:
        raise MountError(f'MountVolume.SetUp failed for volume "{volume}" : {path_type} is an invalid volume type')
    if not current:
        raise MountError(f'MountVolume.SetUp failed for volume "{volume}" : hostPath {path} doesn\'t exist')
    if current != path_type:
        raise MountError(f'MountVolume.SetUp failed for volume "{volume}" : hostPath type check failed: {path} is '
                         f"not a {_HOST_PATH_KINDS[path_type]}, it's a {current}")


def _decode(value: str) -> str:
    try:
        return base64.b64decode(value).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return value


def _key_files(data: dict[str, str], items: list[Obj] | None) -> dict[str, str]:
    if not items:
        return {f"/{k}": v for k, v in data.items()}
    return {"/" + str(i.get("path", i.get("key"))).lstrip("/"): data[i["key"]] for i in items if i.get("key") in data}


def _object_files(store: ObjectStore, kind: str, src: Obj, ns: str, volume: str) -> dict[str, str]:
    name = src.get("name") or src.get("secretName") or ""
    obj = store.try_get(kind, name, ns)
    if obj is None:
        if src.get("optional"):
            return {}
        raise MountError(f'MountVolume.SetUp failed for volume "{volume}" : {kind.lower()} "{name}" not found')
    if kind == "Secret":
        data = {k: _decode(v) for k, v in (obj.get("data") or {}).items()}
        data.update(obj.get("stringData") or {})
    else:
        data = {**(obj.get("binaryData") or {}), **(obj.get("data") or {})}
    missing = [i["key"] for i in src.get("items") or [] if i.get("key") not in data]
    if missing and not src.get("optional"):
        raise MountError(f'MountVolume.SetUp failed for volume "{volume}" : configmap references non-existent '
                         f'config key: {missing[0]}' if kind == "ConfigMap" else
                         f'MountVolume.SetUp failed for volume "{volume}" : references non-existent secret key: '
                         f"{missing[0]}")
    return _key_files(data, src.get("items"))


def _downward_files(pod: Obj, items: list[Obj]) -> dict[str, str]:
    out = {}
    for item in items:
        ref = item.get("fieldRef") or {}
        path = "/" + str(item.get("path", "")).lstrip("/")
        if ref:
            out[path] = field_value(pod, ref.get("fieldPath", ""))
        elif item.get("resourceFieldRef"):
            out[path] = "0"
    return out


def build_volumes(store: ObjectStore, pod: Obj, node_fs: FileSystem,
                  data: VolumeData) -> dict[str, tuple[FileSystem, str]]:
    """name → (filesystem, path inside it) for every volume of ``pod``; raises MountError."""
    ns = pod["metadata"].get("namespace", "default")
    node = (pod.get("spec") or {}).get("nodeName", "")
    out: dict[str, tuple[FileSystem, str]] = {}
    for vol in (pod.get("spec") or {}).get("volumes") or []:
        name = vol.get("name", "")
        if "emptyDir" in vol:
            out[name] = (FileSystem(dirs={"/"}), "")
            continue
        if "hostPath" in vol:
            path = "/" + str((vol["hostPath"] or {}).get("path", "")).strip("/")
            check_host_path(node_fs, path, (vol["hostPath"] or {}).get("type") or "", name)
            out[name] = (node_fs, path if path != "/" else "")
            continue
        if "nfs" in vol:
            src = vol["nfs"] or {}
            out[name] = data.nfs_export(src.get("server", ""), src.get("path", "/"))
            continue
        if "persistentVolumeClaim" in vol:
            claim_name = (vol["persistentVolumeClaim"] or {}).get("claimName", "")
            pvc = store.try_get("PersistentVolumeClaim", claim_name, ns)
            volume = (pvc or {}).get("spec", {}).get("volumeName") if pvc else None
            if not volume or (pvc.get("status") or {}).get("phase") != "Bound":  # type: ignore[union-attr]
                problem = "PVC is not bound" if pvc else f'persistentvolumeclaim "{claim_name}" not found'
                raise MountError(f"Unable to attach or mount volumes: unmounted volumes=[{name}], unattached "
                                 f"volumes=[], failed to process volumes=[{name}]: error processing PVC "
                                 f"{ns}/{claim_name}: {problem}")
            # the data belongs to the PersistentVolume: a retained volume keeps it when re-bound
            out[name] = data.volume_data(store.try_get("PersistentVolume", volume), volume, node)
            continue
        files = projected_files(store, pod, vol)
        if files is None:
            out[name] = (FileSystem(dirs={"/"}), "")
            continue
        out[name] = (ProjectedFiles(files=files, dirs={"/"}), "")
    return out


def projected_files(store: ObjectStore, pod: Obj, vol: Obj) -> dict[str, str] | None:
    """The files of a configMap/secret/downwardAPI/projected volume (``None``: another kind)."""
    ns = pod["metadata"].get("namespace", "default")
    name = vol.get("name", "")
    files: dict[str, str] | None = None
    if "configMap" in vol:
        files = _object_files(store, "ConfigMap", vol["configMap"] or {}, ns, name)
    elif "secret" in vol:
        files = _object_files(store, "Secret", vol["secret"] or {}, ns, name)
    elif "downwardAPI" in vol:
        files = _downward_files(pod, (vol["downwardAPI"] or {}).get("items") or [])
    elif "projected" in vol:
        files = {}
        for source in (vol["projected"] or {}).get("sources") or []:
            if "serviceAccountToken" in source:
                files["/" + (source["serviceAccountToken"] or {}).get("path", "token")] = SA_TOKEN
            elif "configMap" in source:
                files.update(_object_files(store, "ConfigMap", source["configMap"] or {}, ns, name))
            elif "secret" in source:
                files.update(_object_files(store, "Secret", source["secret"] or {}, ns, name))
            elif "downwardAPI" in source:
                files.update(_downward_files(pod, (source["downwardAPI"] or {}).get("items") or []))
    else:
        return None
    return files or {}


def mount_volumes(fs: FileSystem, container: Obj, volumes: dict[str, tuple[FileSystem, str]]) -> None:
    for vm in container.get("volumeMounts") or []:
        vol = volumes.get(vm.get("name", ""))
        if vol is None:
            continue
        volume_fs, base = vol
        sub = "/".join(p for p in (base.strip("/"), str(vm.get("subPath", "")).strip("/")) if p)
        read_only = bool(vm.get("readOnly"))
        if isinstance(volume_fs, ProjectedFiles):
            read_only = True
            if vm.get("subPath"):  # a bind mount of the file as it is now: later updates never show
                volume_fs = ProjectedFiles(files=dict(volume_fs.files), dirs=set(volume_fs.dirs))
        fs.mount(vm.get("mountPath", "/"), volume_fs, sub, read_only)
