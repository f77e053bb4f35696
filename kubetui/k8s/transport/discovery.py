"""Server version and API discovery: which shapes of the API this server speaks.

Users run 1.28-1.35; the local test cluster is 1.20. Every API whose shape changed between them
is chosen here, once, from the server's own answers, so the rest of kubetui never guesses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FLOWCONTROL = "flowcontrol.apiserver.k8s.io"
SNAPSHOT = "snapshot.storage.k8s.io"
EVENTS = "events.k8s.io"


@dataclass(frozen=True, order=True)
class ServerVersion:
    major: int
    minor: int
    git_version: str = ""
    platform: str = ""

    @classmethod
    def from_json(cls, data: dict) -> ServerVersion:
        """Parse /version; tolerates vendor minors such as "27+" and missing fields."""
        git = str(data.get("gitVersion") or "")
        major = _leading_int(str(data.get("major") or ""))
        minor = _leading_int(str(data.get("minor") or ""))
        if (major is None or minor is None) and git:
            m = re.match(r"v?(\d+)\.(\d+)", git)
            if m:
                major, minor = int(m.group(1)), int(m.group(2))
        return cls(major or 0, minor or 0, git or f"v{major}.{minor}",
                   str(data.get("platform") or ""))

    def at_least(self, major: int, minor: int) -> bool:
        return (self.major, self.minor) >= (major, minor)

    def __str__(self) -> str:
        return self.git_version or f"v{self.major}.{self.minor}"


def _leading_int(text: str) -> int | None:
    m = re.match(r"\d+", text)
    return int(m.group(0)) if m else None


@dataclass(frozen=True)
class ApiGroup:
    name: str
    versions: tuple[str, ...]
    preferred: str


@dataclass(frozen=True)
class Discovery:
    """The groups and versions the server serves (from /api and /apis)."""

    core_versions: tuple[str, ...]
    groups: tuple[ApiGroup, ...]

    @classmethod
    def from_json(cls, api: dict, apis: dict) -> Discovery:
        groups = []
        for g in apis.get("groups") or []:
            versions = tuple(v.get("version", "") for v in g.get("versions") or [])
            preferred = (g.get("preferredVersion") or {}).get("version") or \
                (versions[0] if versions else "")
            groups.append(ApiGroup(g.get("name", ""), versions, preferred))
        return cls(tuple(api.get("versions") or ()), tuple(groups))

    def group(self, name: str) -> ApiGroup | None:
        return next((g for g in self.groups if g.name == name), None)

    def preferred(self, name: str) -> str | None:
        g = self.group(name)
        return g.preferred if g else None


@dataclass(frozen=True)
class Capabilities:
    """What kubetui will use on this server, each decided by version or discovery."""

    flowcontrol_version: str | None  # e.g. "v1beta1" on 1.20, "v1" on 1.29+
    snapshot_version: str | None  # None: VolumeSnapshot CRDs are not installed
    events_group_version: str  # "events.k8s.io/v1" when served, else "v1" (core)
    ephemeral_containers: str | None  # "EphemeralContainers" (1.16-1.21), "Pod" (1.22+), None
    eviction_version: str = "policy/v1beta1"  # "policy/v1" where served (1.22+)

    @property
    def flowcontrol_shares_field(self) -> str:
        """assuredConcurrencyShares became nominalConcurrencyShares in v1beta3."""
        if self.flowcontrol_version in ("v1alpha1", "v1beta1", "v1beta2"):
            return "assuredConcurrencyShares"
        return "nominalConcurrencyShares"


def capabilities(version: ServerVersion, discovery: Discovery) -> Capabilities:
    events = discovery.group(EVENTS)
    events_gv = f"{EVENTS}/v1" if events and "v1" in events.versions else "v1"
    if version.at_least(1, 22):
        ephemeral: str | None = "Pod"
    elif version.at_least(1, 16):
        ephemeral = "EphemeralContainers"
    else:
        ephemeral = None
    return Capabilities(
        flowcontrol_version=discovery.preferred(FLOWCONTROL),
        snapshot_version=_snapshot_version(discovery),
        events_group_version=events_gv,
        ephemeral_containers=ephemeral,
        # the pods/eviction subresource takes policy/v1 from 1.22 (1.21 serves policy/v1 for
        # PodDisruptionBudgets only), policy/v1beta1 before
        eviction_version="policy/v1" if version.at_least(1, 22) else "policy/v1beta1",
    )


def _snapshot_version(discovery: Discovery) -> str | None:
    """v1 whenever it is served (GA since 1.20, whatever the CRD lists first), else v1beta1,
    else what the server prefers."""
    group = discovery.group(SNAPSHOT)
    if group is None:
        return None
    return next((v for v in ("v1", "v1beta1") if v in group.versions), group.preferred)
