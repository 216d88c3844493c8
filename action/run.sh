#!/usr/bin/env bash
# Runs gocross inside a job for the composite action. Inputs arrive as environment variables:
# INPUT_COMMAND (words), INPUT_TARGET, INPUT_CONFIG, INPUT_ARGS (words). gocross writes the
# step outputs (artifact-path, artifact-name, sha256, manifest, audit-status, verify-status)
# to $GITHUB_OUTPUT itself.
set -euo pipefail

# An input holding a line break could smuggle a workflow command into the log, or an
# argument nobody wrote: refused whole, never cut.
for name in INPUT_COMMAND INPUT_TARGET INPUT_CONFIG INPUT_ARGS; do
  value="${!name:-}"
  if [[ "$value" == *$'\n'* || "$value" == *$'\r'* ]]; then
    input=$(tr 'A-Z_' 'a-z-' <<< "${name#INPUT_}")
    echo "::error title=gocross::the $input input holds a line break; write it on one line"
    exit 1
  fi
done

argv=()
if [ -n "${INPUT_CONFIG:-}" ]; then
  argv+=(--config "$INPUT_CONFIG")
fi
read -r -a words <<< "${INPUT_COMMAND:-build}"
argv+=("${words[@]}")
if [ -n "${INPUT_TARGET:-}" ]; then
  argv+=(--target "$INPUT_TARGET")
fi
if [ -n "${INPUT_ARGS:-}" ]; then
  read -r -a extra <<< "$INPUT_ARGS"
  argv+=("${extra[@]}")
fi
echo "gocross ${argv[*]}"
exec gocross "${argv[@]}"
