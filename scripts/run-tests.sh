#!/usr/bin/env bash
# Runs every test: unit, integration (real MariaDB), end-to-end (real
# Dovecot, Postfix, pure-ftpd, Apache, PAM) and last the check that no
# secret reached any log of the run. Needs root, the packages that
# scripts/install-deps.sh installs, and dist/passgate built by make.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

if ! node --version | grep -q '^v24\.'; then
  echo "run-tests: error: node_modules/.bin/node is not Node 24; run npm ci" >&2
  exit 1
fi
if [[ ! -x dist/passgate ]]; then
  echo "run-tests: error: dist/passgate is missing; run make" >&2
  exit 1
fi

# Every test records the secrets it creates and the logs it writes here, so
# the final test can search all logs of the run for every secret.
PASSGATE_TEST_RUN_DIR="$(mktemp -d /tmp/passgate-test-run.XXXXXX)"
export PASSGATE_TEST_RUN_DIR
chmod 755 "$PASSGATE_TEST_RUN_DIR"
trap 'rm -rf "$PASSGATE_TEST_RUN_DIR"' EXIT

mapfile -t files < <(find test -name '*.test.ts' ! -path 'test/final/*' | sort)

# One test file at a time: the end-to-end files start daemons and the
# machine may have two cores. node --test orders the files it is given by
# path, so the final log check runs in a second call, after all the rest.
status=0
node --test --test-concurrency=1 --test-reporter=spec "${files[@]}" || status=$?
node --test --test-reporter=spec test/final/no-secrets-in-logs.test.ts ||
  status=$?
exit "$status"
