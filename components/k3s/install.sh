#!/usr/bin/env bash
# Installs, upgrades or reconfigures K3s on this node, and restarts it when, and only when, what
# it reads changed: its release, or a file K3s or the kernel reads.
# Run as root: bash -s -- <server|agent> <k3s release> <node name> [<API address> <API name>],
# with this script on stdin followed by the node's files, one line each (components/k3s/node-files.ts):
#   <reader: k3s | kernel | kubelet> <path> <mode> <content in base64, or - for none>
# Bash reads a script from a pipe one byte at a time, so when main runs the rest of stdin is
# exactly those lines. config.yaml holds the cluster token: it lives only there (root-only),
# never in a command line, an environment or a log. A server returns once the API answers at
# <API address> with a certificate for <API name>, as Pulumi's kubeconfig will reach it.
set -euo pipefail
# K3s lives in /usr/local/bin, which sudo's secure_path leaves out on RHEL-likes.
PATH="$PATH:/usr/local/bin"

role="$1"
version="$2"
node="$3"
api_address="${4:-}"
api_name="${5:-}"

# The node's filesystem root: empty on a node (the tests' stand-in for SSH sets a folder).
root=""
# One deadline for every wait of a run, inside Pulumi's 20-minute timeout of the command
# (docs/nodes.md, "A first production up"): no wait starts a request after it.
deadline_seconds=1080
poll_seconds=10
# Every API request gives up after this.
request_timeout=10s
# Where K3s or kube-vip restarted, the API must answer this long in a row before the node is
# done: kube-vip's lease lasts 15 s and is renewed within 10, so a VIP that moves settles in it.
api_steady_seconds=30
api_interval=5

admin_kubeconfig="$root/etc/rancher/k3s/k3s.yaml"
kubelet_kubeconfig="$root/var/lib/rancher/k3s/agent/kubelet.kubeconfig"
# The digest of the settings K3s last became Ready with; uninstalling K3s removes it.
applied="$root/var/lib/rancher/k3s/homelab-applied"
unit=k3s
if [ "$role" = agent ]; then unit=k3s-agent; fi
unit_file="$root/etc/systemd/system/$unit.service"
# The annotation that restarts kube-vip (components/k3s/kube-vip.ts).
kubeconfig_digest_key="homelab/admin-kubeconfig-sha256"

files=()
k3s_changed=0
kube_vip=""
kube_vip_written=0
deadline=0

log() { printf '%s %s\n' "[homelab]" "$*" >&2; }

now() { date +%s; }

past_deadline() { [ "$(now)" -ge "$deadline" ]; }

remaining() {
  local left=$((deadline - $(now)))
  echo $((left > 1 ? left : 1))
}

# kubectl as this node may use it: K3s's admin kubeconfig on a server; on an agent the kubelet's
# credentials, which the node authorizer lets read this node's own Node object and no other
# (not even a list of them).
node_kubectl() {
  local kubeconfig="$kubelet_kubeconfig"
  if [ "$role" = server ]; then kubeconfig="$admin_kubeconfig"; fi
  k3s kubectl --kubeconfig "$kubeconfig" --request-timeout="$request_timeout" "$@"
}

digest_of() {
  if [ -f "$1" ]; then sha256sum "$1" | cut -d ' ' -f 1; fi
}

read_files() {
  local line
  while IFS= read -r line; do
    if [ -n "$line" ]; then files+=("$line"); fi
  done
}

# Writes a file through a dotfile beside it and a rename, so no reader (K3s, the kubelet, which
# ignores dotfiles) ever sees half of it; root-only from its first byte (config.yaml holds the
# cluster token), then the file's mode. Sets `written` when the content or presence changed.
put_file() {
  local target="$root$1" mode="$2" content="$3" staged
  written=0
  if [ "$content" = - ]; then
    if [ -e "$target" ]; then
      rm -f "$target"
      written=1
    fi
    return 0
  fi
  mkdir -p "$(dirname "$target")"
  staged="$(dirname "$target")/.$(basename "$target").new"
  (umask 077 && base64 -d <<<"$content" >"$staged")
  if [ -n "${4:-}" ]; then
    sed -i "s|^\(    $kubeconfig_digest_key:\) none\$|\1 \"$4\"|" "$staged"
  fi
  chmod "$mode" "$staged"
  if cmp -s "$staged" "$target"; then
    rm -f "$staged"
    chmod "$mode" "$target"
  else
    mv "$staged" "$target"
    written=1
  fi
}

