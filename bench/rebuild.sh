#!/usr/bin/env bash
# Wall time of an unchanged rebuild: `gocross build` of the default 8 targets into a dist/ that
# an identical build already filled, against a plain parallel loop of the same `go build -o
# loop-dist/<output>` commands (same environment, flags, -ldflags and parallelism, from
# `gocross plan --json`) into outputs that an identical loop already wrote, so that Go's own
# up-to-date check skips every link. On examples/hello and shfmt (mvdan.cc/sh/v3 from the Go
# module proxy), with the warm default GOCACHE. The two take turns in each round; prints the
# median of $RUNS rounds, each round's figures, and the ratio gocross/loop, all measured in this
# run. gocross audits each binary (the loop does not) and runs none (`--no-verify`). The rows
# `hello+archives` and `shfmt+archives` are the same modules with `archives:` in gocross.yaml
# (one archive per target, with the module's LICENSE* and README*), against the same loop: an
# unchanged rebuild keeps every archive.
#
# Usage: bench/rebuild.sh   (RUNS=3 JOBS=<cpus> SHFMT=v3.12.0 change the defaults;
#                            GOCROSS=path times that gocross binary instead of building one)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
JOBS=${JOBS:-$(nproc)}
SHFMT=${SHFMT:-v3.12.0}
VERSION=1.0.0
# shellcheck source=bench/lib.sh
. bench/lib.sh

if [ -z "${GOCROSS:-}" ]; then
  cargo build --release -q
  GOCROSS=$PWD/target/release/gocross
fi
gocross=$(realpath "$GOCROSS")

work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
setup_modules "$work" "$SHFMT"
for m in hello shfmt; do
  cp -r "$work/$m" "$work/$m+archives"
  printf 'archives:\n  files: [LICENSE*, README*]\n' >> "$work/$m+archives/gocross.yaml"
  (cd "$work/$m+archives" && git -c user.name=bench -c user.email=bench@localhost commit -qam archives)
done

# One run into the outputs the previous run left: prints seconds.
run_tool() { # tool module
  local dir=$work/$2 start end
  mkdir -p "$dir/loop-dist"
  start=$(now)
  case $1 in
    gocross) "$gocross" -C "$dir" build --jobs "$JOBS" --version "$VERSION" --no-verify ;;
    loop) (cd "$dir" && xargs -d '\n' -P "$JOBS" -I{} sh -c '{}' < loop.txt) ;;
  esac >"$work/$1.log" 2>&1 || { echo "$1 failed on $2:" >&2; tail -20 "$work/$1.log" >&2; return 1; }
  end=$(now)
  echo "$end - $start" | bc
}

printf '%-14s %9s %9s %12s   %s\n' module gocross loop gocross/loop "rounds (gocross loop)"
for m in hello shfmt hello+archives shfmt+archives; do
  emit "$gocross" "$work/$m" "$VERSION"
  # The first build of each fills the build cache and the outputs (twice: nothing is left to
  # link after the second).
  for _ in 1 2; do run_tool gocross "$m" >/dev/null; run_tool loop "$m" >/dev/null; done
  g="" l="" rounds=""
  for ((i = 0; i < RUNS; i++)); do
    a=$(run_tool gocross "$m")
    b=$(run_tool loop "$m")
    g+="$a"$'\n' l+="$b"$'\n' rounds+=$(printf ' %.2f/%.2f' "$a" "$b")
  done
  gm=$(grep . <<<"$g" | median) lm=$(grep . <<<"$l" | median)
  printf '%-14s %9.2f %9.2f %12.2f  %s\n' "$m" "$gm" "$lm" "$(echo "$gm / $lm" | bc -l)" "$rounds"
done
