#!/bin/sh
# The restore drill, run by the backup-drill CronJob: restores the canary namespace from its
# newest completed scheduled backup into a scratch namespace, and checks that the restored volume
# holds what the canary wrote while that backup ran. The canary writes the time (Unix seconds)
# every minute, so the restored value must lie between the backup's start less a minute and its
# completion: an empty, stale or foreign volume fails. The scratch namespace and the Restore are
# removed whatever the outcome. The Job's success or failure is the drill's result, which
# kube-state-metrics exports (kube_cronjob_status_last_successful_time).
# Runs on the kubectl image (sh, kubectl, jq, GNU date), as the drill's service account.
# Environment: VELERO_NAMESPACE, CANARY_NAMESPACE, SCRATCH_NAMESPACE, DRILL_TIMEOUT (seconds).
set -eu

velero=${VELERO_NAMESPACE:?}
canary=${CANARY_NAMESPACE:?}
scratch=${SCRATCH_NAMESPACE:?}
timeout=${DRILL_TIMEOUT:-900}
restore="drill-$(date -u +%Y%m%d%H%M%S)"

fail() {
    echo "drill failed: $*" >&2
    exit 1
}

# Unix seconds of a Kubernetes timestamp (2026-12-03T06:00:00Z), by GNU date (the kubectl image's).
seconds() {
    date -u -d "$1" +%s
}

cleanup() {
    kubectl delete namespace "$scratch" --ignore-not-found --wait=false >/dev/null || true
    kubectl delete restores.velero.io "$restore" --namespace "$velero" --ignore-not-found >/dev/null || true
}

# A scratch namespace left by a drill that was killed would make the restore skip what exists.
kubectl delete namespace "$scratch" --ignore-not-found --timeout=300s >/dev/null

# The newest completed backup of any schedule (every schedule backs up the canary).
newest=$(kubectl get backups.velero.io --namespace "$velero" --selector velero.io/schedule-name --output json |
    jq --raw-output '[.items[] | select(.status.phase == "Completed")] | max_by(.status.completionTimestamp) // empty
      | "\(.metadata.name) \(.status.startTimestamp) \(.status.completionTimestamp)"')
[ -n "$newest" ] || fail "no completed scheduled backup in $velero"
# shellcheck disable=SC2086 # three words: name, start, completion
set -- $newest
backup=$1 started=$2 completed=$3
echo "restoring $canary from $backup (started $started, completed $completed) into $scratch"

trap cleanup EXIT
jq --null-input --arg name "$restore" --arg namespace "$velero" --arg backup "$backup" \
    --arg canary "$canary" --arg scratch "$scratch" '{
      apiVersion: "velero.io/v1", kind: "Restore",
      metadata: { name: $name, namespace: $namespace },
      spec: { backupName: $backup, includedNamespaces: [$canary], namespaceMapping: { ($canary): $scratch } }
    }' | kubectl create --filename -

deadline=$(($(date +%s) + timeout))
while :; do
    phase=$(kubectl get restores.velero.io "$restore" --namespace "$velero" --output json | jq --raw-output '.status.phase // ""')
    case "$phase" in
    Completed) break ;;
    Failed | PartiallyFailed | FailedValidation) fail "restore $restore ended $phase" ;;
    esac
    [ "$(date +%s)" -lt "$deadline" ] || fail "restore $restore still ${phase:-New} after ${timeout}s"
    sleep 10
done

# The restored canary prints the value it finds once Velero has written the volume back.
while :; do
    line=$(kubectl logs deployment/canary --namespace "$scratch" 2>/dev/null | grep -m 1 '^restored value:' || true)
    [ -z "$line" ] || break
    [ "$(date +%s)" -lt "$deadline" ] || fail "the restored canary showed no value after ${timeout}s"
    sleep 10
done

value=${line#restored value:}
value=${value# }
earliest=$(($(seconds "$started") - 60))
latest=$(seconds "$completed")
case "$value" in
'' | *[!0-9]*) fail "the restored volume holds \"$value\", not the canary's time" ;;
esac
if [ "$value" -lt "$earliest" ] || [ "$value" -gt "$latest" ]; then
    fail "the restored volume holds $value, written outside backup $backup ($earliest to $latest)"
fi
echo "drill passed: $backup restored, its volume holds $value"
