"""The model layer: the object store (simulated apiserver), selectors, schema validation,
defaulting, admission, quantities and events. Depends only on the clock."""

from k9play.api.errors import ApiError, NoKindMatchError
from k9play.api.store import ADDED, DELETED, MODIFIED, ObjectStore, Watch, WatchEvent

__all__ = ["ADDED", "DELETED", "MODIFIED", "ApiError", "NoKindMatchError", "ObjectStore", "Watch", "WatchEvent"]
