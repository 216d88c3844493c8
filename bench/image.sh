#!/usr/bin/env bash
# Time and bytes uploaded to make and push a 4-platform image of examples/hello (linux/amd64,
# linux/arm64, linux/arm/7, linux/riscv64, built once by `gocross build --no-verify`) against
# an empty `crane registry serve` on 127.0.0.1, by
#   (a) gocross: `gocross image build` + `gocross image push` (a binary layer and the scratch
#       system layer per platform, the configs, manifests, one SBOM referrer per platform, the
#       index under one tag), and
#   (b) crane: per platform `crane append` of a tar of the binary onto scratch, then `crane
#       mutate` for the platform, entrypoint and user; then `crane index append` of the four
#       (a binary layer only: less than gocross pushes).
# The two take turns, each against a fresh registry, $RUNS rounds; bytes uploaded are the bytes
# the registry process read (/proc/PID/io rchar: request bodies and headers). Prints medians
# and the ratios gocross/crane.
#
# Usage: bench/image.sh    (RUNS=5 changes the number of rounds)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
RUNS=${RUNS:-5}

say() { printf '==> %s\n' "$*" >&2; }

cargo build --release -q
gocross=$root/target/release/gocross
PATH="$PATH:$(go env GOPATH)/bin"
export PATH
command -v crane >/dev/null || go install github.com/google/go-containerregistry/cmd/crane@v0.22.1

work=$(mktemp -d)
registry_pid=
stop_registry() { if [ -n "$registry_pid" ]; then kill "$registry_pid" 2>/dev/null || true; wait "$registry_pid" 2>/dev/null || true; registry_pid=; fi; }
trap 'stop_registry; rm -rf "$work"' EXIT

cp -r examples/hello "$work/hello"
rm -rf "$work/hello/dist"
cat > "$work/hello/gocross.yaml" <<'YAML'
version: 1
project: hello
targets: [linux/amd64, linux/arm64, linux/arm/7, linux/riscv64]
ldflags: -s -w -X main.version={{version}}
image:
  repository: "{{env.BENCH_REGISTRY}}/hello"
  tags: [bench]
YAML
(cd "$work/hello" && git init -q && git add -A && git -c user.name=bench -c user.email=bench@localhost commit -qm bench)
say "building examples/hello for 4 targets"
"$gocross" -C "$work/hello" build --no-verify --version 1.0.0 >/dev/null

# Tars of each binary at /hello (mode 0755), for crane append.
declare -A file=([linux/amd64]=hello_linux_amd64 [linux/arm64]=hello_linux_arm64 [linux/arm/v7]=hello_linux_arm_7 [linux/riscv64]=hello_linux_riscv64)
for p in "${!file[@]}"; do
  d=$work/tar-${file[$p]}
  mkdir -p "$d"
  cp "$work/hello/dist/${file[$p]}" "$d/hello"
  chmod 0755 "$d/hello"
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$d" -cf "$work/${file[$p]}.tar" hello
done

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
start_registry() {
  addr=127.0.0.1:$(port)
  crane registry serve --address "$addr" >/dev/null 2>&1 &
  registry_pid=$!
  for _ in $(seq 100); do (echo >"/dev/tcp/${addr%:*}/${addr#*:}") 2>/dev/null && return; sleep 0.05; done
  echo "registry did not start" >&2; exit 1
}
rchar() { awk '/^rchar/ {print $2}' "/proc/$registry_pid/io"; }
now() { date +%s.%N; }

run_gocross() {
  "$gocross" -C "$work/hello" image build >/dev/null
  BENCH_REGISTRY=$addr "$gocross" -C "$work/hello" image push >/dev/null 2>&1
}
run_crane() {
  local repo=$addr/hello refs=()
  for p in linux/amd64 linux/arm64/v8 linux/arm/v7 linux/riscv64; do
    local key=$p
    [ "$p" = linux/arm64/v8 ] && key=linux/arm64
    local tag=${file[$key]}
    crane append --insecure -f "$work/$tag.tar" -t "$repo:$tag" >/dev/null 2>&1
    crane mutate --insecure "$repo:$tag" --set-platform "$p" --entrypoint /hello --user 65532:65532 -t "$repo:$tag" >/dev/null 2>&1
    refs+=(-m "$repo:$tag")
  done
  crane index append --insecure "${refs[@]}" -t "$repo:bench" >/dev/null 2>&1
}

declare -a g_time g_bytes c_time c_bytes
for i in $(seq "$RUNS"); do
  for tool in gocross crane; do
    start_registry
    before=$(rchar); t0=$(now)
    "run_$tool"
    t1=$(now); after=$(rchar)
    stop_registry
    secs=$(python3 -c "print($t1 - $t0)")
    bytes=$((after - before))
    if [ "$tool" = gocross ]; then g_time+=("$secs"); g_bytes+=("$bytes"); else c_time+=("$secs"); c_bytes+=("$bytes"); fi
    say "round $i $tool: ${secs}s, $bytes bytes read by the registry"
  done
done

python3 - "${g_time[*]}" "${g_bytes[*]}" "${c_time[*]}" "${c_bytes[*]}" <<'PY'
import statistics, sys
gt, gb, ct, cb = ([float(x) for x in a.split()] for a in sys.argv[1:5])
m = statistics.median
print(f"4-platform image of examples/hello, {len(gt)} rounds, medians:")
print(f"  gocross image build + push:        {m(gt):6.2f} s  {m(gb)/1048576:6.2f} MiB uploaded")
print(f"  crane append + mutate + index:     {m(ct):6.2f} s  {m(cb)/1048576:6.2f} MiB uploaded")
print(f"  ratio gocross/crane: time {m(gt)/m(ct):.2f}, bytes {m(gb)/m(cb):.2f}")
PY