# kube-vip's manifest keeps the kubeconfig digest it has on disk, so writing the same pod again
# restarts nothing; a new pod (another VIP, image or interface) restarts it.
kept_kubeconfig_digest() {
  if [ -f "$1" ]; then
    sed -n "s|^    $kubeconfig_digest_key: \"\{0,1\}\([^\"]*\)\"\{0,1\}\$|\1|p" "$1"
  else
    echo none
  fi
}

apply_files() {
  local line reader path mode content
  for line in "${files[@]}"; do
    read -r reader path mode content <<<"$line"
    case "$reader" in
      k3s)
        put_file "$path" "$mode" "$content"
        k3s_changed=$((k3s_changed + written))
        ;;
      kernel)
        put_file "$path" "$mode" "$content"
        k3s_changed=$((k3s_changed + written))
        if [ "$written" = 1 ] && [ "$content" != - ]; then sysctl -p "$root$path" >/dev/null; fi
        ;;
      kubelet)
        put_file "$path" "$mode" "$content" "$(kept_kubeconfig_digest "$root$path")"
        if [ "$content" != - ]; then
          kube_vip="$root$path"
          kube_vip_written=$((kube_vip_written + written))
        fi
        ;;
      *)
        log "unknown reader '$reader' of $path"
        exit 2
        ;;
    esac
  done
}

# The same digest as settingsDigest in components/k3s/node-files.ts.
settings_digest() {
  {
    printf '%s\n' "$version"
    printf '%s\n' "${files[@]}" | grep -v '^kubelet ' || true
  } | sha256sum | cut -d ' ' -f 1
}

installed_release() {
  k3s --version 2>/dev/null | awk 'NR == 1 { print $3 }' || true
}

# The official installer verifies the release's checksum and installs the binary, the systemd
# unit and its env file. It restarts K3s only when one of those three changed ("No change
# detected so skipping service start"; k3s-io/k3s install.sh, get_installed_hashes), never for
# config.yaml alone: this run restarts, so it says so.
install_release() {
  local installer
  installer=$(mktemp)
  if ! timeout "$(remaining)" curl -sfL --retry 3 -o "$installer" https://get.k3s.io; then
    rm -f "$installer"
    log "cannot download K3s's installer from https://get.k3s.io; the node needs outbound HTTPS"
    return 1
  fi
  if ! INSTALL_K3S_VERSION="$version" INSTALL_K3S_FORCE_RESTART=true timeout "$(remaining)" sh "$installer" "$role" >&2; then
    rm -f "$installer"
    log "K3s's installer failed for $version; see above and: journalctl -u $unit"
    return 1
  fi
  rm -f "$installer"
}

# Stopped first, so that no status the old kubelet posts can pass for the new one's.
stop_k3s() {
  timeout "$(remaining)" systemctl stop "$unit"
}

start_k3s() {
  # systemd waits until K3s reports itself up (Type=notify), which may never happen.
  if ! timeout "$(remaining)" systemctl start "$unit"; then
    log "K3s did not start with its new settings; see: journalctl -u $unit"
    return 1
  fi
}

# Ready on this release, as a kubelet started after `since` posted it: the Node shows the status
# from before until then (Ready, maybe the same release), which must not count. A kubelet posts
# its status as soon as it starts, with a new heartbeat.
wait_until_ready() {
  local since="$1" status ready release heartbeat
  while :; do
    if past_deadline; then
      log "node $node is not Ready on $version in time (last: ${status:-no answer}); see: journalctl -u $unit"
      return 1
    fi
    status=$(node_kubectl get node "$node" \
      -o jsonpath='{.status.conditions[?(@.type=="Ready")].status} {.status.nodeInfo.kubeletVersion} {.status.conditions[?(@.type=="Ready")].lastHeartbeatTime}' \
      2>/dev/null || true)
    read -r ready release heartbeat <<<"$status" || true
    if [ "${ready:-}" = True ] && [ "${release:-}" = "$version" ] && [[ "${heartbeat:-}" > "$since" ]]; then
      log "node $node is Ready on $version"
      return 0
    fi
    sleep "$poll_seconds"
  done
}

# kube-vip's mirror pod, as the kubelet reports its static pod: "<uid> <Ready>".
kube_vip_pod() {
  node_kubectl -n kube-system get pod "kube-vip-$node" \
    -o jsonpath='{.metadata.uid} {.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null || true
}

