#!/usr/bin/env bash
# The health gate between environments: waits until every Argo CD Application of a stack's
# cluster has reconciled the promoted commit and is Healthy. Applications that sync by
# themselves must be Synced at that commit or a later one; those that sync by hand (production's)
# must stay Healthy, or wait undeployed for their first sync. Fails after the timeout, naming
# what is not ready. Prints `synced=true` when every application, those synced by hand included,
# runs the commit (or a later one), else `synced=false`: only then is the commit the
# environment's last healthy one. Messages go to stderr. Run it in a clone that has the branch's
# history (a later commit is recognised with git; one merged meanwhile is fetched, with
# $GITHUB_TOKEN where it is set, which never lands in .git/config).
#   scripts/health-gate.sh <stack> <commit> [timeout seconds, default 900]
# Needs pulumi (the stack's kubeconfig output), kubectl, jq and git; the kubeconfig stays in a
# private temporary file.
set -euo pipefail

stack=${1:?usage: health-gate.sh <stack> <commit> [timeout]}
commit=${2:?usage: health-gate.sh <stack> <commit> [timeout]}
timeout=${3:-900}
interval=${HEALTH_GATE_INTERVAL:-15}

# The job's token for fetching from GitHub, through git's environment rather than its config.
if [ -n "${GITHUB_TOKEN:-}" ]; then
    export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0="http.${GITHUB_SERVER_URL:-https://github.com}/.extraheader"
    GIT_CONFIG_VALUE_0="AUTHORIZATION: basic $(printf 'x-access-token:%s' "$GITHUB_TOKEN" | base64 -w0)"
    export GIT_CONFIG_VALUE_0
fi

kubeconfig=$(mktemp)
trap 'rm -f "$kubeconfig"' EXIT
chmod 600 "$kubeconfig"
pulumi stack output kubeconfig --show-secrets --stack "$stack" >"$kubeconfig"

# Whether an automated application's synced revision includes the promoted commit: the commit
# itself, or a later one on the branch (the environment's branch may have moved on meanwhile).
# With HEALTH_GATE_EXACT=1 (a rollback's gate), the commit itself only: the failed commit, which
# includes the one gone back to, must not count.
includes_commit() {
    [ "$1" = "$commit" ] && return 0
    [ "${HEALTH_GATE_EXACT:-}" = 1 ] && return 1
    # A commit merged while the gate waits is not in this clone yet.
    git cat-file -e "$1^{commit}" 2>/dev/null || git fetch --quiet origin "$1" 2>/dev/null || true
    git merge-base --is-ancestor "$commit" "$1" 2>/dev/null
}

# Whether an application runs the commit: Synced at it (or past it) and Healthy.
runs_commit() {
    local sync=$1 revision=$2 health=$3
    [ "$health" = Healthy ] && [ "$sync" = Synced ] && includes_commit "$revision"
}

# Whether an application is ready: automated ones run the commit; manual ones (production's
# applications) are Healthy, or not deployed yet (Missing, OutOfSync) when the promotion added
# them and someone still has to sync them.
ready() {
    local automated=$1 sync=$2 revision=$3 health=$4
    if [ "$automated" = true ]; then
        runs_commit "$sync" "$revision" "$health"
    else
        [ "$health" = Healthy ] || { [ "$health" = Missing ] && [ "$sync" = OutOfSync ]; }
    fi
}

# Every Application, one line each: name, automated, sync status, revision, health.
applications() {
    KUBECONFIG="$kubeconfig" kubectl get applications.argoproj.io --namespace argocd --output json |
        jq --raw-output '.items[]
          | [ .metadata.name,
              (.spec.syncPolicy.automated != null),
              (.status.sync.status // "Unknown"),
              (.status.sync.revision // (.status.sync.revisions // [])[0] // "none"),
              (.status.health.status // "Unknown") ]
          | @tsv'
}

# One line per Application of `apps` (as applications lists them) that is not ready yet:
# "<name>: <sync> at <revision>, <health>". A multi-source Application (every application: its
# chart and gitops/application-namespace, both from this repository at one revision) reports its
# revisions as a list, the chart's first.
not_ready() {
    local apps=$1 name automated sync revision health
    if [ -z "$apps" ]; then
        echo "no Application yet"
        return
    fi
    while IFS=$'\t' read -r name automated sync revision health; do
        ready "$automated" "$sync" "$revision" "$health" || echo "$name: $sync at $revision, $health"
    done <<<"$apps"
}

deadline=$((SECONDS + timeout))
while true; do
    apps=$(applications)
    waiting=$(not_ready "$apps")
    if [ -z "$waiting" ]; then
        echo "$stack: every application is healthy at $commit" >&2
        behind=$(while IFS=$'\t' read -r name _ sync revision health; do
            runs_commit "$sync" "$revision" "$health" || echo "$name"
        done <<<"$apps")
        if [ -z "$behind" ]; then
            echo "synced=true"
        else
            echo "::notice::$stack: waiting for a sync by hand at $commit: $(echo "$behind" | paste -sd ' ' -); $commit is not its last healthy commit until they run it" >&2
            echo "synced=false"
        fi
        exit 0
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
        echo "$stack: not healthy at $commit after ${timeout}s:" >&2
        echo "$waiting" >&2
        exit 1
    fi
    sleep "$interval"
done
