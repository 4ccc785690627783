"""A cluster as one user reaches it: the TUI's verbs act as the user chosen with ``:user``.

Everything a client does goes through ``store``, which is the authorizing facade for anyone
but the kubeconfig's admin; the rest (clock, kubelets, metrics) is the cluster's own, as a
client cannot change those anyway.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from k9play.api.auth import ADMIN, UserInfo
from k9play.api.authorized import AuthorizedStore

if TYPE_CHECKING:
    from k9play.cluster import Cluster


class ActingCluster:
    """``cluster`` with ``store`` checked for ``user`` (the store itself for the admin)."""

    def __init__(self, cluster: Cluster, user: UserInfo = ADMIN) -> None:
        self.cluster = cluster
        self.user = user
        self.store: Any = cluster.store if user == ADMIN else AuthorizedStore(cluster.store, user)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.cluster, name)
