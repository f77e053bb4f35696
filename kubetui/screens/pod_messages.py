"""What the pod detail's workers tell it: the pod read, or why not."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from kubetui.k8s.core.pod_detail import PodDetail
from kubetui.k8s.transport.errors import KubeError


@dataclass
class PodLoaded(Message):
    detail: PodDetail


@dataclass
class PodLoadFailed(Message):
    error: KubeError
