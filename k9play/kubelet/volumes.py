"""Pod volumes as simulated filesystems mounted into containers.

``emptyDir`` lives as long as the pod (shared by its containers, kept across restarts);
``hostPath`` is a directory of the node's *simulated* filesystem (never the host's);
``configMap``/``secret``/``projected``/``downwardAPI`` are files made from API objects.
A ConfigMap or Secret that does not exist (and is not ``optional``) fails the mount with
the kubelet's ``FailedMount`` message.
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Any

from k9play.kubelet.envvars import field_value
from k9play.kubelet.shell import FileSystem

if TYPE_CHECKING:
    from k9play.api.store import ObjectStore

Obj = dict[str, Any]
SA_TOKEN = "eyJhbGciOiJSUzI1NiJ9.k9play-simulated-service-account-token.c2lnbmF0dXJl"


class MountError(Exception):
    """``MountVolume.SetUp failed for volume …`` — the pod stays in ContainerCreating."""


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
                  claims: dict[str, FileSystem]) -> dict[str, tuple[FileSystem, str]]:
    """name → (filesystem, path inside it) for every volume of ``pod``; raises MountError."""
    ns = pod["metadata"].get("namespace", "default")
    out: dict[str, tuple[FileSystem, str]] = {}
    for vol in (pod.get("spec") or {}).get("volumes") or []:
        name = vol.get("name", "")
        files: dict[str, str] | None = None
        if "emptyDir" in vol:
            out[name] = (FileSystem(dirs={"/"}), "")
            continue
        if "hostPath" in vol:
            path = "/" + str((vol["hostPath"] or {}).get("path", "")).strip("/")
            node_fs.dirs.add(path)
            out[name] = (node_fs, path if path != "/" else "")
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
            out[name] = (claims.setdefault(volume, FileSystem(dirs={"/"})), "")
            continue
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
            out[name] = (FileSystem(dirs={"/"}), "")
            continue
        out[name] = (FileSystem(files=files or {}, dirs={"/"}), "")
    return out


def mount_volumes(fs: FileSystem, container: Obj, volumes: dict[str, tuple[FileSystem, str]]) -> None:
    for vm in container.get("volumeMounts") or []:
        vol = volumes.get(vm.get("name", ""))
        if vol is None:
            continue
        volume_fs, base = vol
        sub = "/".join(p for p in (base.strip("/"), str(vm.get("subPath", "")).strip("/")) if p)
        fs.mount(vm.get("mountPath", "/"), volume_fs, sub, bool(vm.get("readOnly")))
