"""Dev-cluster storage controller for the local test cluster (not part of kubetui).

It plays, in one small process, what a real cluster gets from a CSI driver, external-provisioner
and external-snapshotter, so kubetui's snapshot workflow can be tested end to end:

* PVCs of a StorageClass whose provisioner is ``hostpath.csi.kubetui.local`` get a hostPath PV
  backed by a directory under ``<state>/volumes``; released PVs are deleted with their data.
* A VolumeSnapshot of such a PVC copies the PV's directory to ``<state>/snapshots``, creates the
  bound VolumeSnapshotContent and fills ``readyToUse``, ``restoreSize`` and ``creationTime``; a
  failure is reported in ``status.error``.
* A PVC whose ``dataSource`` is a ready VolumeSnapshot is provisioned with the snapshot's data.

It keeps watch-fed caches (LIST once, then WATCH) and reconciles whenever something changes.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import shutil
import sys
from pathlib import Path

import httpx
import kr8s.asyncio
from kubernetes.utils import parse_quantity

DRIVER = "hostpath.csi.kubetui.local"
SNAP = "snapshot.storage.k8s.io/v1"
log = logging.getLogger("storage-controller")


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Informer:
    """LIST then WATCH one resource across all namespaces, keeping a cache keyed by uid."""

    def __init__(self, api, version: str, plural: str, dirty: asyncio.Event):
        self.api, self.version, self.plural, self.dirty = api, version, plural, dirty
        self.items: dict[str, dict] = {}
        self.synced = asyncio.Event()

    async def run(self) -> None:
        while True:
            try:
                rv = await self._list()
                await self._watch(rv)
            except Exception as exc:  # noqa: BLE001 - a dev controller keeps going
                log.warning("%s: %s; relisting in 1s", self.plural, exc)
                await asyncio.sleep(1)

    async def _list(self) -> str:
        async with self.api.call_api("GET", version=self.version, url=self.plural) as r:
            body = r.json()
        self.items = {o["metadata"]["uid"]: o for o in body.get("items", [])}
        self.synced.set()
        self.dirty.set()
        return body["metadata"]["resourceVersion"]

    async def _watch(self, rv: str) -> None:
        while True:
            params = {"watch": "1", "resourceVersion": rv, "allowWatchBookmarks": "true",
                      "timeoutSeconds": "300"}
            async with self.api.call_api("GET", version=self.version, url=self.plural,
                                         params=params, stream=True,
                                         timeout=httpx.Timeout(None, connect=10)) as r:
                async for line in r.aiter_lines():
                    if not line:
                        continue
                    ev = json.loads(line)
                    obj = ev["object"]
                    if ev["type"] == "ERROR":
                        raise RuntimeError(obj.get("message", "watch error"))
                    rv = obj["metadata"]["resourceVersion"]
                    if ev["type"] == "BOOKMARK":
                        continue
                    if ev["type"] == "DELETED":
                        self.items.pop(obj["metadata"]["uid"], None)
                    else:
                        self.items[obj["metadata"]["uid"]] = obj
                    self.dirty.set()


class Controller:
    def __init__(self, api, state: Path):
        self.api, self.state = api, state
        self.volumes, self.snapshots = state / "volumes", state / "snapshots"
        self.dirty = asyncio.Event()
        self.pvcs = Informer(api, "v1", "persistentvolumeclaims", self.dirty)
        self.pvs = Informer(api, "v1", "persistentvolumes", self.dirty)
        self.classes = Informer(api, "storage.k8s.io/v1", "storageclasses", self.dirty)
        self.vss = Informer(api, SNAP, "volumesnapshots", self.dirty)
        self.vsclasses = Informer(api, SNAP, "volumesnapshotclasses", self.dirty)
        self.contents = Informer(api, SNAP, "volumesnapshotcontents", self.dirty)
        self.informers = [self.pvcs, self.pvs, self.classes, self.vss, self.vsclasses,
                          self.contents]
        self.failed: dict[str, str] = {}  # uid -> last error reported, to avoid event storms

    async def run(self) -> None:
        self.volumes.mkdir(parents=True, exist_ok=True)
        self.snapshots.mkdir(parents=True, exist_ok=True)
        tasks = [asyncio.create_task(i.run()) for i in self.informers]
        await asyncio.gather(*(i.synced.wait() for i in self.informers))
        log.info("caches synced; reconciling")
        while True:
            await self.dirty.wait()
            self.dirty.clear()
            try:
                await self.reconcile()
            except Exception:  # noqa: BLE001
                log.exception("reconcile failed")
            await asyncio.sleep(0.1)
        await asyncio.gather(*tasks)

    # -- helpers -------------------------------------------------------------------------------
    async def call(self, method: str, version: str, url: str, namespace=None, **kw):
        async with self.api.call_api(method, version=version, url=url, namespace=namespace,
                                     **kw) as r:
            return r.json()

    def ours(self, pvc: dict) -> bool:
        name = pvc["spec"].get("storageClassName")
        for sc in self.classes.items.values():
            if sc["metadata"]["name"] == name:
                return sc.get("provisioner") == DRIVER
        return False

    def pv_for(self, pvc: dict) -> dict | None:
        name = pvc["spec"].get("volumeName")
        return next((p for p in self.pvs.items.values() if p["metadata"]["name"] == name), None)

    def find(self, informer: Informer, name: str, namespace: str | None = None) -> dict | None:
        for o in informer.items.values():
            md = o["metadata"]
            if md["name"] == name and md.get("namespace") == namespace:
                return o
        return None

    async def event(self, obj: dict, kind: str, etype: str, reason: str, message: str) -> None:
        md = obj["metadata"]
        key = f"{md['uid']}/{reason}/{message}"
        if self.failed.get(md["uid"]) == key:
            return
        self.failed[md["uid"]] = key
        body = {
            "apiVersion": "v1", "kind": "Event",
            "metadata": {"generateName": f"{md['name']}.", "namespace": md.get("namespace")},
            "involvedObject": {"kind": kind, "name": md["name"], "namespace": md.get("namespace"),
                               "uid": md["uid"], "apiVersion": obj.get("apiVersion", "v1")},
            "reason": reason, "message": message, "type": etype,
            "firstTimestamp": now(), "lastTimestamp": now(), "count": 1,
            "source": {"component": "kubetui-local-storage"},
        }
        try:
            await self.call("POST", "v1", "events", namespace=md.get("namespace"), json=body)
        except Exception as exc:  # noqa: BLE001
            log.warning("event: %s", exc)

    # -- reconcile -----------------------------------------------------------------------------
    async def reconcile(self) -> None:
        for pvc in list(self.pvcs.items.values()):
            if pvc["status"].get("phase") == "Pending" and not pvc["spec"].get("volumeName"):
                if self.ours(pvc):
                    await self.provision(pvc)
        for pv in list(self.pvs.items.values()):
            ann = pv["metadata"].get("annotations", {})
            if (ann.get("pv.kubernetes.io/provisioned-by") == DRIVER
                    and pv["status"].get("phase") == "Released"
                    and pv["spec"].get("persistentVolumeReclaimPolicy") == "Delete"):
                await self.delete_volume(pv)
        for vs in list(self.vss.items.values()):
            if not vs.get("status", {}).get("boundVolumeSnapshotContentName"):
                await self.snapshot(vs)
        for content in list(self.contents.items.values()):
            ref = content["spec"]["volumeSnapshotRef"]
            if (content["spec"]["driver"] == DRIVER
                    and self.find(self.vss, ref["name"], ref.get("namespace")) is None
                    and content["spec"]["deletionPolicy"] == "Delete"):
                await self.delete_content(content)

    async def provision(self, pvc: dict) -> None:
        md, spec = pvc["metadata"], pvc["spec"]
        size = spec["resources"]["requests"]["storage"]
        pv_name = f"pvc-{md['uid']}"
        if any(p["metadata"]["name"] == pv_name for p in self.pvs.items.values()):
            return
        path = self.volumes / pv_name
        source = spec.get("dataSource") or {}
        if source.get("kind") == "VolumeSnapshot":
            vs = self.find(self.vss, source["name"], md["namespace"])
            ready = vs and vs.get("status", {}).get("readyToUse")
            if not ready:
                await self.event(pvc, "PersistentVolumeClaim", "Warning", "ProvisioningFailed",
                                 f"snapshot {source['name']} is not ready to use yet")
                return
            rsize = vs["status"].get("restoreSize") or "0"
            if parse_quantity(size) < parse_quantity(rsize):
                await self.event(pvc, "PersistentVolumeClaim", "Warning", "ProvisioningFailed",
                                 f"requested {size} is smaller than the snapshot's restoreSize "
                                 f"{rsize}")
                return
            content = vs["status"]["boundVolumeSnapshotContentName"]
            shutil.rmtree(path, ignore_errors=True)
            shutil.copytree(self.snapshots / content, path, symlinks=True)
        else:
            path.mkdir(parents=True, exist_ok=True)
        path.chmod(0o777)
        pv = {
            "apiVersion": "v1", "kind": "PersistentVolume",
            "metadata": {"name": pv_name,
                         "annotations": {"pv.kubernetes.io/provisioned-by": DRIVER}},
            "spec": {
                "capacity": {"storage": size},
                "accessModes": spec.get("accessModes", ["ReadWriteOnce"]),
                "persistentVolumeReclaimPolicy": "Delete",
                "storageClassName": spec.get("storageClassName"),
                "volumeMode": spec.get("volumeMode", "Filesystem"),
                "hostPath": {"path": str(path), "type": "Directory"},
                "claimRef": {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                             "name": md["name"], "namespace": md["namespace"], "uid": md["uid"],
                             "resourceVersion": md["resourceVersion"]},
            },
        }
        await self.call("POST", "v1", "persistentvolumes", json=pv)
        log.info("provisioned %s for %s/%s", pv_name, md["namespace"], md["name"])
        await self.event(pvc, "PersistentVolumeClaim", "Normal", "ProvisioningSucceeded",
                         f"Successfully provisioned volume {pv_name}")

    async def delete_volume(self, pv: dict) -> None:
        name = pv["metadata"]["name"]
        shutil.rmtree(self.volumes / name, ignore_errors=True)
        try:
            await self.call("DELETE", "v1", f"persistentvolumes/{name}")
            log.info("deleted released volume %s", name)
        except kr8s.NotFoundError:
            pass

    def snapshot_class(self, vs: dict) -> dict | None:
        wanted = vs["spec"].get("volumeSnapshotClassName")
        for c in self.vsclasses.items.values():
            if wanted and c["metadata"]["name"] == wanted:
                return c
            ann = c["metadata"].get("annotations", {})
            if (not wanted and c["driver"] == DRIVER
                    and ann.get("snapshot.storage.kubernetes.io/is-default-class") == "true"):
                return c
        return None

    async def set_vs_status(self, vs: dict, status: dict) -> None:
        md = vs["metadata"]
        await self.call("PATCH", SNAP, f"volumesnapshots/{md['name']}/status",
                        namespace=md["namespace"], json={"status": status},
                        headers={"Content-Type": "application/merge-patch+json"})

    async def snapshot_error(self, vs: dict, message: str) -> None:
        current = vs.get("status", {}).get("error", {}).get("message")
        if current != message:
            await self.set_vs_status(vs, {"readyToUse": False,
                                          "error": {"message": message, "time": now()}})
            await self.event(vs, "VolumeSnapshot", "Warning", "SnapshotFailed", message)

    async def snapshot(self, vs: dict) -> None:
        md = vs["metadata"]
        pvc_name = vs["spec"]["source"].get("persistentVolumeClaimName")
        if not pvc_name:
            return  # pre-provisioned contents are not served by this driver
        cls = self.snapshot_class(vs)
        if cls is None or cls["driver"] != DRIVER:
            return  # another driver's snapshot, or no class: leave it for that driver
        pvc = self.find(self.pvcs, pvc_name, md["namespace"])
        if pvc is None:
            await self.snapshot_error(vs, f"PersistentVolumeClaim {pvc_name} not found")
            return
        pv = self.pv_for(pvc)
        if pv is None or pvc["status"].get("phase") != "Bound":
            await self.snapshot_error(vs, f"PersistentVolumeClaim {pvc_name} is not bound yet")
            return
        content_name = f"snapcontent-{md['uid']}"
        src = Path(pv["spec"]["hostPath"]["path"])
        dst = self.snapshots / content_name
        try:
            shutil.rmtree(dst, ignore_errors=True)
            shutil.copytree(src, dst, symlinks=True)
        except OSError as exc:
            await self.snapshot_error(vs, f"copying volume data failed: {exc}")
            return
        size_q = pvc["status"].get("capacity", {}).get("storage") or \
            pvc["spec"]["resources"]["requests"]["storage"]
        size = int(parse_quantity(size_q))
        created = dt.datetime.now(dt.UTC)
        content = {
            "apiVersion": SNAP, "kind": "VolumeSnapshotContent",
            "metadata": {"name": content_name},
            "spec": {
                "deletionPolicy": cls["deletionPolicy"], "driver": DRIVER,
                "volumeSnapshotClassName": cls["metadata"]["name"],
                "source": {"volumeHandle": pv["metadata"]["name"]},
                "volumeSnapshotRef": {"apiVersion": SNAP, "kind": "VolumeSnapshot",
                                      "name": md["name"], "namespace": md["namespace"],
                                      "uid": md["uid"]},
            },
        }
        if self.find(self.contents, content_name) is None:
            await self.call("POST", SNAP, "volumesnapshotcontents", json=content)
        await self.call("PATCH", SNAP, f"volumesnapshotcontents/{content_name}/status",
                        json={"status": {"snapshotHandle": content_name, "readyToUse": True,
                                         "restoreSize": size,
                                         "creationTime": int(created.timestamp() * 1e9)}},
                        headers={"Content-Type": "application/merge-patch+json"})
        await self.set_vs_status(vs, {"boundVolumeSnapshotContentName": content_name,
                                      "readyToUse": True, "restoreSize": size_q,
                                      "creationTime": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                      "error": None})
        log.info("snapshot %s/%s ready (%s)", md["namespace"], md["name"], content_name)

    async def delete_content(self, content: dict) -> None:
        name = content["metadata"]["name"]
        shutil.rmtree(self.snapshots / name, ignore_errors=True)
        try:
            await self.call("DELETE", SNAP, f"volumesnapshotcontents/{name}")
            log.info("deleted snapshot content %s", name)
        except kr8s.NotFoundError:
            pass


async def amain(args: argparse.Namespace) -> None:
    api = await kr8s.asyncio.api(kubeconfig=args.kubeconfig)
    await Controller(api, Path(args.state)).run()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kubeconfig", required=True)
    parser.add_argument("--state", required=True, help="directory for volume and snapshot data")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    asyncio.run(amain(args))


if __name__ == "__main__":
    main()
