#!/usr/bin/env bash
# The backup gate before a stack's update, K3s upgrades included. Where the stack's profile makes
# its updates wait for a fresh backup (production's), the stack says so in its `backupGate`
# output ({maxAge, namespace, schedule}); the gate then refuses the update when Velero's newest
# completed scheduled backup is older than maxAge, or when there is none. To update anyway, set
# BACKUP_GATE_OVERRIDE to the reason: the gate passes and the log says why. A stack without that
# output (not gated, or not yet updated by a program that gates) passes.
#   scripts/backup-gate.sh <stack>
# Needs pulumi (the stack's outputs), kubectl and jq; the kubeconfig stays in a private temporary
# file.
set -euo pipefail

stack=${1:?usage: backup-gate.sh <stack>}

gate=$(pulumi stack output --json --stack "$stack" | jq --compact-output '.backupGate // empty')
if [ -z "$gate" ]; then
    echo "$stack: its updates wait for no backup" >&2
    exit 0
fi
max_age=$(jq --raw-output .maxAge <<<"$gate")
namespace=$(jq --raw-output .namespace <<<"$gate")
schedule=$(jq --raw-output .schedule <<<"$gate")

# Seconds in a duration of s, m, h, d and w parts (6h, 1d12h), as the profile writes it.
seconds() {
    local rest=$1 total=0 n unit
    while [[ $rest =~ ^([0-9]+)([smhdw])(.*)$ ]]; do
        n=${BASH_REMATCH[1]} unit=${BASH_REMATCH[2]} rest=${BASH_REMATCH[3]}
        case $unit in
        s) total=$((total + n)) ;;
        m) total=$((total + n * 60)) ;;
        h) total=$((total + n * 3600)) ;;
        d) total=$((total + n * 86400)) ;;
        w) total=$((total + n * 604800)) ;;
        esac
    done
    [ -z "$rest" ] || {
        echo "backupGate.maxAge: $1 is not a duration" >&2
        exit 2
    }
    echo "$total"
}

# Refuses the update, or lets it through with the override's reason.
refuse() {
    if [ -n "${BACKUP_GATE_OVERRIDE:-}" ]; then
        echo "::warning::$stack: updating without a fresh backup ($BACKUP_GATE_OVERRIDE): $1"
        exit 0
    fi
    echo "::error::$stack: $1. Back up now (velero backup create --from-schedule $schedule --namespace $namespace --wait) and run the update again, or set BACKUP_GATE_OVERRIDE to the reason to update without one."
    exit 1
}

kubeconfig=$(mktemp)
errors=$(mktemp)
trap 'rm -f "$kubeconfig" "$errors"' EXIT
chmod 600 "$kubeconfig"
# A cluster the gate cannot read is refused like a stale backup, so that the override also lets
# through an update that repairs the cluster.
pulumi stack output kubeconfig --show-secrets --stack "$stack" >"$kubeconfig" 2>"$errors" ||
    refuse "cannot read the stack's kubeconfig output: $(tail -n 1 "$errors")"
backups=$(KUBECONFIG="$kubeconfig" kubectl get backups.velero.io --namespace "$namespace" \
    --selector velero.io/schedule-name --output json 2>"$errors") ||
    refuse "cannot read Velero's backups: $(tail -n 1 "$errors")"

# The newest completed backup of any schedule: "<name> <completion in Unix seconds>", or nothing.
newest=$(jq --raw-output '[.items[] | select(.status.phase == "Completed")]
      | max_by(.status.completionTimestamp) // empty
      | "\(.metadata.name) \(.status.completionTimestamp | fromdateiso8601)"' <<<"$backups")
[ -n "$newest" ] || refuse "Velero has no completed scheduled backup in $namespace, and its updates wait for one at most $max_age old"

name=${newest% *}
age=$(($(date +%s) - ${newest#* }))
limit=$(seconds "$max_age")
minutes=$((age / 60))
[ "$age" -le "$limit" ] ||
    refuse "the newest completed backup, $name, is $((minutes / 60))h$((minutes % 60))m old, and its updates wait for one at most $max_age old"
echo "$stack: the newest completed backup, $name, is $((minutes / 60))h$((minutes % 60))m old (at most $max_age)" >&2
