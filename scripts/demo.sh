#!/usr/bin/env bash
# make demo: starts a throwaway MariaDB and Dovecot on 127.0.0.1, creates
# an account with the passgate CLI and shows real IMAP logins (curl) being
# accepted and rejected as the account's state changes. Needs root, the
# packages of scripts/install-deps.sh and dist/passgate built by make.
# Everything it starts is stopped and removed, also after Ctrl-C.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

fail() {
  echo "demo: error: $*" >&2
  exit 1
}

[[ "$(id -u)" == 0 ]] || fail "run as root: the demo starts MariaDB and Dovecot"
node --version | grep -q '^v24\.' ||
  fail "node_modules/.bin/node is not Node 24; run npm ci"
[[ -x dist/passgate ]] || fail "dist/passgate is missing; run make"

# Dovecot runs passgate as user dovecot, which cannot enter a checkout
# under /root, so the demo runs a copy from a directory that user can read.
bin_dir="$(mktemp -d /tmp/passgate-demo-bin.XXXXXX)"
trap 'rm -rf "$bin_dir"' EXIT
chmod 755 "$bin_dir"
install -m 755 dist/passgate "$bin_dir/passgate"
export PASSGATE_BIN="$bin_dir/passgate"

node scripts/demo.ts
