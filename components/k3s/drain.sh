#!/usr/bin/env bash
# Cordons a node and drains it before its K3s restarts for a new release or new settings, so
# its workloads move calmly and PodDisruptionBudgets are honoured. Run as root on a server (the
# node itself, or the first server for an agent, whose own credentials may not evict pods):
# bash -s -- <node name>, with this script on stdin. A node that is not in the cluster yet (its
# first install) has nothing to drain.
set -euo pipefail
# K3s lives in /usr/local/bin, which sudo's secure_path leaves out on RHEL-likes.
PATH="$PATH:/usr/local/bin"

node="$1"
# kubectl drain gives up after this; each API request after request_timeout.
timeout=600s
request_timeout=10s

log() { printf '%s %s\n' "[homelab]" "$*" >&2; }

main() {
  local found
  if ! command -v k3s >/dev/null 2>&1; then
    log "K3s is not installed here yet; nothing to drain"
    return 0
  fi
  if ! found=$(k3s kubectl get node "$node" --ignore-not-found -o name --request-timeout="$request_timeout"); then
    log "cannot reach the API to drain node $node; to restart it undrained, run pulumi up with profile.drainNodes: false"
    return 1
  fi
  if [ -z "$found" ]; then
    log "node $node is not in the cluster yet; nothing to drain"
    return 0
  fi
  if ! k3s kubectl drain "$node" --ignore-daemonsets --delete-emptydir-data --timeout="$timeout" --request-timeout="$request_timeout" >&2; then
    log "node $node did not drain within $timeout and stays cordoned: a PodDisruptionBudget may allow no eviction (kubectl get pdb -A), or a pod no controller manages would be lost; fix that and run pulumi up again, or run it with profile.drainNodes: false to restart the node undrained (then kubectl uncordon $node)"
    return 1
  fi
}

main
