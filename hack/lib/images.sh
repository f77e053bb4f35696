# shellcheck shell=bash
# Container images for a cluster that reaches no registry: built from Debian's busybox-static and
# a static Go binary, written as docker-archive tars and imported into containerd.

IMAGE_DIR=$CACHE_DIR/images
PAUSE_IMAGE=kubetui.local/pause:3.2

# docker_archive OUT TAG ROOTFS ENTRYPOINT_JSON CMD_JSON: one-layer docker-archive tarball.
docker_archive() {
  local out=$1 tag=$2 rootfs=$3 entrypoint=$4 cmd=$5
  local tmp
  tmp=$(mktemp -d)
  tar --numeric-owner --owner=0 --group=0 -C "$rootfs" -cf "$tmp/layer.tar" .
  local diff
  diff=$(sha256sum "$tmp/layer.tar" | cut -d' ' -f1)
  cat >"$tmp/config.json" <<EOF
{"architecture":"amd64","os":"linux","created":"2021-01-13T00:00:00Z",
 "config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
           "Entrypoint":$entrypoint,"Cmd":$cmd},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff"]}}
EOF
  echo "[{\"Config\":\"config.json\",\"RepoTags\":[\"$tag\"],\"Layers\":[\"layer.tar\"]}]" \
    >"$tmp/manifest.json"
  tar -C "$tmp" -cf "$out" manifest.json config.json layer.tar
  rm -rf "$tmp"
}

busybox_rootfs() {
  local root=$1
  mkdir -p "$root"/{bin,etc,tmp,root,data,proc,sys,dev,var/log}
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  local applet
  for applet in $(/bin/busybox --list); do
    [[ $applet == busybox ]] || ln -sf busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
}

build_images() {
  mkdir -p "$IMAGE_DIR"
  local tmp
  if [[ ! -s "$IMAGE_DIR/busybox.tar" || ! -s "$IMAGE_DIR/pause.tar" ]]; then
    step "building the busybox and pause images"
    tmp=$(mktemp -d)
    busybox_rootfs "$tmp/rootfs"
    docker_archive "$IMAGE_DIR/busybox.tar" busybox:1.35 "$tmp/rootfs" 'null' '["sh"]'
    docker_archive "$IMAGE_DIR/pause.tar" "$PAUSE_IMAGE" "$tmp/rootfs" \
      '["/bin/sleep","2147483647"]' 'null'
    rm -rf "$tmp"
  fi
  if [[ ! -s "$IMAGE_DIR/static-app.tar" ]]; then
    # The case ephemeral debug containers exist for: an image with one static binary, no shell.
    step "building the shell-less static-app image"
    install_packages golang-go
    tmp=$(mktemp -d)
    mkdir -p "$tmp/rootfs/tmp"
    (cd "$REPO_ROOT/hack/images/static-app" &&
      CGO_ENABLED=0 GO111MODULE=off GOCACHE="$tmp/gocache" HOME="$tmp" \
        go build -ldflags='-s -w' -o "$tmp/rootfs/server" ./main.go) >>"$LOG_DIR/build.log" 2>&1 ||
      fail "building the static-app image failed" "$LOG_DIR/build.log"
    docker_archive "$IMAGE_DIR/static-app.tar" kubetui.local/static-app:1.0 "$tmp/rootfs" \
      '["/server"]' 'null'
    rm -rf "$tmp"
  fi
}

import_images() {
  local img
  for img in busybox pause static-app; do
    ctr --address "$CONTAINERD_SOCK" -n k8s.io images import "$IMAGE_DIR/$img.tar" \
      >>"$LOG_DIR/images.log" 2>&1 || fail "importing the $img image into containerd failed" \
      "$LOG_DIR/images.log"
  done
}
