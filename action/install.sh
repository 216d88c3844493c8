#!/usr/bin/env bash
# Installs gocross for the composite action, in seconds on Linux, macOS and Windows runners
# (x64 and arm64). The action knows where it comes from by its own files: the repository and
# version of its Cargo.toml (GITHUB_ACTION_PATH; GITHUB_ACTION_REPOSITORY is empty in a
# composite action's steps), and the commit from the runner's checkout path
# (.../_actions/<owner>/<repo>/<ref>).
#   1. INPUT_VERSION `local`: use the gocross on PATH. Empty: this action's own version.
#   2. A gocross of that version already on PATH or in the runner's tool cache: use it.
#   3. Otherwise download the release asset gocross_<version>_<os>_<arch>[.exe] and
#      gocross_<version>_checksums.txt from the action's repository (curl retries 5xx
#      answers and timeouts), check the asset's sha256 before it is ever run, optionally its
#      build provenance with `gh attestation verify` (INPUT_VERIFY_ATTESTATION=true), and keep
#      it in the tool cache.
#   4. No such asset, a 404 (another platform, an unreleased commit): `cargo install --locked`
#      from the action's own source, but only when that source is the version asked for. Any
#      other download failure stops here: a build from source would take minutes and hide it.
# A checksum mismatch always stops here: the downloaded file is deleted, never run. The
# checksum proves the file is the one published next to it, not who published it; the
# attestation check proves that it was built by the repository's release workflow.
# GOCROSS_DOWNLOAD_URL replaces the release download base (a mirror, or a test server).
set -euo pipefail

fail() { echo "::error title=gocross install::$*"; exit 1; }

action_dir="${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set: run this as part of the gocross action}"
cargo_field() { sed -n "s/^$1 = \"\\(.*\\)\"\$/\\1/p" "$action_dir/Cargo.toml" | head -n 1; }
source_version=$(cargo_field version)
repository_url=$(cargo_field repository)
repo="${repository_url#https://github.com/}"
repo="${repo%.git}"
if [ -z "$source_version" ] || [ -z "$repo" ]; then
  fail "$action_dir/Cargo.toml names no version or repository: is this the gocross action?"
fi
action_ref="${action_dir%/}"
action_ref="${action_ref##*/}"
want="${INPUT_VERSION:-$source_version}"
if [ "$want" = local ]; then
  command -v gocross >/dev/null || fail "version is 'local', but there is no gocross on PATH"
  echo "using $(command -v gocross) ($(gocross --version))"
  exit 0
fi
want="${want#v}"
[ -n "$want" ] || fail "cannot tell which gocross version to install: set the 'version' input"

if command -v gocross >/dev/null && [ "$(gocross --version 2>/dev/null | head -n 1)" = "gocross $want" ]; then
  echo "using $(command -v gocross) (gocross $want)"
  exit 0
fi

case "${RUNNER_OS:-}" in
  Linux) os=linux ;;
  macOS) os=darwin ;;
  Windows) os=windows ;;
  *) os="" ;;
esac
case "${RUNNER_ARCH:-}" in
  X64) arch=amd64 ;;
  ARM64) arch=arm64 ;;
  *) arch="" ;;
esac
exe=""
[ "$os" = windows ] && exe=.exe

tool_root="${RUNNER_TOOL_CACHE:-${HOME}/.cache}/gocross/$want/${os:-any}-${arch:-any}"
bin_dir="$tool_root/bin"
bin="$bin_dir/gocross$exe"

add_to_path() {
  if [ -n "${GITHUB_PATH:-}" ]; then
    echo "$bin_dir" >> "$GITHUB_PATH"
  fi
  echo "installed $bin"
}

if [ -x "$bin" ]; then
  echo "gocross $want found in the tool cache"
  add_to_path
  exit 0
fi

sha256() {
  if command -v sha256sum >/dev/null; then
    sha256sum "$1" | cut -d ' ' -f 1
  else
    shasum -a 256 "$1" | cut -d ' ' -f 1
  fi
}

# Downloads $1 into $2. Returns 1 when the server answers 404 (no such asset); any other
# failure, once curl's retries are spent, fails the install.
download() {
  local code reason
  if code=$(curl --fail --silent --show-error --location \
    --retry 5 --retry-delay "${GOCROSS_RETRY_DELAY:-2}" --connect-timeout 20 \
    --write-out '%{http_code}' --output "$2" "$1"); then
    return 0
  fi
  [ "$code" != 404 ] || return 1
  reason="HTTP $code"
  [ "$code" != 000 ] || reason="no answer from the server"
  fail "cannot download $1 ($reason): re-run the job, or set GOCROSS_DOWNLOAD_URL to a reachable mirror"
}

if [ -n "$os" ] && [ -n "$arch" ]; then
  base="${GOCROSS_DOWNLOAD_URL:-${GITHUB_SERVER_URL:-https://github.com}/$repo/releases/download}/v$want"
  asset="gocross_${want}_${os}_${arch}${exe}"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  if download "$base/gocross_${want}_checksums.txt" "$tmp/checksums.txt" && download "$base/$asset" "$tmp/$asset"; then
    expected=$(awk -v name="$asset" '$2 == name { print $1 }' "$tmp/checksums.txt")
    [ -n "$expected" ] || fail "gocross_${want}_checksums.txt has no line for $asset"
    actual=$(sha256 "$tmp/$asset")
    if [ "$expected" != "$actual" ]; then
      rm -f "$tmp/$asset"
      fail "checksum mismatch for $asset: expected $expected, got $actual; the download was deleted and not run"
    fi
    if [ "${INPUT_VERIFY_ATTESTATION:-false}" = true ]; then
      command -v gh >/dev/null || fail "verify-attestation is true, but there is no gh (GitHub CLI) on PATH"
      if ! gh attestation verify "$tmp/$asset" --repo "$repo"; then
        rm -f "$tmp/$asset"
        fail "$asset has no valid build provenance attestation from $repo; the download was deleted and not run"
      fi
    fi
    mkdir -p "$bin_dir"
    chmod +x "$tmp/$asset"
    # Moved in beside its final name, then renamed: a move between file systems that is cut
    # off half way never passes for an installed gocross.
    mv "$tmp/$asset" "$bin.partial"
    mv -f "$bin.partial" "$bin"
    add_to_path
    exit 0
  fi
  echo "::notice title=gocross install::no prebuilt gocross $want for $os/$arch at $base; building it from source"
fi

if [ "$want" != "$source_version" ]; then
  fail "no prebuilt gocross $want for ${RUNNER_OS:-this OS}/${RUNNER_ARCH:-this arch}, and this action's source is gocross $source_version: set version to $source_version, or use the action of the v$want release"
fi
command -v cargo >/dev/null || fail "no prebuilt gocross $want for ${RUNNER_OS:-this OS}/${RUNNER_ARCH:-this arch} and no cargo to build it: install Rust (rustup) first"
# The runner checks the action out without .git: its commit is the ref it was asked for.
if [[ "$action_ref" =~ ^[0-9a-f]{40}$ ]]; then
  export GOCROSS_SOURCE_COMMIT="$action_ref"
fi
cargo install --locked --path "$action_dir" --root "$tool_root"
add_to_path
