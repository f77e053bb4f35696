"""The server's dry run refuses, the confirm says so, and nothing is written: a pod delete whose
right was revoked after kubetui reviewed the user's rights (RBAC, 403), and a CronJob run now
that a ResourceQuota on Jobs refuses. Answering no leaves the server as it was; the audit log
holds only the dry runs."""

from __future__ import annotations

import base64
from pathlib import Path

from kubetui.screens.confirm import ConfirmScreen
from kubetui.screens.fix_forms import DeletePodsForm
from kubetui.screens.kind_view import KindScreen
from tests.conftest import LocalCluster
from tests.ui.conftest import confirming, make_app, showing, until
from tests.ui.test_fix_more import cronjob, now, sleeper, texts, writes
from tests.ui.test_kind_views import open_kind


def deleter(c: LocalCluster, ns: str, tmp_path: Path) -> Path:
    """A user who may read pods (one binding) and delete them (another, revoked later)."""
    c.kubectl("-n", ns, "create", "serviceaccount", "oncall")
    c.kubectl("-n", ns, "create", "role", "read", "--verb=get,list,watch",
              "--resource=pods,events")
    c.kubectl("-n", ns, "create", "role", "delete", "--verb=delete", "--resource=pods")
    for role in ("read", "delete"):
        c.kubectl("-n", ns, "create", "rolebinding", f"oncall-{role}", f"--role={role}",
                  f"--serviceaccount={ns}:oncall")
    secret = c.wait_for(lambda: (c.get_json("-n", ns, "sa", "oncall").get("secrets") or
                                 [{}])[0].get("name"), timeout=30, what="the token secret")
    token = base64.b64decode(c.get_json("-n", ns, "secret", secret)["data"]["token"]).decode()
    return c.user_kubeconfig(tmp_path / "kubeconfig", "oncall", {"token": token}, ns)


async def refused(pilot, title: str) -> dict[str, str]:
    """The confirm of a refused dry run, answered no."""
    app = pilot.app
    await until(pilot, lambda: confirming(app), timeout=20,
                what=f"confirm {title}")
    shown = texts(app.screen)
    assert shown["confirm-title"] == f"{title} The server refuses it.", shown["confirm-title"]
    await pilot.press("n")
    await until(pilot, lambda: not isinstance(app.screen, ConfirmScreen), what="answered no")
    return shown


async def test_a_delete_rbac_no_longer_allows_is_refused_at_the_dry_run(
        local_cluster: LocalCluster, namespace: str, tmp_path: Path):
    c = local_cluster
    kubeconfig = deleter(c, namespace, tmp_path)
    c.kubectl("-n", namespace, "create", "-f", "-", input=sleeper("stuck"))
    since = now()
    app = await make_app(kubeconfig)
    async with app.run_test(size=(120, 40)) as pilot:
        pods = app.screen.pods
        await until(pilot, lambda: len(pods.table.rows) == 1, what="the pod")
        await until(pilot, lambda: namespace in app.access, what="the rights review")
        # the rights change after kubetui read them: ctrl+d is still offered
        c.kubectl("-n", namespace, "delete", "rolebinding", "oncall-delete")
        c.wait_for(lambda: c.kubectl("auth", "can-i", "delete", "pods", "-n", namespace,
                                     f"--as=system:serviceaccount:{namespace}:oncall",
                                     check=False).stdout.strip() == "no",
                   timeout=20, what="the right revoked")
        pods.table.focus()
        await pilot.press("ctrl+d")
        await until(pilot, lambda: showing(app, DeletePodsForm), what="the form")
        await pilot.press("ctrl+s")
        shown = await refused(pilot, f"Delete pod {namespace}/stuck?")
        assert f"delete pod {namespace}/stuck: REFUSED: forbidden by RBAC" in \
            shown["confirm-dry-run"]
        assert 'cannot delete resource "pods"' in shown["confirm-dry-run"]
        await pilot.pause(0.5)
        assert [r.name for r in pods.table.rows.values()] == ["stuck"]
        assert not app.unexpected_errors
    await app.cluster.close()
    pod = c.get_json("-n", namespace, "pod/stuck")
    assert "deletionTimestamp" not in pod["metadata"]
    assert writes(c, since, namespace, "pods") == [("delete", True)]  # the dry run alone


async def test_a_cronjob_run_a_quota_refuses_is_refused_at_the_dry_run(
        local_cluster: LocalCluster, namespace: str):
    c = local_cluster
    c.kubectl("-n", namespace, "create", "-f", "-", input=cronjob("nightly"))
    c.kubectl("-n", namespace, "create", "quota", "no-more-jobs", "--hard=count/jobs.batch=0")
    c.wait_for(lambda: c.get_json("-n", namespace, "quota/no-more-jobs").get("status", {})
               .get("used") is not None, timeout=30, what="the quota's status")
    since = now()
    app = await make_app(c.kubeconfig, namespace=namespace)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_kind(pilot, "cj")
        await pilot.press("t")
        shown = await refused(pilot, "Run cronjob nightly now?")
        assert "exceeded quota: no-more-jobs" in shown["confirm-dry-run"]
        assert isinstance(app.screen, KindScreen)
        assert not app.unexpected_errors
    await app.cluster.close()
    assert not c.get_json("-n", namespace, "jobs")["items"]
    assert writes(c, since, namespace, "jobs") == [("create", True)]
