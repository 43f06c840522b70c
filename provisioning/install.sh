#!/usr/bin/env bash
# Set up a Floorcraft box on Raspberry Pi OS (Bookworm, arm64) or Debian 12. Idempotent: run it again after an
# update. Every step is a function; --dry-run prints the steps and changes nothing.
#
#   sudo provisioning/install.sh [--dry-run] [--root DIR] [--wheelhouse DIR] [--hostname NAME]
#                                [--access-point SSID --passphrase PASS] [--skip-venv]
#
# --root DIR installs into DIR instead of / (for tests and image builds: no systemctl, no user database calls).
# --wheelhouse DIR installs Floorcraft and what it needs from DIR with no internet; make DIR on a connected
#   machine of the same kind with: pip wheel --wheel-dir DIR /path/to/floorcraft
set -euo pipefail

SOURCE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROOT=/
DRY_RUN=0
WHEELHOUSE=""
HOSTNAME_WANTED=floorcraft
AP_SSID=""
AP_PASS=""
SKIP_VENV=0

say() { printf '==> %s\n' "$*"; }
run() { if [ "$DRY_RUN" = 1 ]; then printf '    would run: %s\n' "$*"; else "$@"; fi; }
path() { printf '%s%s' "${ROOT%/}" "$1"; }

