#!/usr/bin/env bash
# Runs zizmor (pedantic, offline) and actionlint over the workflows a config_workflow fuzz
# run wrote (GOCROSS_FUZZ_OUT): every one must pass both with no finding.
# Usage: fuzz/check-rendered.sh DIR
set -euo pipefail
dir="${1:?usage: fuzz/check-rendered.sh DIR}"
shopt -s nullglob
files=("$dir"/*.yml)
echo "${#files[@]} distinct workflows"
[ ${#files[@]} -gt 0 ] || exit 0
# Both checkers read a repository layout: .github/workflows/<name>.yml.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/.github/workflows"
cp "${files[@]}" "$work/.github/workflows/"
(cd "$work" && printf '%s\0' .github/workflows/*.yml | xargs -0 -n 200 zizmor --offline --persona=pedantic --no-progress -q)
(cd "$work" && printf '%s\0' .github/workflows/*.yml | xargs -0 -n 200 actionlint)
echo "zizmor and actionlint: no findings"
