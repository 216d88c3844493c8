#!/usr/bin/env bash
# Benchmark of `gocross audit` against the reference tools it replaces, measured in one run on
# the same files:
#   1. speed: `gocross audit --json` on a multi-target set of Go binaries plus every ELF file in
#      /usr/bin, against `file`, `readelf -d`, `readelf -V` and `go version -m` on the same
#      files (batched: one process per tool for all files; and per file, as a script that
#      loops over artifacts runs them). Best of 3 runs each; the ratio is baseline / gocross.
#   2. memory: peak RSS (`/usr/bin/time -v`) of `gocross audit --json` on a 100 MiB Go binary,
#      next to the reference tools on the same file.
# Usage: bench/audit.sh            (needs go, file, binutils, GNU time; builds gocross --release)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "==> building gocross (release)" >&2
cargo build --release --quiet
gocross="$PWD/target/release/gocross"

# The file list (`files`): the Go corpus and every regular ELF file in /usr/bin.
audit_corpus "$work"
count=${#files[@]}
bytes=$(du -cb "${files[@]}" | tail -1 | cut -f1)
echo "==> $count files, $((bytes >> 20)) MiB" >&2

# Best wall time of 3 runs of a shell snippet, in seconds.
best_of_3() {
  local best="" start end t
  for _ in 1 2 3; do
    start=$(date +%s.%N)
    eval "$1" >/dev/null 2>&1 || true
    end=$(date +%s.%N)
    t=$(echo "$end - $start" | bc -l)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
  done
  printf '%.3f' "$best"
}

# The three commands are eval'd, so they expand there, not here.
# shellcheck disable=SC2016
baseline_batched='file "${files[@]}"; readelf -d "${files[@]}"; readelf -V "${files[@]}"; go version -m "${files[@]}"'
# shellcheck disable=SC2016
baseline_per_file='for f in "${files[@]}"; do file "$f"; readelf -d "$f"; readelf -V "$f"; go version -m "$f"; done'
# shellcheck disable=SC2016
ours='"$gocross" audit --json --no-config "${files[@]}"'

eval "$ours" >/dev/null 2>&1 || true   # warm the page cache
t_ours=$(best_of_3 "$ours")
t_batched=$(best_of_3 "$baseline_batched")
t_per_file=$(best_of_3 "$baseline_per_file")

echo
echo "speed ($count files, $((bytes >> 20)) MiB, best of 3):"
printf '  gocross audit --json                                  %8.3f s\n' "$t_ours"
printf '  file + readelf -d + readelf -V + go version -m, batched %8.3f s   ratio %6.1fx\n' \
  "$t_batched" "$(echo "$t_batched / $t_ours" | bc -l)"
printf '  the same four tools per file                          %8.3f s   ratio %6.1fx\n' \
  "$t_per_file" "$(echo "$t_per_file / $t_ours" | bc -l)"

echo "==> building a 100 MiB Go binary" >&2
mkdir -p "$work/big"
cat > "$work/big/go.mod" <<'EOF'
module example.com/big

go 1.22
EOF
cat > "$work/big/main.go" <<'EOF'
// Command big embeds 96 MiB so that its binary is about 100 MiB.
package main

import (
	_ "embed"
	"fmt"
)

//go:embed payload.bin
var payload []byte

func main() { fmt.Println(len(payload)) }
EOF
head -c $((96 << 20)) /dev/urandom > "$work/big/payload.bin"
(cd "$work/big" && CGO_ENABLED=0 go build -o "$work/big/big" .)
big="$work/big/big"

peak() { # peak RSS in KiB of a command
  /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ {print $2}'
}
echo
echo "memory (peak RSS on a $(( $(stat -c %s "$big") >> 20 )) MiB Go binary):"
printf '  gocross audit --json   %7d KiB\n' "$(peak "$gocross" audit --json --no-config "$big")"
printf '  file                   %7d KiB\n' "$(peak file "$big")"
printf '  readelf -d             %7d KiB\n' "$(peak readelf -d "$big")"
printf '  readelf -V             %7d KiB\n' "$(peak readelf -V "$big")"
printf '  go version -m          %7d KiB\n' "$(peak go version -m "$big")"
