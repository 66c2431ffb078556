#!/bin/sh
# The restore drill, run by the backup-drill CronJob: restores the canary namespace from its
# newest completed scheduled backup into a scratch namespace, and checks that the restored volume
# holds what the canary wrote while that backup ran. The canary writes the time (Unix seconds)
# about once a minute, so the restored value must lie between the backup's start less two minutes
# and its completion: an empty, stale or foreign volume fails. The scratch namespace and the
# Restore are removed whatever the outcome. The Job's success or failure is the drill's result,
# which kube-state-metrics exports (kube_cronjob_status_last_successful_time).
# Runs on the kubectl image (sh, kubectl, jq), as the drill's service account, whose rights are
# exactly the calls below, none of which watches: `kubectl delete` would unless --wait=false, and
# `kubectl logs deployment/...` would while the deployment has no pod, so the drill names the pod.
# Environment: VELERO_NAMESPACE, CANARY_NAMESPACE, SCRATCH_NAMESPACE, DRILL_TIMEOUT (seconds, for
# each of the waits: the old scratch namespace gone, the restore done, the restored value shown).
set -eu

velero=${VELERO_NAMESPACE:?}
canary=${CANARY_NAMESPACE:?}
scratch=${SCRATCH_NAMESPACE:?}
timeout=${DRILL_TIMEOUT:-600}
restore="drill-$(date -u +%Y%m%d%H%M%S)"

fail() {
    echo "drill failed: $*" >&2
    exit 1
}

# Whether the deadline of the current wait has passed.
late() {
    [ "$(date +%s)" -ge "$deadline" ]
}

cleanup() {
    kubectl delete namespace "$scratch" --ignore-not-found --wait=false >/dev/null || true
    kubectl delete restores.velero.io "$restore" --namespace "$velero" --ignore-not-found --wait=false >/dev/null || true
}

# A scratch namespace left by a drill that was killed would make the restore skip what exists:
# it goes first, and the drill waits until it is gone.
kubectl delete namespace "$scratch" --ignore-not-found --wait=false >/dev/null
deadline=$(($(date +%s) + timeout))
while :; do
    left=$(kubectl get namespace "$scratch" --ignore-not-found --output name) || fail "cannot read namespace $scratch"
    [ -n "$left" ] || break
    ! late || fail "namespace $scratch still there after ${timeout}s"
    sleep 10
done

# The newest completed backup of any schedule (every schedule backs up the canary): its name,
# its start and completion, and those in Unix seconds.
newest=$(kubectl get backups.velero.io --namespace "$velero" --selector velero.io/schedule-name --output json |
    jq --raw-output '[.items[] | select(.status.phase == "Completed")] | max_by(.status.completionTimestamp) // empty
      | .status as $s | "\(.metadata.name) \($s.startTimestamp) \($s.completionTimestamp)"
        + " \($s.startTimestamp | fromdateiso8601) \($s.completionTimestamp | fromdateiso8601)"')
[ -n "$newest" ] || fail "no completed scheduled backup in $velero"
# shellcheck disable=SC2086 # five words
set -- $newest
backup=$1 started=$4 completed=$5
echo "restoring $canary from $backup (started $2, completed $3) into $scratch"

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
    ! late || fail "restore $restore still ${phase:-New} after ${timeout}s"
    sleep 10
done

# The restored canary prints the value it finds once Velero has written the volume back.
deadline=$(($(date +%s) + timeout))
error=""
while :; do
    line=""
    if pod=$(kubectl get pods --namespace "$scratch" --selector app.kubernetes.io/name=canary --output name 2>&1); then
        pod=$(echo "$pod" | head -n 1)
        if [ -n "$pod" ] && log=$(kubectl logs "$pod" --namespace "$scratch" 2>&1); then
            line=$(echo "$log" | grep -m 1 '^restored value:' || true)
        else
            error=${log:-no canary pod yet}
        fi
    else
        error=$pod
    fi
    [ -z "$line" ] || break
    ! late || fail "the restored canary showed no value after ${timeout}s (${error:-its log has none})"
    sleep 10
done

value=${line#restored value:}
value=${value# }
case "$value" in
'' | *[!0-9]*) fail "the restored volume holds \"$value\", not the canary's time" ;;
esac
# The canary's minute is a little longer than one (the write, then a minute's sleep).
earliest=$((started - 120))
if [ "$value" -lt "$earliest" ] || [ "$value" -gt "$completed" ]; then
    fail "the restored volume holds $value, written outside backup $backup ($earliest to $completed)"
fi
echo "drill passed: $backup restored, its volume holds $value"