# kube-vip reads K3s's admin kubeconfig only when it starts. K3s writes that file on every start
# but renews its certificate only within 120 days of expiry: when this run's restart changed the
# file, the manifest takes its digest and the kubelet restarts kube-vip with it. A first install
# never does: kube-vip started after K3s first wrote the file.
renew_kube_vip() {
  local before="$1" after
  after=$(digest_of "$admin_kubeconfig")
  if [ -n "$kube_vip" ] && [ -n "$before" ] && [ "$before" != "$after" ]; then
    log "K3s renewed its admin certificate: restarting kube-vip with it"
    sed "s|^\(    $kubeconfig_digest_key:\) .*\$|\1 \"$after\"|" "$kube_vip" >"$(dirname "$kube_vip")/.kube-vip.yaml.new"
    mv "$(dirname "$kube_vip")/.kube-vip.yaml.new" "$kube_vip"
    kube_vip_written=1
  fi
}

# The kubelet restarts a static pod some seconds after its manifest changed: wait for the new pod
# (another UID than `before`), Ready, so the VIP is checked through it and not the old one.
wait_for_kube_vip() {
  local before="$1" pod uid ready
  while :; do
    if past_deadline; then
      log "kube-vip did not start again on $node in time (last: ${pod:-no pod}); see: crictl ps --name kube-vip"
      return 1
    fi
    pod=$(kube_vip_pod)
    read -r uid ready <<<"$pod" || true
    if [ -n "${uid:-}" ] && [ "$uid" != "$before" ] && [ "${ready:-}" = True ]; then
      return 0
    fi
    sleep "$poll_seconds"
  done
}

# The API as Pulumi will reach it: at the address its kubeconfig names (through the VIP,
# whichever server holds it), with a certificate for that name, answering for `steady` seconds
# in a row (at least once).
wait_for_api() {
  local steady="$1" answer first=""
  while :; do
    if past_deadline; then
      log "the API does not answer at https://$api_address:6443 as $api_name in time (last: ${answer:-no answer})"
      return 1
    fi
    answer=$(node_kubectl --server "https://$api_address:6443" --tls-server-name "$api_name" get --raw /readyz 2>&1 || true)
    if [ "$answer" = ok ]; then
      first="${first:-$(now)}"
      if [ $(($(now) - first)) -ge "$steady" ]; then
        log "the API answers at https://$api_address:6443 as $api_name"
        return 0
      fi
      sleep "$api_interval"
    else
      first=""
      sleep "$poll_seconds"
    fi
  done
}

main() {
  local kubeconfig_before kube_vip_before wanted since="" steady=0
  case "$role" in
    server | agent) ;;
    *)
      log "role must be server or agent, not '$role'"
      exit 2
      ;;
  esac
  if [ "$role" = server ] && [ -z "$api_name" ]; then
    log "a server needs the API's address and name to check, after its release and node name"
    exit 2
  fi
  deadline=$(($(now) + deadline_seconds))
  read_files
  kubeconfig_before=$(digest_of "$admin_kubeconfig")
  kube_vip_before=""
  if printf '%s\n' "${files[@]}" | grep -q '^kubelet [^ ]* [^ ]* [^-]'; then
    kube_vip_before=$(kube_vip_pod | cut -d ' ' -f 1)
  fi
  apply_files
  wanted=$(settings_digest)
  if [ "$(installed_release)" != "$version" ] || [ ! -f "$unit_file" ]; then
    # A Ready status posted after this second is the new kubelet's; the old one's shows the
    # release before.
    since=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    sleep 1
    log "installing K3s $version"
    install_release
  elif [ "$k3s_changed" -gt 0 ] || [ "$(cat "$applied" 2>/dev/null || true)" != "$wanted" ] ||
    ! systemctl is-active --quiet "$unit"; then
    log "settings changed, or K3s is not running with them: restarting K3s"
    stop_k3s
    since=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    sleep 1
    start_k3s
  else
    log "K3s $version already runs with these settings: not restarted"
  fi
  if [ -n "$since" ]; then
    wait_until_ready "$since"
    (umask 077 && echo "$wanted" >"$applied")
    steady="$api_steady_seconds"
  fi
  if [ "$role" = server ]; then
    renew_kube_vip "$kubeconfig_before"
    if [ "$kube_vip_written" -gt 0 ]; then
      wait_for_kube_vip "$kube_vip_before"
      steady="$api_steady_seconds"
    fi
    wait_for_api "$steady"
  fi
}

# Must stay the last line: the node's files follow it on stdin.
main "$@"
