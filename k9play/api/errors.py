"""API errors shaped like the apiserver's ``Status`` failures.

``str(error)`` is the message kubectl prints after ``Error from server (Reason): ``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Cause:
    """One field-level problem, as in ``Status.details.causes``."""

    field: str
    message: str
    type: str = "FieldValueInvalid"


@dataclass
class ApiError(Exception):
    """A failed API call: HTTP code, machine reason and human message."""

    message: str
    code: int = 500
    reason: str = "InternalError"
    causes: list[Cause] = field(default_factory=list)

    def __str__(self) -> str:
        return self.message

    def kubectl_text(self) -> str:
        """The line kubectl prints for this error."""
        return f"Error from server ({self.reason}): {self.message}"


def not_found(resource: str, name: str) -> ApiError:
    return ApiError(f'{resource} "{name}" not found', 404, "NotFound")


def already_exists(resource: str, name: str) -> ApiError:
    return ApiError(f'{resource} "{name}" already exists', 409, "AlreadyExists")


def conflict(resource: str, name: str) -> ApiError:
    return ApiError(
        f'Operation cannot be fulfilled on {resource} "{name}": the object has been modified; '
        "please apply your changes to the latest version and try again",
        409,
        "Conflict",
    )


def invalid(kind: str, name: str, causes: list[Cause]) -> ApiError:
    """``Deployment.apps "x" is invalid: spec.replicas: Invalid value: ...`` (one cause) or
    ``... is invalid: [a: ..., b: ...]`` (several), as the apiserver words it. ``kind`` is the
    group-qualified kind (``Deployment.apps``; core kinds have no group)."""
    parts = [f"{c.field}: {c.message}" if c.field else c.message for c in causes]
    detail = parts[0] if len(parts) == 1 else "[" + ", ".join(parts) + "]"
    return ApiError(f'{kind} "{name}" is invalid: {detail}', 422, "Invalid", causes)


def bad_request(message: str, causes: list[Cause] | None = None) -> ApiError:
    return ApiError(message, 400, "BadRequest", causes or [])


def forbidden(message: str) -> ApiError:
    return ApiError(message, 403, "Forbidden")


def expired(message: str) -> ApiError:
    return ApiError(message, 410, "Expired")


class NoKindMatchError(Exception):
    """A manifest names a kind the cluster does not serve (kubectl's mapping error)."""

    def __init__(self, kind: str, api_version: str) -> None:
        super().__init__(f'no matches for kind "{kind}" in version "{api_version}"')
        self.kind = kind
        self.api_version = api_version
