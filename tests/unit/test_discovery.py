"""Discovery picks API shapes from the server's answers (1.20 recorded live; 1.30 GKE-shaped)."""

import json
from pathlib import Path

import pytest

from kubetui.k8s.transport.discovery import Discovery, ServerVersion, capabilities

FIXTURES = Path(__file__).parent.parent / "fixtures"


def load(version: str) -> tuple[ServerVersion, Discovery]:
    d = FIXTURES / f"k8s-{version}"
    sv = ServerVersion.from_json(json.loads((d / "version.json").read_text()))
    disc = Discovery.from_json(json.loads((d / "api.json").read_text()),
                               json.loads((d / "apis.json").read_text()))
    return sv, disc


def test_local_1_20_shapes():
    sv, disc = load("1.20")
    assert (sv.major, sv.minor) == (1, 20)
    caps = capabilities(sv, disc)
    assert caps.flowcontrol_version == "v1beta1"
    assert caps.flowcontrol_shares_field == "assuredConcurrencyShares"
    assert caps.ephemeral_containers == "EphemeralContainers"
    assert caps.events_group_version == "events.k8s.io/v1"
    assert caps.snapshot_version == "v1"


def test_1_30_shapes_with_vendor_minor():
    sv, disc = load("1.30")
    assert (sv.major, sv.minor) == (1, 30)
    assert str(sv) == "v1.30.5-gke.1014001"
    caps = capabilities(sv, disc)
    assert caps.flowcontrol_version == "v1"
    assert caps.flowcontrol_shares_field == "nominalConcurrencyShares"
    assert caps.ephemeral_containers == "Pod"


def test_missing_groups_mean_unsupported():
    sv = ServerVersion.from_json({"major": "1", "minor": "15", "gitVersion": "v1.15.0"})
    disc = Discovery.from_json({"versions": ["v1"]}, {"groups": []})
    caps = capabilities(sv, disc)
    assert caps.flowcontrol_version is None
    assert caps.snapshot_version is None
    assert caps.events_group_version == "v1"
    assert caps.ephemeral_containers is None


@pytest.mark.parametrize("data,expected", [
    ({"major": "1", "minor": "28"}, (1, 28)),
    ({"major": "", "minor": "", "gitVersion": "v1.33.1+k3s1"}, (1, 33)),
    ({}, (0, 0)),
    ({"major": "1", "minor": "27+"}, (1, 27)),
])
def test_version_parsing_tolerates_vendors(data, expected):
    sv = ServerVersion.from_json(data)
    assert (sv.major, sv.minor) == expected


def test_version_ordering():
    assert ServerVersion(1, 22).at_least(1, 22)
    assert not ServerVersion(1, 21).at_least(1, 22)
    assert ServerVersion(2, 0).at_least(1, 35)


def test_snapshot_api_v1_preferred_v1beta1_fallback():
    sv = ServerVersion.from_json({"major": "1", "minor": "19", "gitVersion": "v1.19.0"})
    group = {"name": "snapshot.storage.k8s.io",
             "versions": [{"groupVersion": "snapshot.storage.k8s.io/v1beta1",
                           "version": "v1beta1"}],
             "preferredVersion": {"groupVersion": "snapshot.storage.k8s.io/v1beta1",
                                  "version": "v1beta1"}}
    old = Discovery.from_json({"versions": ["v1"]}, {"groups": [group]})
    assert capabilities(sv, old).snapshot_version == "v1beta1"
    both = dict(group, versions=[{"groupVersion": "snapshot.storage.k8s.io/v1",
                                  "version": "v1"}, *group["versions"]],
                preferredVersion={"groupVersion": "snapshot.storage.k8s.io/v1beta1",
                                  "version": "v1beta1"})  # v1 served: v1 is used
    assert capabilities(sv, Discovery.from_json({"versions": ["v1"]},
                                                {"groups": [both]})).snapshot_version == "v1"
