#!/usr/bin/env bash
# Runs zizmor (pedantic, offline) and actionlint over the workflows a config_workflow fuzz
# run wrote (GOCROSS_FUZZ_OUT): every one must pass both.
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
cd "$work"
zizmor --offline --persona=pedantic --no-progress .github/workflows
# Findings of three kinds are about what the fuzzer wrote into user values, which gocross
# passes through verbatim (the fuzz target checks they read back intact): `runner-label` (a
# self-hosted runner's own label; gocross refuses near misses of GitHub-hosted ones),
# `expression` (the meaning of a user's `${{ }}` in `if:` or an `env:` value) and
# `shellcheck` (a user's `run:` script). Every other finding fails the check.
# shellcheck disable=SC2016 # a Go template, not shell
format=$'{{range $e := .}}{{$e.Kind}} {{$e.Filepath}}:{{$e.Line}}: {{$e.Message}}\n{{end}}'
findings=$(printf '%s\0' .github/workflows/*.yml | xargs -0 -n 200 actionlint -format "$format" || true)
kept=$(grep -v -E '^(runner-label|expression|shellcheck) ' <<< "$findings" | sed '/^$/d' || true)
if [ -n "$kept" ]; then
  echo "$kept"
  exit 1
fi
echo "actionlint: no findings but $(grep -c . <<< "$findings" || true) about user values"
