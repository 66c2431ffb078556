#!/usr/bin/env bash
# Prints a kubeconfig for Pulumi that does not expire: a token of the ServiceAccount
# kube-system/homelab-pulumi (cluster-admin), from a Secret of type
# kubernetes.io/service-account-token named by the first argument. K3s's own admin certificate
# in k3s.yaml is valid for a year and renewed only when K3s restarts; a cluster left running
# longer would lock Pulumi out. Deleting the Secret revokes the token.
# Run as root on a server: bash -s -- <secret name>, with this script on stdin. Only the
# kubeconfig goes to stdout; everything else goes to stderr.
set -euo pipefail
# K3s lives in /usr/local/bin, which sudo's secure_path leaves out on RHEL-likes.
PATH="$PATH:/usr/local/bin"

secret="$1"
account=homelab-pulumi
namespace=kube-system
deadline=$((SECONDS + 120))
poll_seconds=2
# Every API request gives up after this, so the script ends soon after its deadline.
request_timeout=10s

log() { printf '%s %s\n' "[homelab]" "$*" >&2; }

# The Secret is not listed in the ServiceAccount's `secrets`, so Kubernetes' cleaner of unused
# legacy tokens leaves it alone.
apply_account() {
  k3s kubectl apply --request-timeout="$request_timeout" -f - >&2 <<MANIFEST
apiVersion: v1
kind: ServiceAccount
metadata:
  name: $account
  namespace: $namespace
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: $account
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: cluster-admin
subjects:
  - kind: ServiceAccount
    name: $account
    namespace: $namespace
---
apiVersion: v1
kind: Secret
metadata:
  name: $secret
  namespace: $namespace
  annotations:
    kubernetes.io/service-account.name: $account
type: kubernetes.io/service-account-token
MANIFEST
}

# The token controller fills the Secret in shortly after it is created.
wait_for_token() {
  local token
  while :; do
    token=$(k3s kubectl -n "$namespace" get secret "$secret" --request-timeout="$request_timeout" -o jsonpath='{.data.token}' 2>/dev/null || true)
    if [ -n "$token" ]; then
      base64 -d <<<"$token"
      return 0
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "the token controller did not fill in secret $namespace/$secret in time; is kube-controller-manager running? see: journalctl -u k3s"
      return 1
    fi
    sleep "$poll_seconds"
  done
}

# The cluster as k3s.yaml names it (its CA), the token as the user. The server stays K3s's
# loopback address, which the program replaces with the API address.
print_kubeconfig() {
  local ca="$1" token="$2"
  cat <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: $ca
    server: https://127.0.0.1:6443
  name: default
contexts:
- context:
    cluster: default
    user: $account
  name: default
current-context: default
users:
- name: $account
  user:
    token: $token
KUBECONFIG
}

main() {
  local ca token
  apply_account
  token=$(wait_for_token)
  ca=$(k3s kubectl config view --raw -o jsonpath='{.clusters[0].cluster.certificate-authority-data}')
  if [ -z "$ca" ]; then
    log "no CA in K3s's kubeconfig (/etc/rancher/k3s/k3s.yaml); has K3s written it?"
    return 1
  fi
  print_kubeconfig "$ca" "$token"
}

main
