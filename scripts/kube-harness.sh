#!/usr/bin/env bash
# A real Kubernetes control plane on localhost for the deploy tests, without containers:
# etcd, kube-apiserver, kube-controller-manager and kube-scheduler as processes, and kwok
# in place of kubelets (it plays one fake node and moves pods through the stages in
# kube-harness/kwok-stages.yaml, so Deployments roll out and helm test pods succeed).
#
#   scripts/kube-harness.sh start DIR   start everything, wait until a pod can become Ready
#   scripts/kube-harness.sh stop DIR    stop what `start DIR` started (idempotent)
#
# DIR gets the logs (DIR/logs/*.log), the PKI, etcd's data, DIR/kubeconfig (cluster admin,
# client certificate) and DIR/env (KUBECONFIG, API_SERVER and the curl credentials, as
# shell assignments). Every port is a free one on 127.0.0.1 chosen at start. The binaries
# come from PATH (scripts/setup-test-tools.sh builds them into $PAVED_TOOLS/bin).
#
# kwok's stages for pods (see kube-harness/kwok-stages.yaml):
#   - every pod becomes Running and Ready, except pods labelled
#     kwok.paved.dev/never-ready=true, which run but never pass readiness (a failing
#     readiness probe), so a rollout of them never completes;
#   - pods of Jobs and helm test hooks (annotation helm.sh/hook: test) then Succeed.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cmd="${1:-}"
dir="${2:-}"
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|stop DIR" >&2
  exit 2
fi
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

log() { printf 'kube-harness: %s\n' "$*" >&2; }

# Stops the components in reverse start order: TERM, then KILL after 10 s.
stop() {
  local name pid _
  for name in kwok kube-scheduler kube-controller-manager kube-apiserver etcd; do
    [ -f "$dir/pids/$name" ] || continue
    pid="$(cat "$dir/pids/$name")"
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
      kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/pids/$name"
  done
}

if [ "$cmd" = stop ]; then
  stop
  exit 0
fi
if [ "$cmd" != start ]; then
  echo "usage: $0 start|stop DIR" >&2
  exit 2
fi

for tool in etcd kube-apiserver kube-controller-manager kube-scheduler kwok openssl curl python3; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    log "error: $tool is not on PATH (run scripts/setup-test-tools.sh, then source \$PAVED_TOOLS/env.sh)"
    exit 1
  fi
done

# A failed or interrupted start leaves nothing running.
on_exit() {
  local status=$?
  if [ $status -ne 0 ]; then
    log "start failed; logs in $dir/logs"
    stop
  fi
}
trap on_exit EXIT
trap 'exit 1' INT TERM HUP

mkdir -p "$dir/logs" "$dir/pids" "$dir/pki"
pki="$dir/pki"

