"""Every kind the server serves, and kubectl's names for them (``:deploy``, ``:sts``, ``:cm``).

The catalog is built from discovery: the aggregated document of 1.26+ servers (one answer for
every group, ``discover.py`` asks for it by content type) or, on older servers, one
``APIResourceList`` per group version. It is pure data: building and resolving are unit-tested
on recorded documents.

Resolution follows kubectl: a name is a plural, a singular, a short name or the kind, in any
case, optionally qualified by its group (``deployments.apps``, ``deploy.apps``) or by version
and group (``deployments.v1.apps``). When a bare name is served by several groups, the
one first in discovery order wins, as kubectl's priority mapper does (core ``events`` over
``events.k8s.io``), and the others are named so the user knows how to reach them; when every
match is a custom resource the name is ambiguous and the choices are listed instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

LIST_VERBS = frozenset({"list", "watch"})


@dataclass(frozen=True)
class Kind:
    group: str  # "" for the core group
    version: str
    kind: str  # "Deployment"
    plural: str  # "deployments"
    singular: str = ""
    short_names: tuple[str, ...] = ()
    namespaced: bool = True
    verbs: frozenset[str] = frozenset()
    categories: tuple[str, ...] = ()
    builtin: bool = True  # False: a group that is neither core nor *.k8s.io (a CRD's, usually)

    @property
    def group_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def qualified(self) -> str:
        """kubectl's unambiguous spelling: ``deployments.apps``, ``pods``."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def listable(self) -> bool:
        return LIST_VERBS <= self.verbs

    def names(self) -> tuple[str, ...]:
        """Every bare name that means this kind, lower case."""
        return tuple(dict.fromkeys(n.lower() for n in (
            self.plural, self.singular or self.kind, self.kind, *self.short_names) if n))


@dataclass(frozen=True)
class Resolved:
    """A name looked up: the kind, or why not (``error``); ``others``: the same name in other
    groups, spelled so that each can be typed."""

    kind: Kind | None
    error: str = ""
    others: tuple[str, ...] = ()


def _builtin(group: str) -> bool:
    return group == "" or "." not in group or group.endswith(".k8s.io")


def kind_of(group: str, version: str, resource: dict) -> Kind | None:
    """One ``APIResource`` (or an aggregated ``APIResourceDiscovery``); None for subresources
    (``pods/log``) and entries without a name."""
    plural = str(resource.get("name") or resource.get("resource") or "")
    if not plural or "/" in plural:
        return None
    kind = str(resource.get("kind") or (resource.get("responseKind") or {}).get("kind") or "")
    if "namespaced" in resource:
        namespaced = bool(resource.get("namespaced"))
    else:
        namespaced = resource.get("scope") != "Cluster"
    return Kind(group=group, version=version, kind=kind, plural=plural,
                singular=str(resource.get("singularName") or resource.get("singularResource")
                             or ""),
                short_names=tuple(str(s) for s in resource.get("shortNames") or ()),
                namespaced=namespaced,
                verbs=frozenset(str(v) for v in resource.get("verbs") or ()),
                categories=tuple(str(c) for c in resource.get("categories") or ()),
                builtin=_builtin(group))


class Catalog:
    """The kinds, one per (group, plural): the group's preferred version where it serves the
    kind, else the first version that does. Order: discovery's (core first)."""

    def __init__(self, kinds: Iterable[Kind], unavailable: Iterable[str] = ()) -> None:
        seen: dict[tuple[str, str], Kind] = {}
        for kind in kinds:
            seen.setdefault((kind.group, kind.plural), kind)
        self.kinds: tuple[Kind, ...] = tuple(seen.values())
        # group versions whose discovery failed (an aggregated API that is down): said, not fatal
        self.unavailable: tuple[str, ...] = tuple(unavailable)
        self._by_name: dict[str, list[Kind]] = {}
        for kind in self.kinds:
            for name in kind.names():
                self._by_name.setdefault(name, []).append(kind)

    @classmethod
    def from_resource_lists(cls, lists: Iterable[tuple[str, str, dict]],
                            unavailable: Iterable[str] = ()) -> Catalog:
        """``(group, version, APIResourceList)`` in preference order: for each group, its
        preferred version first."""
        return cls((kind for group, version, body in lists
                    for resource in body.get("resources") or ()
                    if (kind := kind_of(group, version, resource)) is not None), unavailable)

    @classmethod
    def from_aggregated(cls, *documents: dict) -> Catalog:
        """``APIGroupDiscoveryList`` documents (``/api`` then ``/apis``); each group's versions
        come in preference order. Versions marked ``Stale`` (an aggregated API server that did
        not answer) are left out and named in ``unavailable``."""
        kinds: list[Kind] = []
        unavailable: list[str] = []
        for document in documents:
            for group in document.get("items") or ():
                name = str((group.get("metadata") or {}).get("name") or "")
                for version in group.get("versions") or ():
                    v = str(version.get("version") or "")
                    if version.get("freshness") == "Stale":
                        unavailable.append(f"{name}/{v}" if name else v)
                        continue
                    for resource in version.get("resources") or ():
                        kind = kind_of(name, v, resource)
                        if kind is not None:
                            kinds.append(kind)
        return cls(kinds, unavailable)

    # -- names ---------------------------------------------------------------------------------
    def resolve(self, text: str) -> Resolved:
        name = text.strip().lower()
        if not name:
            return Resolved(None, "type a kind: deploy, svc, cm, or any resource's name")
        matches = self._by_name.get(name)
        if matches is None and "." in name:
            matches = self._qualified(name)
        if not matches:
            return Resolved(None, f"the server has no resource type '{text.strip()}'"
                            + self._hint(name))
        builtin = [k for k in matches if k.builtin]
        if len({k.group for k in matches}) > 1 and not builtin:
            return Resolved(None, f"'{text.strip()}' is ambiguous: "
                            + ", ".join(k.qualified for k in matches))
        chosen = (builtin or matches)[0]
        others = tuple(k.qualified for k in matches if k is not chosen)
        return Resolved(chosen, others=others)

    def _qualified(self, name: str) -> list[Kind]:
        """``resource.group`` or ``resource.version.group``."""
        found = []
        for kind in self.kinds:
            for spelled in kind.names():
                if name in (f"{spelled}.{kind.group}", f"{spelled}.{kind.version}.{kind.group}"):
                    found.append(kind)
                    break
        return found

    def _hint(self, name: str) -> str:
        near = [n for n in self.completions() if n.startswith(name[:3])][:4] if name else []
        return f" (did you mean {', '.join(near)}?)" if near else ""

    def completions(self) -> list[str]:
        """What ``:`` offers: each listable kind's plural and short names, then the qualified
        spellings of kinds whose plural another group also serves."""
        out: dict[str, None] = {}
        plurals: dict[str, int] = {}
        for kind in self.kinds:
            plurals[kind.plural] = plurals.get(kind.plural, 0) + 1
        for kind in self.kinds:
            if not kind.listable:
                continue
            out[kind.plural] = None
            for short in kind.short_names:
                out[short.lower()] = None
            if plurals[kind.plural] > 1:
                out[kind.qualified] = None
        return list(out)

    def find(self, group: str, plural: str) -> Kind | None:
        return next((k for k in self.kinds if k.group == group and k.plural == plural), None)

    def of_kind(self, group: str, kind: str) -> Kind | None:
        """The resource of a ``kind`` in ``group`` (an owner reference names the kind)."""
        return next((k for k in self.kinds if k.group == group and k.kind == kind), None)
