"""Where a followed rollout stands: complete, stalled or rolling, in the ROLLOUT column's words;
and how long it is followed."""

import pytest

from kubetui.k8s.fixes.rollout_watch import (
    COMPLETE,
    ROLLING,
    STALLED,
    follow_seconds,
    rollout_state,
)


def deployment(generation=2, observed=2, replicas=3, updated=3, available=3, total=3,
               reason="NewReplicaSetAvailable", deadline=None):
    spec = {"replicas": replicas}
    if deadline is not None:
        spec["progressDeadlineSeconds"] = deadline
    return {"metadata": {"name": "web", "generation": generation},
            "spec": spec,
            "status": {"observedGeneration": observed, "replicas": total,
                       "updatedReplicas": updated, "availableReplicas": available,
                       "conditions": [{"type": "Progressing", "status": "True",
                                       "reason": reason}]}}


@pytest.mark.parametrize("kind,obj,verdict,words", [
    ("Deployment", deployment(), COMPLETE, "complete"),
    # the write not seen yet
    ("Deployment", deployment(observed=1), ROLLING, "waiting for the controller"),
    ("Deployment", deployment(updated=1, total=4), ROLLING, "rolling: 1/3 updated"),
    ("Deployment", deployment(total=4), ROLLING, "rolling: 1 old terminating"),
    ("Deployment", deployment(updated=1, available=2, reason="ProgressDeadlineExceeded"),
     STALLED, "stalled: 1/3 updated, 2 available (ProgressDeadlineExceeded)"),
    ("StatefulSet", {"metadata": {"generation": 1},
      "spec": {"replicas": 2}, "status": {"observedGeneration": 1, "updatedReplicas": 2,
                                          "readyReplicas": 2, "currentRevision": "a",
                                          "updateRevision": "a"}}, COMPLETE, "complete"),
    ("DaemonSet", {"metadata": {"generation": 3},
      "status": {"observedGeneration": 3, "desiredNumberScheduled": 2,
                 "updatedNumberScheduled": 1, "numberAvailable": 2}},
     ROLLING, "rolling: 1/2 updated"),
])
def test_the_rollout_in_kubectl_rollout_status_words(kind, obj, verdict, words):
    state = rollout_state(kind, obj)  # as a watch delivers it: no kind in the object
    assert (state.verdict, state.words) == (verdict, words)


def test_a_kind_without_a_rollout_is_refused():
    with pytest.raises(ValueError, match="no rollout to follow for a Job"):
        rollout_state("Job", {})


def test_followed_until_the_deployment_deadline_and_a_minute_or_ten_minutes():
    assert follow_seconds("Deployment", deployment()) == 660  # the 600 s default, plus 60
    assert follow_seconds("Deployment", deployment(deadline=30)) == 90
    assert follow_seconds("StatefulSet", {}) == 600
