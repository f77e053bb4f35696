# shellcheck shell=bash
# Cluster add-ons (snapshot CRDs, the dev storage controller) and the demo seed.

VENV=${KUBETUI_VENV:-$REPO_ROOT/.venv}
DEMO_NS=kubetui-demo

# The project's virtualenv: the dev storage controller and the load generator run on it.
ensure_python() {
  if [[ -x $VENV/bin/python ]] && "$VENV/bin/python" -c 'import kr8s, kubetui' 2>/dev/null; then
    return 0
  fi
  step "creating the project virtualenv ($VENV)"
  python3 -m venv "$VENV" >>"$LOG_DIR/pip.log" 2>&1 || fail "python3 -m venv failed" "$LOG_DIR/pip.log"
  "$VENV/bin/pip" install -q -e "$REPO_ROOT[dev]" >>"$LOG_DIR/pip.log" 2>&1 ||
    fail "pip install of the project failed" "$LOG_DIR/pip.log"
}

install_addons() {
  step "installing VolumeSnapshot CRDs and the local StorageClass"
  kc apply -f "$REPO_ROOT/hack/manifests/snapshot-crds.yaml" >>"$LOG_DIR/addons.log" 2>&1 ||
    fail "applying the snapshot CRDs failed" "$LOG_DIR/addons.log"
  wait_for "the VolumeSnapshot CRDs" 30 "$LOG_DIR/addons.log" \
    kc wait --for=condition=Established --timeout=5s \
    crd/volumesnapshots.snapshot.storage.k8s.io crd/volumesnapshotclasses.snapshot.storage.k8s.io \
    crd/volumesnapshotcontents.snapshot.storage.k8s.io
  wait_for "the VolumeSnapshotClass kind" 30 "$LOG_DIR/addons.log" \
    kc apply -f "$REPO_ROOT/hack/manifests/storage.yaml"
  start storage-controller "$VENV/bin/python" "$REPO_ROOT/hack/storage_controller.py" \
    --kubeconfig "$(admin_kubeconfig)" --state "$STATE_DIR/storage"
  wait_for "the storage controller" 30 "$LOG_DIR/storage-controller.log" \
    grep -q "caches synced" "$LOG_DIR/storage-controller.log"
}

# seed [--no-load]: the demo's realistic trouble, idempotent.
seed() {
  [[ -f $(admin_kubeconfig) ]] && kc get --raw /readyz >/dev/null 2>&1 ||
    fail "the local cluster is not up: run hack/localcluster.sh up" ""
  step "seeding namespace $DEMO_NS"
  kc apply -f "$REPO_ROOT/hack/manifests/demo.yaml" >>"$LOG_DIR/seed.log" 2>&1 ||
    fail "applying the demo manifests failed" "$LOG_DIR/seed.log"
  kc apply -f "$REPO_ROOT/hack/manifests/apf-demo.yaml" >>"$LOG_DIR/seed.log" 2>&1 ||
    fail "applying the APF demo objects failed" "$LOG_DIR/seed.log"
  seed_workloads
  if [[ ${1:-} != --no-load ]]; then
    start_apf_load "${KUBETUI_APF_LOAD_SECONDS:-900}"
  fi
  step "seeded; see: kubectl --kubeconfig $(admin_kubeconfig) -n $DEMO_NS get pods"
}

# Workloads, Services, a Job, a CronJob, config and a CRD; checkout rolled to a missing image
# (revision 2, stuck) once revision 1 exists, so there is a revision to go back to.
seed_workloads() {
  local log="$LOG_DIR/seed.log"
  kc apply -f "$REPO_ROOT/hack/manifests/workloads.yaml" >>"$log" 2>&1 ||
    fail "applying the demo workloads failed" "$log"
  kc wait --for=condition=Established --timeout=60s crd/backups.demo.kubetui.local >>"$log" 2>&1 &&
    kc apply -f "$REPO_ROOT/hack/manifests/backups.yaml" >>"$log" 2>&1 ||
    fail "applying the demo backups failed" "$log"
  kc -n "$DEMO_NS" get deployment checkout >/dev/null 2>&1 && return 0
  kc apply -f "$REPO_ROOT/hack/manifests/checkout.yaml" >>"$log" 2>&1 &&
    kc -n "$DEMO_NS" rollout status deployment/checkout --timeout=90s >>"$log" 2>&1 &&
    kc -n "$DEMO_NS" set image deployment/checkout app=kubetui.local/checkout:2.0 >>"$log" 2>&1 ||
    fail "the checkout deployment (revision 1, then the broken revision 2) failed" "$log"
}

# Bounded background load as the demo user, so the tight priority level queues and rejects.
start_apf_load() {
  local seconds=$1
  stop_process apf-load
  start apf-load "$VENV/bin/python" "$REPO_ROOT/hack/apf_load.py" \
    --kubeconfig "$CFG_DIR/demo-user.kubeconfig" --seconds "$seconds" --burst 30 --interval 1
}
