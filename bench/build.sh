#!/usr/bin/env bash
# Wall time of `gocross build` for the default targets against the same builds done by
#   (a) a plain parallel shell loop of `go build` (same environment, flags and parallelism,
#       taken from `gocross plan --json`), and
#   (b) `goreleaser build --snapshot --clean` with one build per target (same settings),
# on examples/hello and on shfmt (mvdan.cc/sh/v3, from the Go module proxy), with a cold
# build cache (a fresh GOCACHE per run, fastest of $COLD_RUNS) and a warm one (median of $RUNS
# runs); the tools take turns in each round.
# gocross audits each binary as part of its build (the others do not) and runs none
# (`--no-verify`). Prints seconds and the ratios gocross/loop and gocross/goreleaser, all
# measured in this run.
#
# Usage: bench/build.sh    (RUNS=5 COLD_RUNS=2 JOBS=<cpus> SHFMT=v3.12.0 change the defaults)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
RUNS=${RUNS:-5}
COLD_RUNS=${COLD_RUNS:-2}
JOBS=${JOBS:-$(nproc)}
SHFMT=${SHFMT:-v3.12.0}
VERSION=1.0.0
# shellcheck source=bench/lib.sh
. bench/lib.sh

say() { printf '==> %s\n' "$*" >&2; }

cargo build --release -q
gocross=$root/target/release/gocross
PATH="$PATH:$(go env GOPATH)/bin"
export PATH
if ! command -v goreleaser >/dev/null; then
  say "installing goreleaser"
  # The latest release may need a newer Go than the one installed (let go fetch it) or a
  # dependency the proxy does not serve; v2.16.0 builds with Go 1.26 from the proxy alone.
  GOTOOLCHAIN=auto go install github.com/goreleaser/goreleaser/v2@latest ||
    go install github.com/goreleaser/goreleaser/v2@v2.16.0
fi

work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

setup_modules "$work" "$SHFMT"

# One timed run: prints seconds.
run_tool() { # tool module
  local dir=$work/$2 start end
  rm -rf "$dir/dist" "$dir/loop-dist"
  mkdir -p "$dir/loop-dist"
  start=$(now)
  case $1 in
    gocross) "$gocross" -C "$dir" build --jobs "$JOBS" --version "$VERSION" --no-verify ;;
    loop) (cd "$dir" && xargs -d '\n' -P "$JOBS" -I{} sh -c '{}' < loop.txt) ;;
    goreleaser) (cd "$dir" && goreleaser build --snapshot --clean --parallelism "$JOBS") ;;
  esac >"$work/$1.log" 2>&1 || { echo "$1 failed on $2:" >&2; tail -20 "$work/$1.log" >&2; return 1; }
  end=$(now)
  echo "$end - $start" | bc
}

tools=(gocross loop goreleaser)
printf '%-7s %-5s %10s %10s %11s %12s %12s\n' module cache gocross loop goreleaser gocross/loop gocross/gorel
for m in hello shfmt; do
  emit "$gocross" "$work/$m" "$VERSION"
  # Check that every tool builds before timing anything.
  for t in "${tools[@]}"; do run_tool "$t" "$m" >/dev/null || { echo "$t failed on $m" >&2; exit 1; }; done
  declare -A cold=() warm=() cold_samples=() samples=()
  # Cold: a fresh GOCACHE per run; the tools take turns, and the fastest of COLD_RUNS counts
  # (the machine is shared, and contention only ever adds time).
  for ((i = 0; i < COLD_RUNS; i++)); do
    for t in "${tools[@]}"; do
      cache=$(mktemp -d "$work/cache.XXXX")
      s=$(GOCACHE=$cache run_tool "$t" "$m")
      chmod -R u+w "$cache" && rm -rf "$cache"
      say "$m cold $t: $s s"
      cold_samples[$t]+="$s "
    done
  done
  # Warm: the default GOCACHE, already filled by the check above; the median of RUNS runs.
  for ((i = 0; i < RUNS; i++)); do
    for t in "${tools[@]}"; do samples[$t]+="$(run_tool "$t" "$m") "; done
  done
  # shellcheck disable=SC2034 # cold and warm are read through the nameref below
  for t in "${tools[@]}"; do
    cold[$t]=$(tr ' ' '\n' <<<"${cold_samples[$t]}" | grep . | sort -n | head -1)
    warm[$t]=$(tr ' ' '\n' <<<"${samples[$t]}" | grep . | median)
  done
  for c in cold warm; do
    declare -n v=$c
    printf '%-7s %-5s %10.2f %10.2f %11.2f %12.3f %12.3f\n' "$m" "$c" "${v[gocross]}" "${v[loop]}" "${v[goreleaser]}" \
      "$(echo "${v[gocross]} / ${v[loop]}" | bc -l)" "$(echo "${v[gocross]} / ${v[goreleaser]}" | bc -l)"
    unset -n v
  done
  unset cold warm cold_samples samples
done
