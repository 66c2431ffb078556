#!/bin/sh
# Stand-in for K3s's installer, k3s-io/k3s install.sh (the script get.k3s.io serves; read at
# the v1.34 releases), run as `INSTALL_K3S_VERSION=<release> sh install.sh <server|agent>` on a
# node of the fake world. What it models:
# - the role: the first argument (`server`, `agent`), else agent when K3S_URL is set;
# - download_and_verify: "Skipping binary downloaded, installed k3s matches hash" when the
#   installed binary is that release's, else it installs it (here a wrapper of ../k3s that
#   carries the release, so its hash changes with the release as the real binary's does);
# - create_env_file: K3S_*, CONTAINERD_* and proxy variables of its environment, into the unit's
#   env file; the unit file, and the uninstall script;
# - service_enable_and_start: it hashes the binary, the unit file and the env file before and
#   after (get_installed_hashes) and, when none changed and INSTALL_K3S_FORCE_RESTART is not
#   true, prints "No change detected so skipping service start" and does not restart K3s:
#   /etc/rancher/k3s/config.yaml is not among them. Otherwise `systemctl restart <unit>`.
set -e
root="$FAKE_WORLD/nodes/$FAKE_NODE"
standins="$(cd "$(dirname "$(command -v systemctl)")/.." && pwd)"
info() { echo "[INFO]  $*"; }
fatal() { echo "[ERROR]  $*" >&2; exit 1; }

cmd="${1:-}"
if [ -z "$cmd" ]; then
  if [ -n "${K3S_URL:-}" ]; then cmd=agent; else cmd=server; fi
fi
case "$cmd" in
  server) unit=k3s ;;
  agent) unit=k3s-agent ;;
  *) fatal "Unknown command $cmd" ;;
esac
version="${INSTALL_K3S_VERSION:?the stand-in installs pinned releases only}"
bin="$root/usr/local/bin"
service="$root/etc/systemd/system/$unit.service"
hashes() { sha256sum "$bin/k3s" "$service" "$service.env" 2>&1 || true; }

pre=$(hashes)
mkdir -p "$bin" "$(dirname "$service")"
wrapper=$(printf '#!/bin/sh\nK3S_RELEASE=%s exec "%s/k3s" "$@"\n' "$version" "$standins")
if [ -f "$bin/k3s" ] && [ "$(cat "$bin/k3s")" = "$wrapper" ]; then
  info "Skipping binary downloaded, installed k3s matches hash"
else
  info "Downloading binary https://github.com/k3s-io/k3s/releases/download/$version/k3s"
  info "Installing k3s to /usr/local/bin/k3s"
  printf '%s\n' "$wrapper" >"$bin/k3s"
  chmod 755 "$bin/k3s"
fi
uninstall="$bin/k3s-uninstall.sh"
if [ "$cmd" = agent ]; then uninstall="$bin/k3s-agent-uninstall.sh"; fi
cat >"$uninstall" <<UNINSTALL
#!/bin/sh
root="\$FAKE_WORLD/nodes/\$FAKE_NODE"
rm -rf "\$root/etc/rancher" "\$root/var/lib/rancher" "\$root/etc/systemd/system/$unit.service"*
rm -f "\$FAKE_WORLD/state/\$FAKE_NODE/running" "\$root/usr/local/bin/"k3s*
UNINSTALL
chmod 755 "$bin"/k3s*-uninstall.sh
env | grep -E '^(K3S|CONTAINERD)_|^(NO|HTTP|HTTPS)_PROXY=' | sort >"$service.env" || true
chmod 600 "$service.env"
printf '[Unit]\nDescription=Lightweight Kubernetes\n[Service]\nType=notify\nEnvironmentFile=-/etc/systemd/system/%s.service.env\nExecStart=/usr/local/bin/k3s %s\n' \
  "$unit" "$cmd" >"$service"
systemctl enable "$unit" >/dev/null
systemctl daemon-reload
post=$(hashes)
if [ "$pre" = "$post" ] && [ "${INSTALL_K3S_FORCE_RESTART:-}" != true ]; then
  info "No change detected so skipping service start"
  exit 0
fi
info "systemd: Starting $unit"
systemctl restart "$unit"
