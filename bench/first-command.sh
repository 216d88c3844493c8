#!/usr/bin/env bash
# What a newcomer waits for: the README's first command, `cargo run --release -- -C
# examples/hello build`, in a fresh clone with an empty target/ (the cargo registry already
# downloaded, as after one `cargo fetch`), timed from the command's start to the first target
# gocross reports built (its first `done` line). Measured in one run for this checkout's commit
# and for a baseline commit (default: the newest commit whose Cargo.toml still had fat LTO in
# [profile.release]), one after the other, each in its own clone; prints both times in seconds,
# the whole command's wall time, the load average around each, and the ratio this/baseline.
# Both clones build with cargo's default jobs (one per CPU), offline and --locked.
#
# Usage: bench/first-command.sh [BASELINE_COMMIT]   (HEAD is measured; commit first)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
head=$(git rev-parse HEAD)
if [ $# -gt 0 ]; then
  base=$(git rev-parse "$1^{commit}")
else
  # The newest commit whose release profile was still fat LTO.
  base=""
  for c in $(git rev-list HEAD -- Cargo.toml); do
    if git show "$c:Cargo.toml" | sed -n '/^\[profile.release\]/,/^\[/p' | grep -q '^lto = "fat"'; then
      base=$c
      break
    fi
  done
  [ -n "$base" ] || { echo "no commit with fat LTO in [profile.release]: name a baseline commit" >&2; exit 2; }
fi
git diff --quiet HEAD || echo "note: uncommitted changes are not measured (HEAD $head is)" >&2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

first_command() { # label commit: prints "label seconds_to_first_build whole_seconds load"
  local dir=$work/$1 start first="" end line before
  git clone -q --no-local "$root" "$dir"
  git -C "$dir" checkout -q --detach "$2"
  before=$(cut -d' ' -f1 /proc/loadavg)
  start=$(date +%s.%N)
  while IFS= read -r line; do
    if [ -z "$first" ] && [[ $line =~ [[:space:]]done[[:space:]] ]]; then
      first=$(date +%s.%N)
    fi
  done < <(cd "$dir" && env -u CARGO_TARGET_DIR cargo run --release --locked --offline -q -- \
    -C examples/hello build 2>&1)
  end=$(date +%s.%N)
  [ -n "$first" ] || { echo "$1: gocross reported no built target" >&2; exit 1; }
  printf '%-9s %s %9.1f %9.1f  %s -> %s\n' "$1" "${2:0:12}" "$(echo "$first - $start" | bc)" \
    "$(echo "$end - $start" | bc)" "$before" "$(cut -d' ' -f1 /proc/loadavg)"
  rm -rf "$dir"
}

printf '%-9s %-12s %9s %9s  %s\n' run commit first_s whole_s load
b=$(first_command baseline "$base")
echo "$b"
h=$(first_command head "$head")
echo "$h"
awk -v b="$(awk '{print $3}' <<<"$b")" -v h="$(awk '{print $3}' <<<"$h")" \
  'BEGIN { printf "ratio head/baseline (to first build): %.2f\n", h / b }'
