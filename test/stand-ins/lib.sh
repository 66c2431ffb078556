# Shared by the stand-ins in bin/: the fake world a test builds, where each node keeps its files
# (nodes/<node>/, its filesystem root), what its processes hold (state/<node>/), the API server's
# objects (api/), a virtual clock (clock: epoch seconds) and every call made (calls).
# FAKE_WORLD names the world, FAKE_NODE the node the calling program runs on.
set -euo pipefail
world="${FAKE_WORLD:?the stand-ins need FAKE_WORLD}"
self="${FAKE_NODE:?the stand-ins need FAKE_NODE}"
standins="${BASH_SOURCE[0]%/*}"
root="$world/nodes/$self"
api="$world/api"
[ -d "$api/cordoned" ] && [ -d "$world/state/$self" ] || mkdir -p "$api/nodes" "$api/cordoned" "$world/state/$self"

# Every call, for the tests to read; a stand-in's own probe (FAKE_QUIET) is not one.
record() { if [ -z "${FAKE_QUIET:-}" ]; then printf '%s %s\n' "$self" "$*" >>"$world/calls"; fi; }
now() { cat "$world/clock"; }
advance() { echo $(($(now) + $1)) >"$world/clock"; }
iso() { /bin/date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
state_of() { echo "$world/state/$1"; }

# config.yaml as the yaml package writes it: `key: value`, lists as `key:` then `  - item`.
config_keys() { sed -n 's/^\([a-z0-9-]*\):.*/\1/p' "$1"; }
config_value() { sed -n "s/^$2: \(.*\)\$/\1/p" "$1" | tr -d '"'; }
config_list() {
  awk -v key="$2:" '$0 == key { on = 1; next } on && /^  - / { sub(/^  - /, ""); gsub(/"/, ""); print; next } { on = 0 }' "$1"
}

running() { [ -f "$(state_of "$1")/running" ]; }
role_of() { cat "$(state_of "$1")/role" 2>/dev/null || true; }
# The node whose running K3s has this address (node-ip).
node_at() {
  local dir
  for dir in "$world"/state/*/; do
    if [ -f "$dir/running" ] && [ "$(config_value "$dir/running" node-ip)" = "$1" ]; then basename "$dir"; fi
  done
}
running_servers() {
  local dir
  for dir in "$world"/state/*/; do
    if [ -f "$dir/running" ] && [ "$(cat "$dir/role")" = server ]; then basename "$dir"; fi
  done
}

# Static pods: a kubelet that has run starts a manifest's pod, and restarts it when the manifest
# changes (the pod's UID is a hash of the file). kube-vip needs K3s's kubeconfig (hostPath File)
# and answers only after warming up: it takes the VIP's lease, then ARP moves the address.
readonly KUBE_VIP_WARMUP=2
sync_static_pods() {
  local node dir manifest digest
  for dir in "$world"/nodes/*/; do
    node=$(basename "$dir")
    manifest="$dir/var/lib/rancher/k3s/agent/pod-manifests/kube-vip.yaml"
    local pod
    pod="$(state_of "$node")/kube-vip"
    [ -f "$(state_of "$node")/starts" ] || continue
    if [ -f "$manifest" ] && [ -f "$dir/etc/rancher/k3s/k3s.yaml" ]; then
      digest=$(sha256sum "$manifest" | cut -d ' ' -f 1)
      if [ "$(cat "$pod" 2>/dev/null || true)" != "$digest" ]; then
        echo "$digest" >"$pod"
        echo "$KUBE_VIP_WARMUP" >"$pod-warmup"
        echo $(($(cat "$pod-starts" 2>/dev/null || echo 0) + 1)) >"$pod-starts"
        awk '/- name: address$/ { getline; sub(/^ *value: /, ""); gsub(/"/, ""); print }' "$manifest" >"$world/vip"
      fi
    else
      rm -f "$pod" "$pod-warmup"
    fi
  done
  local holder
  holder=$(cat "$api/vip-holder" 2>/dev/null || true)
  if [ -z "$holder" ] || [ ! -f "$(state_of "$holder")/kube-vip" ]; then
    holder=""
    for dir in "$world"/state/*/; do
      if [ -z "$holder" ] && [ -f "$dir/kube-vip" ]; then holder=$(basename "$dir"); fi
    done
    echo "$holder" >"$api/vip-holder"
  fi
}
