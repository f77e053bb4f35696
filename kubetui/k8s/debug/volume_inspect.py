"""A throwaway pod that mounts a claim read-only, to look inside a restored copy (pure builder).

It is a debug pod like the others (labelled ``managed-by: kubetui-debug``, deleted with a 1 s
grace period when the session ends or kubetui quits), so it travels the debug session's path:
created through the confirm screen, followed until it runs, attached with a shell. The claim is
mounted at ``/data`` with ``readOnly: true``: nothing in the pod can change the copy.
"""

from __future__ import annotations

import shlex
from urllib.parse import quote

import yaml

from kubetui.k8s.debug.inputs import _token, check_image
from kubetui.k8s.debug.plans import MANAGED_BY, DebugPlan
from kubetui.k8s.transport.writes import Write

INSPECT = "inspect"  # the DebugPlan mode of such a pod
MOUNT = "/data"


def inspect_pod_name(pvc: str, token=_token) -> str:
    return f"inspect-{pvc[:40].rstrip('-.')}-{token()}"


def plan_inspect(namespace: str, pvc: str, image: str, token=_token) -> DebugPlan:
    image = check_image(image)
    name = inspect_pod_name(pvc, token)
    body = {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": namespace,
                         "labels": {MANAGED_BY[0]: MANAGED_BY[1]}},
            "spec": {"restartPolicy": "Never", "terminationGracePeriodSeconds": 1,
                     "containers": [{"name": "inspect", "image": image,
                                     "imagePullPolicy": "IfNotPresent",
                                     "command": ["sh"], "stdin": True, "tty": True,
                                     "workingDir": MOUNT,
                                     "volumeMounts": [{"name": "data", "mountPath": MOUNT,
                                                       "readOnly": True}]}],
                     "volumes": [{"name": "data", "persistentVolumeClaim": {
                         "claimName": pvc, "readOnly": True}}]}}
    path = f"/api/v1/namespaces/{quote(namespace)}/pods"
    write = Write("POST", path, body, f"create pod {name} (mounts {pvc} read-only)",
                  f"{path}/{quote(name)}", lambda obj: obj is not None)
    manifest = yaml.safe_dump(body, sort_keys=False)
    kubectl = (f"kubectl create -f - <<'EOF'\n{manifest}EOF\n"
               + shlex.join(["kubectl", "attach", "-it", "-n", namespace, name, "-c",
                             "inspect"]))
    return DebugPlan(INSPECT, namespace, name, "inspect", write, kubectl, creates=(name,),
                     body_container=body["spec"]["containers"][0])
