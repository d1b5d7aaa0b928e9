#!/usr/bin/env bash
# Install what the end-to-end tests need on Debian 12, run as root.
# Installs only the missing Debian packages (no apt-get at all when none is
# missing), keeps their post-install scripts from starting system daemons,
# then runs `npm ci` when node_modules is missing or older than the lockfile.
set -euo pipefail

PACKAGES=(
  mariadb-server mariadb-client
  dovecot-core dovecot-imapd dovecot-pop3d dovecot-lmtpd dovecot-auth-lua
  postfix swaks pure-ftpd pamtester
  apache2 libapache2-mod-authnz-external
  lftp curl make
)
# npm installs the pinned Node 24 and the build tools; a machine without
# any Node gets Debian's npm for that one step.
command -v npm >/dev/null 2>&1 || PACKAGES+=(npm)
readonly PACKAGES
readonly POLICY_RC=/usr/sbin/policy-rc.d
project_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly project_dir

fail() {
  echo "install-deps: error: $*" >&2
  exit 1
}

is_installed() {
  local status
  status="$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null)" ||
    return 1
  [[ "$status" == ii* ]]
}

list_missing_packages() {
  local package
  for package in "${PACKAGES[@]}"; do
    is_installed "$package" || echo "$package"
  done
}

# Debian's invoke-rc.d runs policy-rc.d before it starts a daemon. Exit code
# 101 means "action forbidden", so the installs leave the daemons stopped.
block_daemon_starts() {
  if [[ -e "$POLICY_RC" ]]; then
    echo "install-deps: keeping existing $POLICY_RC"
    return
  fi
  printf '#!/bin/sh\nexit 101\n' >"$POLICY_RC"
  chmod 0755 "$POLICY_RC"
  trap 'rm -f "$POLICY_RC"' EXIT
  echo "install-deps: created $POLICY_RC to keep daemons stopped"
}

install_package() {
  echo "install-deps: installing $1"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    --no-install-recommends "$1" >/dev/null ||
    fail "apt-get install failed for package $1"
  is_installed "$1" || fail "package $1 is still not installed"
}

install_missing_packages() {
  local missing
  mapfile -t missing < <(list_missing_packages)
  if ((${#missing[@]} == 0)); then
    echo "install-deps: all Debian packages are installed"
    return
  fi
  [[ "$(id -u)" == 0 ]] ||
    fail "missing packages (${missing[*]}): run this script as root"
  echo "install-deps: missing packages: ${missing[*]}"
  block_daemon_starts
  echo "install-deps: running apt-get update"
  DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null ||
    fail "apt-get update failed"
  local package
  for package in "${missing[@]}"; do
    install_package "$package"
  done
}

install_node_modules() {
  # npm rewrites node_modules/.package-lock.json on every install, so its
  # mtime dates the installed tree better than the directory's own mtime.
  local installed="$project_dir/node_modules/.package-lock.json"
  local lockfile="$project_dir/package-lock.json"
  if [[ -f "$installed" && ! "$installed" -ot "$lockfile" ]]; then
    echo "install-deps: node_modules is up to date"
    return
  fi
  echo "install-deps: running npm ci"
  (cd "$project_dir" && npm ci) || fail "npm ci failed in $project_dir"
}

install_missing_packages
install_node_modules
echo "install-deps: done"
