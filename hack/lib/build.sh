# shellcheck shell=bash
# Installing the Debian packages the local cluster needs and building Kubernetes v1.20.2 from
# Debian's source package. Sourced by hack/localcluster.sh; every function is idempotent.

K8S_SRC_VERSION="1.20.2"
K8S_BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kubelet)
RUNTIME_PACKAGES=(etcd-server containerd runc containernetworking-plugins busybox-static iptables
  conntrack openssl jq iproute2 procps curl tmux)  # tmux: the end-to-end terminal tests
BUILD_PACKAGES=(dpkg-dev golang-go rsync golang-github-modern-go-reflect2-dev make)

# The suite that holds the source package; matches the machine's own bookworm entry.
DEB_SRC_FILE=/etc/apt/sources.list.d/kubetui-deb-src.sources

apt_updated=0
apt_update_once() {
  if [[ $apt_updated == 0 ]]; then
    step "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >>"$LOG_DIR/apt.log" 2>&1 ||
      fail "apt-get update failed" "$LOG_DIR/apt.log"
    apt_updated=1
  fi
}

need_root() {
  [[ $(id -u) == 0 ]] || fail "installing packages needs root (run as root, or install: $*)" ""
}

install_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [[ ${#missing[@]} == 0 ]] && return 0
  need_root "${missing[@]}"
  apt_update_once
  step "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    >>"$LOG_DIR/apt.log" 2>&1 || fail "apt-get install ${missing[*]} failed" "$LOG_DIR/apt.log"
}

enable_deb_src() {
  if grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ /etc/apt/sources.list 2>/dev/null ||
    grep -qs '^deb-src' /etc/apt/sources.list 2>/dev/null; then
    return 0
  fi
  need_root "deb-src entry"
  step "enabling bookworm deb-src"
  cat >"$DEB_SRC_FILE" <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  apt_updated=0
}

binaries_cached() {
  local b
  for b in "${K8S_BINARIES[@]}"; do [[ -x "$CACHE_DIR/bin/$b" ]] || return 1; done
}

# Builds the four binaries the way debian/rules does (GOPATH mode, CGO off), after replacing the
# vendored reflect2 1.0.1, which crashes under Go >= 1.18 when encoding large LISTs.
build_kubernetes() {
  binaries_cached && return 0
  install_packages "${BUILD_PACKAGES[@]}"
  enable_deb_src
  apt_update_once
  local work="$CACHE_DIR/src"
  mkdir -p "$work"
  local tree
  tree=$(find "$work" -maxdepth 1 -type d -name 'kubernetes-*' | head -n 1)
  if [[ -z $tree ]]; then
    step "fetching the kubernetes source package (apt-get source)"
    (cd "$work" && apt-get source -qq kubernetes) >>"$LOG_DIR/build.log" 2>&1 ||
      fail "apt-get source kubernetes failed" "$LOG_DIR/build.log"
    tree=$(find "$work" -maxdepth 1 -type d -name 'kubernetes-*' | head -n 1)
  fi
  [[ -d $tree ]] || fail "no kubernetes source tree under $work" "$LOG_DIR/build.log"
  step "replacing vendored reflect2 with Debian's 1.0.2"
  local r2=/usr/share/gocode/src/github.com/modern-go/reflect2
  rm -rf "$tree/vendor/github.com/modern-go/reflect2"
  mkdir -p "$tree/vendor/github.com/modern-go/reflect2"
  cp -r "$r2"/. "$tree/vendor/github.com/modern-go/reflect2/"
  mkdir -p "$tree/.go/src/k8s.io" "$tree/.home"
  ln -sfn "$tree" "$tree/.go/src/k8s.io/kubernetes"
  step "building ${K8S_BINARIES[*]} (about 5 minutes on 2 cores; log: $LOG_DIR/build.log)"
  local what=""
  for b in "${K8S_BINARIES[@]}"; do what+="cmd/$b "; done
  (
    cd "$tree/.go/src/k8s.io/kubernetes" &&
      env GOPATH="$tree/.go" GO111MODULE=off GOFLAGS= CGO_ENABLED=0 HOME="$tree/.home" \
        GOCACHE="$tree/.home/go-cache" KUBE_GIT_VERSION="v$K8S_SRC_VERSION" \
        KUBE_GIT_TREE_STATE=clean KUBE_GIT_MAJOR=1 KUBE_GIT_MINOR=20 \
        make WHAT="${what% }"
  ) >>"$LOG_DIR/build.log" 2>&1 || fail "building kubernetes failed" "$LOG_DIR/build.log"
  mkdir -p "$CACHE_DIR/bin"
  for b in "${K8S_BINARIES[@]}"; do
    install -m 0755 "$tree/_output/bin/$b" "$CACHE_DIR/bin/$b" ||
      fail "build produced no $b" "$LOG_DIR/build.log"
  done
  # The 2.6 GB tree is only needed to build; the binaries are the cache.
  [[ ${KUBETUI_KEEP_K8S_SRC:-0} == 1 ]] || rm -rf "$work"
}

# kubectl matching the server (the machine's own kubectl may be much newer; kubectl debug from
# 1.32 cannot add ephemeral containers to a 1.20 server).
fetch_kubectl() {
  [[ -x "$CACHE_DIR/bin/kubectl" ]] && return 0
  apt_update_once
  local tmp
  tmp=$(mktemp -d)
  step "fetching Debian's kubernetes-client (kubectl 1.20)"
  (cd "$tmp" && apt-get download -qq kubernetes-client && dpkg -x kubernetes-client_*.deb x) \
    >>"$LOG_DIR/apt.log" 2>&1 || fail "apt-get download kubernetes-client failed" "$LOG_DIR/apt.log"
  install -m 0755 "$tmp/x/usr/bin/kubectl" "$CACHE_DIR/bin/kubectl"
  rm -rf "$tmp"
}
