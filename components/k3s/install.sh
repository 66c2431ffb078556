#!/usr/bin/env bash
# Installs, upgrades or reconfigures K3s on this node and waits until the node is Ready.
# Run as root: bash -s -- <server|agent> <k3s release> <node name> [<static pod manifest, base64>],
# with this script on stdin
# followed by the node's config.yaml. Bash reads a script from a pipe one byte at a time, so
# when it reaches the last line the rest of stdin is exactly that config: main saves it
# (root-only) as /etc/rancher/k3s/config.yaml. The cluster token lives only there, never in a
# command line, an environment or a log.
set -euo pipefail
# K3s lives in /usr/local/bin, which sudo's secure_path leaves out on RHEL-likes.
PATH="$PATH:/usr/local/bin"

role="$1"
version="$2"
node="$3"
static_pod="${4:-}"
# One deadline for every wait of a run, inside Pulumi's 20-minute timeout of the command: an
# agent may wait for the servers' upgrade and then for its own restart, never longer in all.
deadline=$((SECONDS + 1080))
poll_seconds=10
agent_kubeconfig=/var/lib/rancher/k3s/agent/kubelet.kubeconfig
admin_kubeconfig=/etc/rancher/k3s/k3s.yaml
# Where K3s reads its settings (docs.k3s.io "Configuration File").
k3s_config=/etc/rancher/k3s/config.yaml
# Where the hardened config (components/k3s/config.ts, HARDENING_FILES) reads its policies, and
# the kernel settings the kubelet insists on.
admission_config=/var/lib/rancher/k3s/server/psa.yaml
audit_policy=/var/lib/rancher/k3s/server/audit.yaml
audit_log_dir=/var/lib/rancher/k3s/server/logs
kernel_settings=/etc/sysctl.d/90-kubelet.conf
pod_manifests=/var/lib/rancher/k3s/agent/pod-manifests

log() { printf '%s %s\n' "[homelab]" "$*" >&2; }

# kubectl as this node is allowed to use it: the admin kubeconfig on a server, the kubelet's
# credentials (which may read nodes) on an agent.
node_kubectl() {
  if [ "$role" = server ]; then
    k3s kubectl "$@"
  else
    k3s kubectl --kubeconfig "$agent_kubeconfig" "$@"
  fi
}

# An agent upgrades only once every server runs the new release: a kubelet must never be
# newer than the API servers it talks to.
wait_for_servers() {
  local versions
  while :; do
    versions=$(node_kubectl get nodes -l node-role.kubernetes.io/control-plane=true \
      -o jsonpath='{range .items[*]}{.status.nodeInfo.kubeletVersion}{"\n"}{end}' 2>/dev/null || true)
    if [ -n "$versions" ] && ! grep -qv -x -F "$version" <<<"$versions"; then
      return 0
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "servers are not all on $version in time; not upgrading this agent"
      return 1
    fi
    sleep "$poll_seconds"
  done
}

# kube-vip, the API's virtual IP, as a static pod the kubelet starts with K3s: in place before
# the server starts, so the VIP exists as soon as an API server does. kube-vip reads K3s's admin
# kubeconfig only when it starts, and K3s renews that certificate only when it starts: the
# manifest carries the kubeconfig's digest, so once K3s has rewritten it with a new certificate,
# the rewritten manifest has the kubelet restart kube-vip with it. Written through a dotfile,
# which the kubelet ignores, so it never reads half a manifest.
write_static_pod() {
  local digest=none
  if [ -n "$static_pod" ]; then
    mkdir -p "$pod_manifests"
    if [ -f "$admin_kubeconfig" ]; then
      digest=$(sha256sum "$admin_kubeconfig" | cut -d ' ' -f 1)
    fi
    base64 -d <<<"$static_pod" |
      sed "s|^\(    homelab/admin-kubeconfig-sha256:\) none\$|\1 \"$digest\"|" >"$pod_manifests/.kube-vip.yaml"
    mv "$pod_manifests/.kube-vip.yaml" "$pod_manifests/kube-vip.yaml"
  else
    rm -f "$pod_manifests/kube-vip.yaml"
  fi
}

# Root-only from its first byte: it holds the cluster token (and the S3 keys).
save_config() {
  umask 077
  mkdir -p "$(dirname "$k3s_config")"
  cat >"$k3s_config"
}

# K3s's CIS hardening, when the config asks for it: the kubelet (protect-kernel-defaults) refuses
# to start unless the kernel runs with these settings, and the hardened API server reads its
# admission and audit policies from these files. Written before K3s (re)starts.
harden() {
  local config="$k3s_config"
  if grep -qx 'protect-kernel-defaults: true' "$config"; then
    cat >"$kernel_settings" <<'SYSCTL'
vm.panic_on_oom=0
vm.overcommit_memory=1
kernel.panic=10
kernel.panic_on_oops=1
SYSCTL
    sysctl -p "$kernel_settings" >/dev/null
  fi
  if grep -q 'admission-control-config-file=' "$config"; then
    mkdir -p "$audit_log_dir"
    # Pod Security: baseline wherever a namespace names no level (Argo CD creates application
    # namespaces without labels), restricted reported; the platform's namespaces carry their
    # own levels. Event rate limits as the hardening guide sets them.
    cat >"$admission_config" <<'ADMISSION'
apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
  - name: PodSecurity
    configuration:
      apiVersion: pod-security.admission.config.k8s.io/v1
      kind: PodSecurityConfiguration
      defaults:
        enforce: baseline
        enforce-version: latest
        audit: restricted
        audit-version: latest
        warn: restricted
        warn-version: latest
      exemptions:
        usernames: []
        runtimeClasses: []
        namespaces: [kube-system]
  - name: EventRateLimit
    configuration:
      apiVersion: eventratelimit.admission.k8s.io/v1alpha1
      kind: Configuration
      limits:
        - type: Server
          qps: 5000
          burst: 20000
ADMISSION
    cat >"$audit_policy" <<'AUDIT'
apiVersion: audit.k8s.io/v1
kind: Policy
rules:
  - level: Metadata
AUDIT
  fi
}

# Ready on the new release: right after a restart the Node still shows the Ready status (and
# the version) from before it, which must not count.
wait_until_ready() {
  local status
  while :; do
    status=$(node_kubectl get node "$node" \
      -o jsonpath='{.status.conditions[?(@.type=="Ready")].status} {.status.nodeInfo.kubeletVersion}' \
      2>/dev/null || true)
    if [ "$status" = "True $version" ]; then
      log "node $node is Ready on $version"
      return 0
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "node $node is not Ready on $version in time (last: ${status:-no answer}); see: journalctl -u k3s*"
      return 1
    fi
    sleep "$poll_seconds"
  done
}

main() {
  case "$role" in
    server | agent) ;;
    *)
      log "role must be server or agent, not '$role'"
      exit 2
      ;;
  esac
  save_config
  harden
  if [ "$role" = server ]; then
    write_static_pod
  fi
  if [ "$role" = agent ] && [ -f "$agent_kubeconfig" ]; then
    wait_for_servers
  fi
  # The official installer verifies the binary's checksum and (re)starts the k3s service, which
  # reads config.yaml.
  curl -sfL https://get.k3s.io | INSTALL_K3S_VERSION="$version" sh -s - "$role"
  wait_until_ready
  if [ "$role" = server ]; then
    write_static_pod
  fi
}

# Must stay the last line: the config follows it on stdin.
main "$@"
