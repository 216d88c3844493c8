#!/usr/bin/env bash
# What each release profile costs and buys: for each variant, a clean `cargo build --release`
# (2 jobs, a fresh target directory; wall and CPU seconds, binary size), then the speed of
# something real, `gocross audit --json` over a multi-target set of Go binaries plus every ELF
# file in /usr/bin (as bench/audit.sh), each file $REPEAT times so that parsing outweighs
# process start, the binaries taking turns, median of $RUNS rounds.
# Variants (all strip symbols): strip, thin (lto=thin), fat (lto=fat), cgu1
# (codegen-units=1), fatcgu1 (both); `none` is cargo's default profile without Cargo.toml's
# [profile.release]. The build times are only comparable within one run on a quiet machine;
# the load average before and after each build is printed with it.
#
# Usage: bench/profile.sh [VARIANT...]   (default: none strip fat cgu1 fatcgu1; RUNS=5 REPEAT=20;
#        PREBUILT=DIR takes DIR/gocross-<variant> instead of building it)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh
RUNS=${RUNS:-5}
REPEAT=${REPEAT:-20}
variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=(none strip fat cgu1 fatcgu1)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

profile_env() { # variant: the CARGO_PROFILE_RELEASE_* settings
  case $1 in
    none) echo "CARGO_PROFILE_RELEASE_STRIP=none CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16" ;;
    strip) echo "CARGO_PROFILE_RELEASE_STRIP=true CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16" ;;
    thin) echo "CARGO_PROFILE_RELEASE_STRIP=true CARGO_PROFILE_RELEASE_LTO=thin CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16" ;;
    fat) echo "CARGO_PROFILE_RELEASE_STRIP=true CARGO_PROFILE_RELEASE_LTO=fat CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16" ;;
    cgu1) echo "CARGO_PROFILE_RELEASE_STRIP=true CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1" ;;
    fatcgu1) echo "CARGO_PROFILE_RELEASE_STRIP=true CARGO_PROFILE_RELEASE_LTO=fat CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1" ;;
    *) echo "unknown variant $1" >&2; exit 2 ;;
  esac
}

printf '%-8s %10s %10s %12s  %s\n' variant wall_s cpu_s bytes load
for v in "${variants[@]}"; do
  if [ -n "${PREBUILT:-}" ]; then
    cp "$PREBUILT/gocross-$v" "$work/gocross-$v"
    continue
  fi
  before=$(cut -d' ' -f1 /proc/loadavg)
  # shellcheck disable=SC2046
  /usr/bin/time -f '%e %U %S' -o "$work/time" env $(profile_env "$v") CARGO_TARGET_DIR="$work/target" \
    cargo build --release -j2 --locked -q
  read -r wall user sys < "$work/time"
  cp "$work/target/release/gocross" "$work/gocross-$v"
  rm -rf "$work/target"
  printf '%-8s %10.0f %10.0f %12d  %s -> %s\n' "$v" "$wall" "$(echo "$user + $sys" | bc)" \
    "$(stat -c %s "$work/gocross-$v")" "$before" "$(cut -d' ' -f1 /proc/loadavg)"
done

audit_corpus "$work"
once=("${files[@]}")
for ((i = 1; i < REPEAT; i++)); do files+=("${once[@]}"); done

audit_once() { # binary: seconds
  local start end
  start=$(date +%s.%N)
  "$1" audit --json --no-config "${files[@]}" > /dev/null 2>&1 || true
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
declare -A samples=()
for v in "${variants[@]}"; do audit_once "$work/gocross-$v" > /dev/null; done  # page cache
for ((i = 0; i < RUNS; i++)); do
  for v in "${variants[@]}"; do samples[$v]+="$(audit_once "$work/gocross-$v") "; done
done
echo
echo "gocross audit --json over ${#once[@]} files x $REPEAT, median of $RUNS (each round's seconds):"
for v in "${variants[@]}"; do
  printf '  %-8s %6.3f s   (%s)\n' "$v" \
    "$(tr ' ' '\n' <<<"${samples[$v]}" | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')" \
    "${samples[$v]% }"
done
