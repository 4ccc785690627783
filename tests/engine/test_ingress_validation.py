"""Ingress paths and backends are validated as the apiserver does (networking/validation)."""

from __future__ import annotations

import pytest

from k9play.api.errors import ApiError
from k9play.manifests.applier import apply_object
from tests.helpers import new_cluster


def ingress(*paths: dict, default_backend: dict | None = None) -> dict:
    spec: dict = {"rules": [{"host": "shop.example.com", "http": {"paths": list(paths)}}]} if paths else {}
    if default_backend is not None:
        spec["defaultBackend"] = default_backend
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "shop"}, "spec": spec}


def path(p: str | None, kind: str | None, port: dict | None = None) -> dict:
    out: dict = {"backend": {"service": {"name": "api", "port": {"number": 80} if port is None else port}}}
    if p is not None:
        out["path"] = p
    if kind is not None:
        out["pathType"] = kind
    return out


def refusal(obj: dict) -> str:
    with pytest.raises(ApiError) as e:
        apply_object(new_cluster().store, obj)
    return e.value.message


def test_paths_must_be_absolute_typed_and_clean() -> None:
    msg = refusal(ingress(path("api", "Prefix"), path("/x", "Regex"), path("/y", None), path("/a//b", "Exact"),
                          path("/a/..", "Prefix"), path("rel", "ImplementationSpecific")))
    assert msg == (
        'Ingress.networking.k8s.io "shop" is invalid: ['
        'spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path, '
        'spec.rules[0].http.paths[1].pathType: Unsupported value: "Regex": supported values: "Exact", '
        '"ImplementationSpecific", "Prefix", '
        "spec.rules[0].http.paths[2].pathType: Required value: pathType must be specified, "
        "spec.rules[0].http.paths[3].path: Invalid value: \"/a//b\": must not contain '//', "
        "spec.rules[0].http.paths[4].path: Invalid value: \"/a/..\": cannot end with '/..', "
        'spec.rules[0].http.paths[5].path: Invalid value: "rel": must be an absolute path]')


def test_backends_need_a_port_and_rules_or_a_default() -> None:
    assert refusal(ingress(path("/", "Prefix", port={}))) == (
        'Ingress.networking.k8s.io "shop" is invalid: spec.rules[0].http.paths[0].backend: Required value: '
        "port name or number is required")
    assert refusal(ingress()) == ('Ingress.networking.k8s.io "shop" is invalid: spec: Invalid value: null: '
                                  "either `defaultBackend` or `rules` must be specified")
    ok = apply_object(new_cluster().store, ingress(path("/", "Prefix"), path(None, "ImplementationSpecific")))
    assert ok.action == "created"
