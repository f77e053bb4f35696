# shellcheck shell=bash
# Starting and stopping the cluster's processes. Each runs detached in its own session with a
# pid file under $RUN_DIR and a log under $LOG_DIR; everything listens on 127.0.0.1 only.

CONTAINERD_DIR=$STATE_DIR/containerd
CONTAINERD_SOCK=$CONTAINERD_DIR/containerd.sock
KUBELET_DIR=$STATE_DIR/kubelet
CNI_CONF_DIR=$STATE_DIR/cni/net.d
# Stop order: node first, so the kubelet can still reach the apiserver while it winds down.
PROCESSES=(storage-controller kubelet containerd kube-scheduler kube-controller-manager
  kube-apiserver etcd)

pid_of() {
  local f="$RUN_DIR/$1.pid"
  [[ -s $f ]] || return 1
  local pid
  pid=$(<"$f")
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

running() { pid_of "$1" >/dev/null; }

# start NAME CMD...: start one process unless it already runs.
start() {
  local name=$1
  shift
  if running "$name"; then
    return 0
  fi
  step "starting $name"
  setsid "$@" >>"$LOG_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN_DIR/$name.pid"
}

# wait_for WHAT SECONDS LOG CMD...: poll CMD until it succeeds, or fail naming WHAT and LOG.
# When LOG belongs to a process this script started and that process has died, fail at once.
wait_for() {
  local what=$1 secs=$2 log=$3
  shift 3
  local deadline=$((SECONDS + secs)) proc
  proc=$(basename "$log" .log)
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      fail "$what did not come up within ${secs}s" "$log"
    fi
    if [[ -f "$RUN_DIR/$proc.pid" ]] && ! running "$proc"; then
      fail "$proc exited while waiting for $what" "$log"
    fi
    sleep 0.5
  done
}

stop_process() {
  local name=$1 pid
  pid=$(pid_of "$name") || {
    rm -f "$RUN_DIR/$name.pid"
    return 0
  }
  kill "$pid" 2>/dev/null || true
  local i
  for i in $(seq 1 40); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$RUN_DIR/$name.pid"
}

start_etcd() {
  mkdir -p "$STATE_DIR/etcd"
  chmod 700 "$STATE_DIR/etcd"
  start etcd etcd --name kubetui --data-dir "$STATE_DIR/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --advertise-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "kubetui=http://127.0.0.1:$ETCD_PEER_PORT" \
    --listen-metrics-urls "http://127.0.0.1:$((ETCD_CLIENT_PORT + 20))" \
    --quota-backend-bytes 4294967296 --snapshot-count 20000
  wait_for etcd 30 "$LOG_DIR/etcd.log" curl -fsS "http://127.0.0.1:$ETCD_CLIENT_PORT/health"
}

write_audit_policy() {
  # Metadata for every request: enough to count LIST/WATCH calls and prove read-only mode sends
  # no writes, without logging bodies.
  cat >"$CFG_DIR/audit-policy.yaml" <<'EOF'
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
- level: Metadata
EOF
}

start_apiserver() {
  write_audit_policy
  local bin=$CACHE_DIR/bin
  start kube-apiserver "$bin/kube-apiserver" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$APISERVER_PORT" \
    --insecure-port=0 --etcd-servers="http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --tls-cert-file="$PKI_DIR/apiserver.crt" --tls-private-key-file="$PKI_DIR/apiserver.key" \
    --client-ca-file="$PKI_DIR/ca.crt" \
    --kubelet-client-certificate="$PKI_DIR/apiserver-kubelet-client.crt" \
    --kubelet-client-key="$PKI_DIR/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority="$PKI_DIR/ca.crt" \
    --kubelet-preferred-address-types=Hostname,InternalIP \
    --service-account-key-file="$PKI_DIR/sa.pub" \
    --service-account-signing-key-file="$PKI_DIR/sa.key" \
    --service-account-issuer=https://kubernetes.default.svc \
    --authorization-mode=Node,RBAC --service-cluster-ip-range="$SERVICE_CIDR" \
    --feature-gates=EphemeralContainers=true \
    --audit-log-path="$LOG_DIR/audit.log" --audit-policy-file="$CFG_DIR/audit-policy.yaml" \
    --audit-log-maxsize=200 --audit-log-maxbackup=2 \
    --allow-privileged=true --enable-priority-and-fairness=true \
    --event-ttl=2h --v=1
  wait_for kube-apiserver 60 "$LOG_DIR/kube-apiserver.log" \
    curl -fsS --cacert "$PKI_DIR/ca.crt" --cert "$PKI_DIR/admin.crt" --key "$PKI_DIR/admin.key" \
    "https://127.0.0.1:$APISERVER_PORT/readyz"
}

start_controllers() {
  local bin=$CACHE_DIR/bin
  start kube-controller-manager "$bin/kube-controller-manager" \
    --kubeconfig="$CFG_DIR/controller-manager.kubeconfig" \
    --authentication-kubeconfig="$CFG_DIR/controller-manager.kubeconfig" \
    --authorization-kubeconfig="$CFG_DIR/controller-manager.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$KCM_PORT" --port=0 --leader-elect=false \
    --service-account-private-key-file="$PKI_DIR/sa.key" --root-ca-file="$PKI_DIR/ca.crt" \
    --use-service-account-credentials=true --service-cluster-ip-range="$SERVICE_CIDR" \
    --cluster-signing-cert-file="$PKI_DIR/ca.crt" --cluster-signing-key-file="$PKI_DIR/ca.key" \
    --controllers='*,-nodeipam,-cloud-node-lifecycle,-service,-route' --v=1
  start kube-scheduler "$bin/kube-scheduler" \
    --kubeconfig="$CFG_DIR/scheduler.kubeconfig" \
    --authentication-kubeconfig="$CFG_DIR/scheduler.kubeconfig" \
    --authorization-kubeconfig="$CFG_DIR/scheduler.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$SCHED_PORT" --port=0 --leader-elect=false --v=1
}

write_node_config() {
  mkdir -p "$CONTAINERD_DIR" "$CNI_CONF_DIR" "$KUBELET_DIR"
  cat >"$CFG_DIR/containerd.toml" <<EOF
version = 2
root = "$CONTAINERD_DIR/root"
state = "$CONTAINERD_DIR/state"
[grpc]
  address = "$CONTAINERD_SOCK"
[ttrpc]
  address = "$CONTAINERD_SOCK.ttrpc"
[debug]
  address = "$CONTAINERD_SOCK.debug"
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$CONTAINERD_DIR/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    default_runtime_name = "runc"
    snapshotter = "overlayfs"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$CNI_CONF_DIR"
EOF
  cat >"$CNI_CONF_DIR/10-kubetui.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "kubetui",
  "plugins": [
    {"type": "bridge", "bridge": "$CNI_BRIDGE", "isGateway": true, "ipMasq": false,
     "hairpinMode": true,
     "ipam": {"type": "host-local", "ranges": [[{"subnet": "$POD_CIDR"}]],
              "dataDir": "$STATE_DIR/cni/ipam"}},
    {"type": "portmap", "capabilities": {"portMappings": true}},
    {"type": "loopback"}
  ]
}
EOF
  cat >"$CFG_DIR/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 127.0.0.1
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $KUBELET_HEALTHZ_PORT
cgroupDriver: cgroupfs
cgroupRoot: $CGROUP_ROOT
failSwapOn: false
oomScoreAdj: 0
podPidsLimit: 1024
maxPods: 200
nodeStatusUpdateFrequency: 1s
syncFrequency: 5s
tlsCertFile: $PKI_DIR/kubelet-serving.crt
tlsPrivateKeyFile: $PKI_DIR/kubelet-serving.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI_DIR/ca.crt}
authorization:
  mode: Webhook
