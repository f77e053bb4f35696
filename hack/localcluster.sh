#!/usr/bin/env bash
# A real single-node Kubernetes v1.20.2 on this machine, built from Debian's packages.
#
#   hack/localcluster.sh up       install, build (cached), start everything, wait for a Ready node
#   hack/localcluster.sh seed     create the demo scenarios (namespace kubetui-demo)
#   hack/localcluster.sh down     stop everything this script started; keeps state for the next up
#   hack/localcluster.sh status   which processes run, node and API health
#   hack/localcluster.sh env      the KUBECONFIG line to use
#   hack/localcluster.sh logs [NAME]  list logs, or follow one (etcd, kube-apiserver, kubelet, ...)
#   hack/localcluster.sh reset    down, then delete the state directory (not the binary cache)
#
# Everything listens on 127.0.0.1 only. State (PKI, etcd data, logs) lives in .localcluster/;
# built binaries and images are cached in ~/.cache/kubetui/k8s-v1.20.2/.
set -euo pipefail

HACK_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/common.sh
source "$HACK_DIR/lib/common.sh"
# shellcheck source=lib/build.sh
source "$HACK_DIR/lib/build.sh"
# shellcheck source=lib/pki.sh
source "$HACK_DIR/lib/pki.sh"
# shellcheck source=lib/images.sh
source "$HACK_DIR/lib/images.sh"
# shellcheck source=lib/procs.sh
source "$HACK_DIR/lib/procs.sh"
# shellcheck source=lib/addons.sh
source "$HACK_DIR/lib/addons.sh"

cmd_up() {
  local t0=$SECONDS
  install_packages "${RUNTIME_PACKAGES[@]}"
  build_kubernetes
  fetch_kubectl
  build_images
  ensure_python
  make_pki
  start_etcd
  start_apiserver
  start_controllers
  start_node
  step "waiting for the node to be Ready"
  wait_for "node Ready" 120 "$LOG_DIR/kubelet.log" node_ready
  install_addons
  smoke_pod
  step "cluster is up in $((SECONDS - t0))s"
  cmd_env
}

node_ready() {
  [[ $(kc get node localhost -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' \
    2>/dev/null) == True ]]
}

# A pod that really runs proves the whole node path: scheduler, kubelet, containerd, runc, CNI.
SMOKE_POD=kubetui-smoke-$$
smoke_pod() {
  wait_for "the default ServiceAccount" 60 "$LOG_DIR/kube-controller-manager.log" \
    kc -n default get serviceaccount default
  kc -n default run "$SMOKE_POD" --image=busybox:1.35 --image-pull-policy=IfNotPresent \
    --restart=Never --command -- sh -c 'echo smoke ok' >/dev/null ||
    fail "creating the smoke-test pod failed" "$LOG_DIR/kube-apiserver.log"
  step "waiting for a test pod to run"
  wait_for "the smoke-test pod" 90 "$LOG_DIR/kubelet.log" smoke_ran
  kc -n default delete pod "$SMOKE_POD" --wait=false >/dev/null 2>&1 || true
}

smoke_ran() {
  [[ $(kc -n default logs "$SMOKE_POD" 2>/dev/null) == "smoke ok" ]]
}

cmd_down() {
  local name
  for name in "${PROCESSES[@]}" apf-load; do
    if [[ $name == containerd ]]; then
      kill_pod_processes
    fi
    if running "$name"; then step "stopping $name"; fi
    stop_process "$name"
  done
  kill_pod_processes
  step "stopped"
}

cmd_status() {
  local name rc=0
  for name in etcd kube-apiserver kube-controller-manager kube-scheduler containerd kubelet \
    storage-controller apf-load; do
    if pid=$(pid_of "$name"); then
      printf '%-24s running (pid %s)\n' "$name" "$pid"
    else
      printf '%-24s stopped\n' "$name"
      [[ $name == apf-load ]] || rc=1
    fi
  done
  if [[ -x $CACHE_DIR/bin/kubectl && -f $(admin_kubeconfig) ]]; then
    kc get --raw /readyz >/dev/null 2>&1 && echo "apiserver: ready" || echo "apiserver: not ready"
    node_ready && echo "node: Ready" || echo "node: not Ready"
  fi
  return $rc
}

cmd_env() {
  echo "export KUBECONFIG=$(admin_kubeconfig)"
}

cmd_logs() {
  if [[ -z ${1:-} ]]; then
    ls -1 "$LOG_DIR"
  else
    tail -n 100 -F "$LOG_DIR/$1.log"
  fi
}

cmd_reset() {
  cmd_down
  step "deleting $STATE_DIR"
  rm -rf "$STATE_DIR"
}

case ${1:-} in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) cmd_env ;;
  logs) cmd_logs "${2:-}" ;;
  seed) seed "${@:2}" ;;
  reset) cmd_reset ;;
  *)
    sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
