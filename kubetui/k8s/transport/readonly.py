"""What ``--readonly`` lets through ``Cluster._send``: reads, and the two access reviews
(creates that only ask the server about the caller's own rights)."""

from __future__ import annotations

READ_ONLY = "ReadOnly"  # KubeError.reason of a request refused because of --readonly

#: Creates that change nothing: the server answers a question about the caller's own rights.
ACCESS_REVIEWS = ("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
                  "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")


#: GETs that open a stream into a pod: a command run in it, input to its main process, or a
#: connection to one of its ports (a port-forward, and the probe runner's tcpSocket check,
#: which rides one): each can change what runs there.
_STREAMS_THAT_WRITE = ("/exec", "/attach", "/portforward")


def is_read(method: str, path: str) -> bool:
    if method in ("GET", "HEAD"):
        return not path.endswith(_STREAMS_THAT_WRITE)
    return method == "POST" and path in ACCESS_REVIEWS
