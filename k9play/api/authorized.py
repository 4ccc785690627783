"""The store as one user sees it: every call is authorized first, as the apiserver's
authorization filter does before a request reaches its handler.

kubectl talks to this facade; the engine talks to :class:`~k9play.api.store.ObjectStore`
directly and pays nothing. Reads and writes map to request attributes the way
``RequestInfoFactory`` derives them from a URL: ``get``/``list``/``create``/``update``/
``patch``/``delete`` on ``<plural>[/<subresource>]`` in the object's API group, with the
object's name (none for ``create`` and ``list``) and namespace (none for cluster-scoped
kinds and for lists across all namespaces).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from k9play.api import resources
from k9play.api.auth import Attributes, RBACAuthorizer, UserInfo, forbidden

if TYPE_CHECKING:
    from k9play.api.meta import Obj
    from k9play.api.store import ObjectStore


class AuthorizedStore:
    """The read/write API of :class:`ObjectStore`, checked for ``user``; anything else
    (the clock, watches' plumbing, uid lookups used while waiting) passes through."""

    def __init__(self, store: ObjectStore, user: UserInfo) -> None:
        self._store = store
        self.user = user
        self.authorizer = RBACAuthorizer(store)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    # ------------------------------------------------------------- checks
    def attributes(self, verb: str, kind: str, namespace: str | None, name: str = "",
                   subresource: str = "") -> Attributes:
        rt = resources.by_kind(kind)
        ns = (namespace or "") if rt.namespaced else ""
        return Attributes(self.user, verb, rt.plural, rt.group, ns, name, subresource)

    def check(self, verb: str, kind: str, namespace: str | None, name: str = "", subresource: str = "") -> None:
        """Raise the apiserver's Forbidden unless ``user`` may do this."""
        attrs = self.attributes(verb, kind, namespace, name, subresource)
        if not self.authorizer.authorize(attrs).allowed:
            raise forbidden(attrs)

    def _ns(self, kind: str, namespace: str | None) -> str | None:
        rt = resources.by_kind(kind)
        return (namespace or "default") if rt.namespaced else None

    # -------------------------------------------------------------- reads
    def get(self, kind: str, name: str, namespace: str | None = None) -> Obj:
        self.check("get", kind, self._ns(kind, namespace), name)
        return self._store.get(kind, name, namespace)

    def try_get(self, kind: str, name: str, namespace: str | None = None) -> Obj | None:
        self.check("get", kind, self._ns(kind, namespace), name)
        return self._store.try_get(kind, name, namespace)

    def list(self, kind: str, namespace: str | None = None, label_selector: Any = None,
             field_selector: Any = None) -> list[Obj]:
        self.check("list", kind, namespace)
        return self._store.list(kind, namespace, label_selector, field_selector)

    def pods_on_node(self, node: str) -> list[Obj]:
        self.check("list", "Pod", None)
        return self._store.pods_on_node(node)

    # ------------------------------------------------------------- writes
    def create(self, obj: Obj, namespace: str | None = None, **kwargs: Any) -> Obj:
        rt = resources.for_object(obj.get("apiVersion", ""), obj.get("kind", ""))
        ns = ((obj.get("metadata") or {}).get("namespace") or namespace or "default") if rt.namespaced else None
        self.check("create", rt.kind, ns)
        return self._store.create(obj, namespace, **kwargs)

    def update(self, obj: Obj, *, subresource: str | None = None, **kwargs: Any) -> Obj:
        rt = resources.for_object(obj.get("apiVersion", ""), obj.get("kind", ""))
        md = obj.get("metadata") or {}
        self.check("update", rt.kind, self._ns(rt.kind, md.get("namespace")), md.get("name", ""), subresource or "")
        return self._store.update(obj, subresource=subresource, **kwargs)

    def update_status(self, obj: Obj) -> Obj:
        return self.update(obj, subresource="status")

    def patch(self, kind: str, name: str, namespace: str | None, patch: Any, patch_type: str = "merge", *,
              subresource: str | None = None) -> Obj:
        self.check("patch", kind, self._ns(kind, namespace), name, subresource or "")
        return self._store.patch(kind, name, namespace, patch, patch_type, subresource=subresource)

    def delete(self, kind: str, name: str, namespace: str | None = None, **kwargs: Any) -> Obj:
        self.check("delete", kind, self._ns(kind, namespace), name)
        return self._store.delete(kind, name, namespace, **kwargs)
