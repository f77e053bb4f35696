# shellcheck shell=bash
# Certificates and kubeconfigs for the local cluster, made with openssl. Kept across restarts so
# a `down && up` keeps the same CA and existing kubeconfigs stay valid.

# cert NAME CN ORG [SANS]: a client or serving certificate signed by the local CA.
cert() {
  local name=$1 cn=$2 org=$3 sans=${4:-}
  [[ -s "$PKI_DIR/$name.crt" ]] && return 0
  local ext="$PKI_DIR/$name.ext"
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    if [[ -n $sans ]]; then
      echo "extendedKeyUsage=serverAuth,clientAuth"
      echo "subjectAltName=$sans"
    else
      echo "extendedKeyUsage=clientAuth"
    fi
  } >"$ext"
  local subj="/CN=$cn"
  [[ -n $org ]] && subj="/O=$org$subj"
  openssl genrsa -out "$PKI_DIR/$name.key" 2048 2>/dev/null
  openssl req -new -key "$PKI_DIR/$name.key" -subj "$subj" -out "$PKI_DIR/$name.csr" 2>/dev/null
  openssl x509 -req -in "$PKI_DIR/$name.csr" -CA "$PKI_DIR/ca.crt" -CAkey "$PKI_DIR/ca.key" \
    -CAcreateserial -days 3650 -sha256 -extfile "$ext" -out "$PKI_DIR/$name.crt" 2>/dev/null ||
    fail "signing the $name certificate failed" ""
  rm -f "$PKI_DIR/$name.csr" "$ext"
}

# kubeconfig FILE USER CERTNAME: a kubeconfig for one client certificate, context "kubetui-local".
kubeconfig() {
  local file=$1 user=$2 certname=$3
  local ca crt key
  ca=$(base64 -w0 <"$PKI_DIR/ca.crt")
  crt=$(base64 -w0 <"$PKI_DIR/$certname.crt")
  key=$(base64 -w0 <"$PKI_DIR/$certname.key")
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: kubetui-local
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority-data: $ca
users:
- name: $user
  user:
    client-certificate-data: $crt
    client-key-data: $key
contexts:
- name: kubetui-local
  context:
    cluster: kubetui-local
    user: $user
    namespace: default
current-context: kubetui-local
EOF
  chmod 600 "$file"
}

make_pki() {
  mkdir -p "$PKI_DIR" "$CFG_DIR"
  if [[ ! -s "$PKI_DIR/ca.crt" ]]; then
    step "generating the cluster CA and certificates"
    openssl genrsa -out "$PKI_DIR/ca.key" 2048 2>/dev/null
    openssl req -x509 -new -key "$PKI_DIR/ca.key" -subj "/CN=kubetui-local-ca" -days 3650 \
      -sha256 -out "$PKI_DIR/ca.crt" 2>/dev/null || fail "creating the CA failed" ""
  fi
  local svc_ip=${SERVICE_CIDR%.*}.1
  cert apiserver kube-apiserver "" \
    "IP:127.0.0.1,IP:$svc_ip,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc"
  cert kubelet-serving localhost "" "IP:127.0.0.1,DNS:localhost"
  cert admin kubetui-admin system:masters
  cert apiserver-kubelet-client kube-apiserver-kubelet-client system:masters
  cert controller-manager system:kube-controller-manager ""
  cert scheduler system:kube-scheduler ""
  cert node system:node:localhost system:nodes
  # Ordinary users for the demo: APF classifies system:masters as exempt, so queuing and
  # rejection can only be seen with a non-admin identity.
  cert demo-user kubetui-demo kubetui-demo
  cert viewer kubetui-viewer kubetui-viewers
  if [[ ! -s "$PKI_DIR/sa.key" ]]; then
    openssl genrsa -out "$PKI_DIR/sa.key" 2048 2>/dev/null
    openssl rsa -in "$PKI_DIR/sa.key" -pubout -out "$PKI_DIR/sa.pub" 2>/dev/null
  fi
  kubeconfig "$CFG_DIR/admin.kubeconfig" kubetui-admin admin
  kubeconfig "$CFG_DIR/controller-manager.kubeconfig" system:kube-controller-manager controller-manager
  kubeconfig "$CFG_DIR/scheduler.kubeconfig" system:kube-scheduler scheduler
  kubeconfig "$CFG_DIR/kubelet.kubeconfig" system:node:localhost node
  kubeconfig "$CFG_DIR/demo-user.kubeconfig" kubetui-demo demo-user
  kubeconfig "$CFG_DIR/viewer.kubeconfig" kubetui-viewer viewer
}
