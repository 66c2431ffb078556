# Shared by the stand-ins in commands/: the fake world a test builds, where each node keeps its files
# (nodes/<node>/, its filesystem root), what its processes hold (state/<node>/), the API server's
# objects (api/), a virtual clock (clock: epoch seconds) and every call made (calls).
# FAKE_WORLD names the world, FAKE_NODE the node the calling program runs on.
# shellcheck disable=SC2034 # standins and root are for the scripts that source this one.
set -euo pipefail
world="${FAKE_WORLD:?the stand-ins need FAKE_WORLD}"
self="${FAKE_NODE:?the stand-ins need FAKE_NODE}"
standins="${BASH_SOURCE[0]%/*}"
root="$world/nodes/$self"
api="$world/api"
if [ ! -d "$api/cordoned" ] || [ ! -d "$world/state/$self" ]; then
  mkdir -p "$api/nodes" "$api/cordoned" "$world/state/$self"
fi

# Every call, for the tests to read; a stand-in's own probe (FAKE_QUIET) is not one.
record() { if [ -z "${FAKE_QUIET:-}" ]; then printf '%s %s\n' "$self" "$*" >>"$world/calls"; fi; }
# The clock read with a builtin: the stand-ins read it on every call.
now() { local t; read -r t <"$world/clock"; echo "$t"; }
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

# Static pods (kube-vip): a kubelet that runs starts a manifest's pod at once when none runs, and
# restarts it once it sees the manifest changed (the pod's UID derives from the file), which
# takes up to --file-check-frequency (20 s). The pod needs K3s's kubeconfig (hostPath File).
# kube-vip answers at the VIP once it holds the lease: 15 s (vip_leaseduration) after it and its
# node's API server started; a restart of either loses the lease, and another holder takes it.
readonly FILE_CHECK_SECONDS=20
readonly LEASE_SECONDS=15
sync_static_pods() {
  local node dir manifest digest pod t
  t=$(now)
  for dir in "$world"/nodes/*/; do
    node=$(basename "$dir")
    manifest="$dir/var/lib/rancher/k3s/agent/pod-manifests/kube-vip.yaml"
    pod="$(state_of "$node")/kube-vip"
    running "$node" || continue
    if [ -f "$manifest" ] && [ -f "$dir/etc/rancher/k3s/k3s.yaml" ]; then
      digest=$(sha256sum "$manifest" | cut -d ' ' -f 1)
      if [ ! -f "$pod" ]; then
        start_pod "$node" "$digest" "$t"
      elif [ "$(<"$pod")" != "$digest" ]; then
        if [ ! -f "$pod-changed-at" ]; then
          echo "$t" >"$pod-changed-at"
        elif [ "$t" -ge $(($(<"$pod-changed-at") + FILE_CHECK_SECONDS)) ]; then
          start_pod "$node" "$digest" "$t"
        fi
      fi
    else
      rm -f "$pod" "$pod-since" "$pod-changed-at"
    fi
  done
}

start_pod() {
  local pod
  pod="$(state_of "$1")/kube-vip"
  echo "$2" >"$pod"
  echo "$3" >"$pod-since"
  rm -f "$pod-changed-at"
  echo $(($(cat "$pod-starts" 2>/dev/null || echo 0) + 1)) >"$pod-starts"
  awk '/- name: address$/ { getline; sub(/^ *value: /, ""); gsub(/"/, ""); print }' \
    "$world/nodes/$1/var/lib/rancher/k3s/agent/pod-manifests/kube-vip.yaml" >"$world/vip"
}

# When a node's kube-vip can hold the lease: 15 s after its pod and its API server started.
lease_from() {
  local state
  state=$(state_of "$1")
  [ -f "$state/kube-vip" ] && running "$1" || return 1
  local since started
  since=$(<"$state/kube-vip-since")
  started=$(<"$state/started-at")
  echo $(((since > started ? since : started) + LEASE_SECONDS))
}

# The server holding the VIP now, or nothing: the holder keeps it while it can; otherwise the
# server that could hold it first.
vip_holder() {
  local t holder from best="" best_from=""
  t=$(now)
  holder=$(cat "$api/vip-holder" 2>/dev/null || true)
  if [ -n "$holder" ] && from=$(lease_from "$holder") && [ "$t" -ge "$from" ]; then
    echo "$holder"
    return 0
  fi
  for dir in "$world"/state/*/; do
    local node
    node=$(basename "$dir")
    if from=$(lease_from "$node") && [ "$t" -ge "$from" ] && { [ -z "$best" ] || [ "$from" -lt "$best_from" ]; }; then
      best="$node"
      best_from="$from"
    fi
  done
  echo "$best" >"$api/vip-holder"
  echo "$best"
}
