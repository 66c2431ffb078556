#!/usr/bin/env bash
# The health gate between environments: waits until every Argo CD Application of a stack's
# cluster has reconciled the promoted commit and is Healthy. Applications that sync by
# themselves must be Synced at that commit; those that sync by hand (production's) must stay
# Healthy. Fails after the timeout, naming what is not ready.
#   scripts/health-gate.sh <stack> <commit> [timeout seconds, default 900]
# Needs pulumi (the stack's kubeconfig output), kubectl and jq; the kubeconfig stays in a
# private temporary file.
set -euo pipefail

stack=${1:?usage: health-gate.sh <stack> <commit> [timeout]}
commit=${2:?usage: health-gate.sh <stack> <commit> [timeout]}
timeout=${3:-900}
interval=${HEALTH_GATE_INTERVAL:-15}

kubeconfig=$(mktemp)
trap 'rm -f "$kubeconfig"' EXIT
chmod 600 "$kubeconfig"
pulumi stack output kubeconfig --show-secrets --stack "$stack" >"$kubeconfig"

# One line per Application that is not ready yet: "<name>: <sync> at <revision>, <health>".
not_ready() {
    KUBECONFIG="$kubeconfig" kubectl get applications.argoproj.io --namespace argocd --output json |
        jq --raw-output --arg commit "$commit" '
          if (.items | length) == 0 then "no Application yet"
          else .items[]
            | { name: .metadata.name,
                automated: (.spec.syncPolicy.automated != null),
                sync: (.status.sync.status // "Unknown"),
                revision: (.status.sync.revision // "none"),
                health: (.status.health.status // "Unknown") }
            | select(.health != "Healthy"
                     or (.automated and (.sync != "Synced" or .revision != $commit)))
            | "\(.name): \(.sync) at \(.revision), \(.health)"
          end'
}

deadline=$((SECONDS + timeout))
while true; do
    waiting=$(not_ready)
    if [ -z "$waiting" ]; then
        echo "$stack: every application is healthy at $commit"
        exit 0
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
        echo "$stack: not healthy at $commit after ${timeout}s:" >&2
        echo "$waiting" >&2
        exit 1
    fi
    sleep "$interval"
done