# Free ports, chosen by the kernel (bound to port 0, then released).
read -r etcd_port etcd_peer_port api_port kcm_port sched_port < <(python3 - <<'PY'
import socket
socks = [socket.socket() for _ in range(5)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()
PY
)

# PKI: a CA, the API server's serving certificate for 127.0.0.1, an admin client
# certificate (group system:masters) and the service-account signing key.
ossl() { openssl "$@" >>"$dir/logs/openssl.log" 2>&1; }
ossl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=kube-harness-ca" \
  -keyout "$pki/ca.key" -out "$pki/ca.crt"
ossl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" \
  -keyout "$pki/apiserver.key" -out "$pki/apiserver.csr"
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n' >"$pki/apiserver.ext"
ossl x509 -req -in "$pki/apiserver.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
  -days 2 -extfile "$pki/apiserver.ext" -out "$pki/apiserver.crt"
ossl req -newkey rsa:2048 -nodes -subj "/O=system:masters/CN=kube-harness-admin" \
  -keyout "$pki/admin.key" -out "$pki/admin.csr"
printf 'extendedKeyUsage=clientAuth\n' >"$pki/admin.ext"
ossl x509 -req -in "$pki/admin.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
  -days 2 -extfile "$pki/admin.ext" -out "$pki/admin.crt"
ossl genrsa -out "$pki/sa.key" 2048
ossl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub"

api="https://127.0.0.1:$api_port"
cat >"$dir/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: kube-harness
  cluster:
    server: $api
    certificate-authority: $pki/ca.crt
users:
- name: admin
  user:
    client-certificate: $pki/admin.crt
    client-key: $pki/admin.key
contexts:
- name: kube-harness
  context:
    cluster: kube-harness
    user: admin
current-context: kube-harness
EOF
chmod 600 "$dir/kubeconfig"
cat >"$dir/env" <<EOF
KUBECONFIG=$dir/kubeconfig
API_SERVER=$api
CA_CERT=$pki/ca.crt
CLIENT_CERT=$pki/admin.crt
CLIENT_KEY=$pki/admin.key
EOF

# Starts a component in its own session (so stop reaches it and a terminal's signals do not).
launch() {
  local name="$1"
  shift
  setsid "$@" >"$dir/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$dir/pids/$name"
}

# curl against the API server as the admin.
kcurl() {
  curl -sS --fail --max-time 10 --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" "$@"
}

# Waits until `$2...` succeeds, at most $1 seconds, failing if a started component died.
wait_for() {
  local timeout="$1" what="$2" name pid
  local deadline=$((SECONDS + timeout))
  shift 2
  while [ $SECONDS -lt $deadline ]; do
    if "$@" >/dev/null 2>&1; then
      return 0
    fi
    for name in "$dir"/pids/*; do
      pid="$(cat "$name")"
      if ! kill -0 "$pid" 2>/dev/null; then
        log "error: $(basename "$name") exited while waiting for $what; its log:"
        tail -n 30 "$dir/logs/$(basename "$name").log" >&2
        return 1
      fi
    done
    sleep 0.25
  done
  log "error: timed out after ${timeout}s waiting for $what"
  return 1
}

launch etcd etcd --name kube-harness --data-dir "$dir/etcd" \
  --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
  --listen-peer-urls "http://127.0.0.1:$etcd_peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer_port" \
  --initial-cluster "kube-harness=http://127.0.0.1:$etcd_peer_port" \
  --unsafe-no-fsync --log-level warn
wait_for 30 "etcd" curl -sS --fail --max-time 2 "http://127.0.0.1:$etcd_port/health"

launch kube-apiserver kube-apiserver \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" \
  --etcd-servers "http://127.0.0.1:$etcd_port" \
  --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
  --client-ca-file "$pki/ca.crt" --requestheader-client-ca-file "$pki/ca.crt" \
  --requestheader-allowed-names front-proxy-client --requestheader-username-headers X-Remote-User \
  --requestheader-group-headers X-Remote-Group \
  --authorization-mode RBAC \
  --service-account-issuer https://kubernetes.default.svc \
  --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
  --service-cluster-ip-range 10.96.0.0/16 --allow-privileged=false \
  --endpoint-reconciler-type none \
  --enable-priority-and-fairness=false --profiling=false
wait_for 90 "kube-apiserver /readyz" kcurl "$api/readyz"

launch kube-controller-manager kube-controller-manager \
  --kubeconfig "$dir/kubeconfig" --authentication-kubeconfig "$dir/kubeconfig" \
  --authorization-kubeconfig "$dir/kubeconfig" \
  --bind-address 127.0.0.1 --secure-port "$kcm_port" --leader-elect=false \
  --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
  --use-service-account-credentials=false --controllers '*' --profiling=false
launch kube-scheduler kube-scheduler \
  --kubeconfig "$dir/kubeconfig" --authentication-kubeconfig "$dir/kubeconfig" \
  --authorization-kubeconfig "$dir/kubeconfig" \
  --bind-address 127.0.0.1 --secure-port "$sched_port" --leader-elect=false --profiling=false
launch kwok kwok --kubeconfig "$dir/kubeconfig" --config "$here/kube-harness/kwok-stages.yaml" \
  --manage-all-nodes=false --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
  --node-lease-duration-seconds 40 --cidr 10.244.0.0/16 --node-ip 10.0.0.1

# The fake node kwok plays (its status, addresses and lease come from kwok).
kcurl -X POST -H 'Content-Type: application/json' "$api/api/v1/nodes" -o /dev/null -d '{
  "apiVersion": "v1", "kind": "Node",
  "metadata": {"name": "kwok-node-0",
    "annotations": {"kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0"},
    "labels": {"kubernetes.io/hostname": "kwok-node-0", "kubernetes.io/os": "linux",
      "kubernetes.io/arch": "amd64", "topology.kubernetes.io/zone": "zone-a", "type": "kwok"}}}'
node_ready() {
  kcurl "$api/api/v1/nodes/kwok-node-0" | python3 -c '
import json, sys
node = json.load(sys.stdin)
ready = [c for c in node.get("status", {}).get("conditions", []) if c["type"] == "Ready"]
tainted = any(t["key"].startswith("node.kubernetes.io/") for t in node.get("spec", {}).get("taints") or [])
sys.exit(0 if ready and ready[0]["status"] == "True" and not tainted else 1)'
}
wait_for 60 "the kwok node to be Ready" node_ready
# The service-account controllers are up once the default namespace has its account.
wait_for 60 "the default ServiceAccount" kcurl "$api/api/v1/namespaces/default/serviceaccounts/default"
log "ready: KUBECONFIG=$dir/kubeconfig ($api); logs in $dir/logs"
