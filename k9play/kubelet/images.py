"""Image facts for the simulated container runtime: names, sizes, pull times, caches.

Nothing is downloaded: an image is a name with a size (from the behaviour model's image
profiles), and pulling it takes simulated time proportional to that size. Each node keeps
its own cache, so the second pod of an image on a node starts without a pull ("already
present on machine").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

#: Simulated registry bandwidth (bytes per virtual second) and per-pull overhead.
PULL_BANDWIDTH = 25 * 1024 * 1024
PULL_OVERHEAD = 0.8

@dataclass(frozen=True)
class ImageRef:
    """A parsed image reference."""

    registry: str
    repository: str
    tag: str
    digest: str

    @property
    def full(self) -> str:
        """The fully qualified name the runtime reports (``docker.io/library/nginx:1.14.2``)."""
        base = f"{self.registry}/{self.repository}"
        return f"{base}@{self.digest}" if self.digest and not self.tag else f"{base}:{self.tag}"

    @property
    def short(self) -> str:
        """Repository without the default registry, for looking up image facts."""
        if self.registry == "docker.io":
            return self.repository.removeprefix("library/")
        return f"{self.registry}/{self.repository}"


def parse_image(image: str) -> ImageRef:
    """Parse like ``parsers.ParseImageName`` (docker's reference rules)."""
    name, digest = image, ""
    if "@" in name:
        name, digest = name.split("@", 1)
    tag = ""
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        name, tag = name.rsplit(":", 1)
    parts = name.split("/", 1)
    if len(parts) == 2 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        registry, repo = parts
    else:
        registry, repo = "docker.io", name
    if registry == "docker.io" and "/" not in repo:
        repo = f"library/{repo}"
    if not tag and not digest:
        tag = "latest"
    return ImageRef(registry, repo, tag, digest)


def image_id(image: str) -> str:
    """A stable ``repo@sha256:…`` digest for an image name (same name, same digest)."""
    ref = parse_image(image)
    digest = ref.digest or "sha256:" + hashlib.sha256(ref.full.encode()).hexdigest()
    return f"{ref.registry}/{ref.repository}@{digest}"


def unavailable_error(image: str) -> str:
    """containerd's error when the registry answers 503 (a registry outage)."""
    ref = parse_image(image)
    host = "registry-1.docker.io" if ref.registry == "docker.io" else ref.registry
    url = f"https://{host}/v2/{ref.repository}/manifests/{ref.tag or ref.digest}"
    return (f'rpc error: code = Unknown desc = failed to pull and unpack image "{ref.full}": failed to resolve '
            f'reference "{ref.full}": unexpected status from HEAD request to {url}: 503 Service Unavailable')


def pull_seconds(size: int) -> float:
    """Simulated time to pull an image of ``size`` bytes."""
    return PULL_OVERHEAD + size / PULL_BANDWIDTH


class ImageCache:
    """The images present on one node."""

    def __init__(self) -> None:
        self._present: set[str] = set()

    def has(self, image: str) -> bool:
        return parse_image(image).full in self._present

    def add(self, image: str) -> None:
        self._present.add(parse_image(image).full)

    def names(self) -> list[str]:
        return sorted(self._present)
