# shellcheck shell=bash
# Paths, ports and reporting shared by the local-cluster scripts.

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STATE_DIR=${KUBETUI_CLUSTER_DIR:-$REPO_ROOT/.localcluster}
CACHE_DIR=${KUBETUI_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kubetui/k8s-v1.20.2}
LOG_DIR=$STATE_DIR/logs
RUN_DIR=$STATE_DIR/run
PKI_DIR=$STATE_DIR/pki
CFG_DIR=$STATE_DIR/config

# Non-default ports so this cluster can live beside another one on the same host.
ETCD_CLIENT_PORT=${KUBETUI_ETCD_PORT:-23790}
ETCD_PEER_PORT=$((ETCD_CLIENT_PORT + 10))
APISERVER_PORT=${KUBETUI_APISERVER_PORT:-16443}
KUBELET_PORT=10350
KUBELET_HEALTHZ_PORT=10348
KCM_PORT=10357
SCHED_PORT=10359
SERVICE_CIDR=10.213.0.0/24
POD_CIDR=10.214.0.0/24
CNI_BRIDGE=kubetui0
CGROUP_ROOT=/kubetui

mkdir -p "$LOG_DIR" "$RUN_DIR"

step() { printf '[localcluster] %s\n' "$*" >&2; }

# fail MESSAGE LOGFILE: one clear line naming the step and where to look, then exit 1.
fail() {
  printf '[localcluster] ERROR: %s\n' "$1" >&2
  if [[ -n ${2:-} && -f $2 ]]; then
    printf '[localcluster] last lines of %s:\n' "$2" >&2
    tail -n 15 "$2" | sed 's/^/    /' >&2
  fi
  exit 1
}

admin_kubeconfig() { echo "$CFG_DIR/admin.kubeconfig"; }

kc() { "$CACHE_DIR/bin/kubectl" --kubeconfig "$(admin_kubeconfig)" "$@"; }