evictionHard:
  memory.available: "100Mi"
  nodefs.available: "1%"
  imagefs.available: "1%"
  nodefs.inodesFree: "1%"
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
resolvConf: ""
clusterDomain: cluster.local
clusterDNS: ["10.213.0.10"]
featureGates:
  EphemeralContainers: true
EOF
}

# The kubelet's cgroupfs driver wants its cgroup root to exist in every hierarchy.
make_cgroup_root() {
  local h
  for h in /sys/fs/cgroup/*/; do
    [[ -d $h && ! -L ${h%/} && $h != */unified/ ]] || continue
    mkdir -p "$h${CGROUP_ROOT#/}" 2>/dev/null || true
  done
}

start_node() {
  write_node_config
  make_cgroup_root
  start containerd containerd --config "$CFG_DIR/containerd.toml"
  wait_for containerd 30 "$LOG_DIR/containerd.log" ctr --address "$CONTAINERD_SOCK" version
  import_images
  start kubelet "$CACHE_DIR/bin/kubelet" \
    --config="$CFG_DIR/kubelet.yaml" --kubeconfig="$CFG_DIR/kubelet.kubeconfig" \
    --root-dir="$KUBELET_DIR" --cert-dir="$KUBELET_DIR/pki" \
    --container-runtime=remote --container-runtime-endpoint="unix://$CONTAINERD_SOCK" \
    --hostname-override=localhost \
    --feature-gates=EphemeralContainers=true --v=1
}

# Kills what the kubelet left behind: the containerd shims and the processes in our cgroup root.
kill_pod_processes() {
  pkill -9 -f "containerd-shim-runc-v2 .*-address $CONTAINERD_SOCK" 2>/dev/null || true
  local tasks
  for tasks in /sys/fs/cgroup/*/"${CGROUP_ROOT#/}"; do
    [[ -d $tasks ]] || continue
    find "$tasks" -name tasks -exec cat {} + 2>/dev/null | xargs -r kill -9 2>/dev/null || true
  done
  sleep 0.5
  for tasks in /sys/fs/cgroup/*/"${CGROUP_ROOT#/}"; do
    [[ -d $tasks ]] || continue
    find "$tasks" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
  # Pod network namespaces and the mounts containerd and the kubelet made under the state dir.
  awk -v d="$STATE_DIR" '$2 ~ "^"d {print $2}' /proc/mounts | sort -r |
    xargs -r -n1 umount -l 2>/dev/null || true
  local ns
  for ns in $(ip netns list 2>/dev/null | awk '/^cni-/ {print $1}'); do
    if ip netns pids "$ns" 2>/dev/null | grep -q .; then continue; fi
    ip netns delete "$ns" 2>/dev/null || true
  done
}
