#!/usr/bin/env bash
# Wall time of `gocross test` for four Linux targets (amd64 natively; arm64, s390x and
# riscv64 under QEMU user mode) against a plain parallel loop of the same runs:
#   GOOS=linux GOARCH=<arch> go test -exec qemu-<arch>-static <pattern>
# with the same environment, flags and tags (taken from `gocross plan --json`), `-count=1` in
# both (so that `go test` never serves a cached result to one of them), and the same
# parallelism (`--jobs N` against `xargs -P N`). The module is golang.org/x/text from the Go
# module proxy (its ./encoding/... tests: UTF-16 and UTF-32 in both byte orders and the legacy
# multi-byte encodings) unless PATTERN says otherwise. Both are run once to fill the build
# cache, then take turns, starting alternately, for RUNS rounds; prints each median and the
# ratio gocross/loop, all measured in this run.
#
# Usage: bench/test.sh    (RUNS=7 JOBS=<cpus> TEXT=v0.21.0 PATTERN=./encoding/... change the defaults)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
RUNS=${RUNS:-7}
JOBS=${JOBS:-$(nproc)}
TEXT=${TEXT:-v0.21.0}
PATTERN=${PATTERN:-./encoding/...}
TARGETS=(linux/amd64 linux/arm64 linux/s390x linux/riscv64)

say() { printf '==> %s\n' "$*" >&2; }

cargo build --release -q
gocross=$root/target/release/gocross
for arch in aarch64 s390x riscv64; do
  command -v "qemu-$arch-static" >/dev/null || { echo "qemu-$arch-static is missing: apt-get install qemu-user-static" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
src=$(cd "$work" && go mod download -json "golang.org/x/text@$TEXT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
cp -r "$src" "$work/text"
chmod -R u+w "$work/text"
dir=$work/text
{
  printf 'version: 1\nproject: text\ntargets: [%s]\ntest:\n  packages: [%s]\n' "$(IFS=,; t="${TARGETS[*]}"; echo "${t//,/, }")" "$PATTERN"
} > "$dir/gocross.yaml"

# The loop's commands, from the plan: the same environment, flags and tags as gocross uses.
"$gocross" -C "$dir" plan --json > "$work/plan.json"
python3 - "$work/plan.json" "$PATTERN" > "$work/loop.txt" <<'PY'
import json, shlex, sys
plan, pattern = json.load(open(sys.argv[1])), sys.argv[2]
cleared = "GOOS GOARCH GOARM GOAMD64 GOARM64 GO386 GOMIPS GOMIPS64 GOPPC64 GORISCV64 CGO_ENABLED CC CXX GOFLAGS CGO_CFLAGS CGO_CPPFLAGS CGO_CXXFLAGS CGO_FFLAGS CGO_LDFLAGS".split()
qemu = {"arm64": "aarch64", "s390x": "s390x", "riscv64": "riscv64"}
for job in plan["jobs"]:
    arch = job["env"]["GOARCH"]
    args = ["go", "test", "-count=1", *job["flags"]]
    if job["tags"]:
        args += ["-tags", ",".join(job["tags"])]
    if arch in qemu:
        args += ["-exec", f"qemu-{qemu[arch]}-static"]
    args.append(pattern)
    env = ["env"] + [f"-u{v}" for v in cleared] + [f"{k}={v}" for k, v in job["env"].items()]
    print(" ".join(shlex.quote(a) for a in env + args))
PY

now() { date +%s.%N; }
run_tool() { # tool; prints seconds
  local start end
  start=$(now)
  case $1 in
    gocross) "$gocross" -C "$dir" test --jobs "$JOBS" -- -count=1 ;;
    loop) (cd "$dir" && xargs -d '\n' -P "$JOBS" -I{} sh -c '{}' < "$work/loop.txt") ;;
  esac >"$work/$1.log" 2>&1 || { echo "$1 failed:" >&2; tail -30 "$work/$1.log" >&2; return 1; }
  end=$(now)
  echo "$end - $start" | bc
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

say "warming the build cache (both compile every test binary once)"
run_tool gocross >/dev/null
run_tool loop >/dev/null
grep -q '4 of 4 targets passed' "$work/gocross.log" || { cat "$work/gocross.log" >&2; exit 1; }
packages=$(grep -c '^ok ' "$work/loop.log" || true)

g_samples="" l_samples=""
for ((i = 0; i < RUNS; i++)); do
  if ((i % 2 == 0)); then order=(gocross loop); else order=(loop gocross); fi
  for t in "${order[@]}"; do
    s=$(run_tool "$t")
    say "round $((i + 1)) $t: $s s"
    if [ "$t" = gocross ]; then g_samples+="$s "; else l_samples+="$s "; fi
  done
done
g=$(tr ' ' '\n' <<<"$g_samples" | grep . | median)
l=$(tr ' ' '\n' <<<"$l_samples" | grep . | median)
printf 'golang.org/x/text@%s %s on %s, --jobs %s, median of %s runs\n' "$TEXT" "$PATTERN" "${TARGETS[*]}" "$JOBS" "$RUNS"
printf '%-12s %10s\n' "" seconds
printf '%-12s %10.2f\n' "gocross test" "$g" "go test loop" "$l"
printf 'gocross/loop %10.3f   (goal: at most 1.05; %s package runs with tests in the loop)\n' "$(echo "$g / $l" | bc -l)" "$packages"