parse_args() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --dry-run) DRY_RUN=1 ;;
      --root) ROOT=${2:?--root needs a directory}; shift ;;
      --wheelhouse) WHEELHOUSE=${2:?--wheelhouse needs a directory}; shift ;;
      --hostname) HOSTNAME_WANTED=${2:?--hostname needs a name}; shift ;;
      --access-point) AP_SSID=${2:?--access-point needs an SSID}; shift ;;
      --passphrase) AP_PASS=${2:?--passphrase needs a value}; shift ;;
      --skip-venv) SKIP_VENV=1 ;;
      *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
  done
  if [ -n "$AP_SSID" ] && [ ${#AP_PASS} -lt 8 ]; then
    echo "install.sh: --access-point needs --passphrase of at least 8 characters" >&2; exit 2
  fi
}

check_root() {
  say "checking privileges"
  if [ "$ROOT" = / ] && [ "$DRY_RUN" = 0 ] && [ "$(id -u)" != 0 ]; then
    echo "install.sh: run as root (sudo)" >&2; exit 1
  fi
}

check_os() {
  say "checking the operating system"
  local release
  release=$(path /etc/os-release)
  if [ ! -r "$release" ] || ! grep -Eq '^VERSION_CODENAME=(bookworm|trixie)$' "$release"; then
    echo "install.sh: needs Debian or Raspberry Pi OS Bookworm ($release)" >&2; exit 1
  fi
}

create_users() {
  say "creating the users floorcraft and floorcraft-kiosk"
  local user
  for user in floorcraft floorcraft-kiosk; do
    if [ "$ROOT" = / ]; then
      id "$user" >/dev/null 2>&1 || run useradd --system --home-dir /var/lib/floorcraft --shell /usr/sbin/nologin "$user"
    elif ! grep -q "^$user:" "$(path /etc/passwd)" 2>/dev/null; then
      run mkdir -p "$(path /etc)"
      if [ "$DRY_RUN" = 0 ]; then
        local uid=$(( 900 + $(wc -l < "$(path /etc/passwd)" 2>/dev/null || echo 0) ))
        echo "$user:x:$uid:$uid::/var/lib/floorcraft:/usr/sbin/nologin" >> "$(path /etc/passwd)"
        echo "$user:x:$uid:" >> "$(path /etc/group)"
      else
        printf '    would add %s to %s\n' "$user" "$(path /etc/passwd)"
      fi
    fi
  done
}

create_dirs() {
  say "creating /opt/floorcraft, /etc/floorcraft and /var/lib/floorcraft"
  run mkdir -p "$(path /opt/floorcraft/bin)" "$(path /etc/floorcraft)" "$(path /var/lib/floorcraft)" \
    "$(path /etc/systemd/system)" "$(path /etc/udev/rules.d)"
  run chmod 0750 "$(path /var/lib/floorcraft)"
}

# The Debian packages the application needs: the venv, and Pango and fonts for the printed documents (WeasyPrint).
PACKAGES="python3-venv libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"

install_packages() {
  say "installing the system packages ($PACKAGES)"
  if [ "$ROOT" != / ]; then
    say "skipping the system packages (--root: not the live system)"
    return
  fi
  # shellcheck disable=SC2086
  run apt-get install -y -qq --no-install-recommends $PACKAGES
}

install_app() {
  say "installing the application"
  run cp -r "$SOURCE/appliance" "$SOURCE/web" "$SOURCE/pyproject.toml" "$SOURCE/README.md" "$(path /opt/floorcraft/)"
  run install -m 0755 "$SOURCE/provisioning/floorcraft-usb-export" "$SOURCE/provisioning/floorcraft-kiosk" \
    "$(path /opt/floorcraft/bin/)"
  if [ "$SKIP_VENV" = 1 ]; then
    say "skipping the Python environment (--skip-venv)"
    return
  fi
  local venv
  venv=$(path /opt/floorcraft/venv)
  [ -x "$venv/bin/python" ] || run python3 -m venv "$venv"
  if [ -n "$WHEELHOUSE" ]; then
    run "$venv/bin/pip" install --no-index --find-links "$WHEELHOUSE" --upgrade floorcraft
  else
    run "$venv/bin/pip" install --upgrade "$(path /opt/floorcraft)"
  fi
}

install_settings() {
  say "writing /etc/floorcraft/floorcraft.env (kept if it exists)"
  local env_file
  env_file=$(path /etc/floorcraft/floorcraft.env)
  if [ -e "$env_file" ]; then return; fi
  if [ "$DRY_RUN" = 1 ]; then printf '    would write %s\n' "$env_file"; return; fi
  {
    echo "FLOORCRAFT_HOST=0.0.0.0"
    echo "FLOORCRAFT_PORT=80"
    echo "# live results: fan-out worker processes (started by the first viewer, stopped after IDLE seconds"
    echo "# without one) and the viewers' cap (docs/performance.md; a Pi 4 or 5)"
    echo "FLOORCRAFT_LIVE_WORKERS=2"
    echo "FLOORCRAFT_LIVE_WORKERS_IDLE=600"
    echo "FLOORCRAFT_LIVE_MAX_VIEWERS=5000"
    if [ -n "$AP_SSID" ]; then
      echo "FLOORCRAFT_PUBLIC_URL=http://192.168.4.1"
      echo "FLOORCRAFT_MDNS_INTERFACES=192.168.4.1"
    fi
  } > "$env_file"
}

install_units() {
  say "installing the systemd units and the USB rule"
  run install -m 0644 "$SOURCE"/systemd/*.service "$SOURCE"/systemd/*.timer "$(path /etc/systemd/system/)"
  run install -m 0644 "$SOURCE/systemd/99-floorcraft-usb.rules" "$(path /etc/udev/rules.d/)"
  if [ "$ROOT" = / ] && command -v systemctl >/dev/null; then
    run systemctl daemon-reload
    run systemctl enable floorcraft.service floorcraft-backup.timer floorcraft-kiosk.service
    run udevadm control --reload
  fi
}

set_hostname() {
  say "setting the hostname to $HOSTNAME_WANTED"
  local file
  file=$(path /etc/hostname)
  if [ "$(cat "$file" 2>/dev/null)" = "$HOSTNAME_WANTED" ]; then return; fi
  if [ "$DRY_RUN" = 1 ]; then printf '    would write %s\n' "$file"; return; fi
  echo "$HOSTNAME_WANTED" > "$file"
  grep -q " $HOSTNAME_WANTED\$" "$(path /etc/hosts)" 2>/dev/null || echo "127.0.1.1 $HOSTNAME_WANTED" >> "$(path /etc/hosts)"
  if [ "$ROOT" = / ] && command -v hostnamectl >/dev/null; then run hostnamectl set-hostname "$HOSTNAME_WANTED"; fi
}

setup_access_point() {
  [ -n "$AP_SSID" ] || return 0
  say "setting up the officials' access point $AP_SSID (192.168.4.1/24, NetworkManager)"
  local file
  file=$(path /etc/NetworkManager/system-connections/floorcraft-ap.nmconnection)
  run mkdir -p "$(dirname "$file")"
  if [ "$DRY_RUN" = 1 ]; then printf '    would write %s\n' "$file"; return; fi
  cat > "$file" <<NM
[connection]
id=floorcraft-ap
type=wifi
autoconnect=true
interface-name=wlan0

[wifi]
mode=ap
ssid=$AP_SSID

[wifi-security]
key-mgmt=wpa-psk
psk=$AP_PASS

[ipv4]
method=shared
address1=192.168.4.1/24

[ipv6]
method=disabled
NM
  chmod 0600 "$file"
}

main() {
  parse_args "$@"
  check_root
  check_os
  create_users
  create_dirs
  install_packages
  install_app
  install_settings
  install_units
  set_hostname
  setup_access_point
  say "done$([ "$DRY_RUN" = 1 ] && echo ' (dry run: nothing was changed)')"
}

main "$@"
