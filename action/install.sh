#!/usr/bin/env bash
# Installs gocross for the composite action, in seconds on Linux, macOS and Windows runners
# (x64 and arm64). The action knows where it comes from by its own files: the repository and
# version of its Cargo.toml (GITHUB_ACTION_PATH; GITHUB_ACTION_REPOSITORY is empty in a
# composite action's steps), and the commit from the runner's checkout path
# (.../_actions/<owner>/<repo>/<ref>).
#   1. INPUT_VERSION `local`: use the gocross on PATH. Empty: this action's own version.
#      Anything else must be a version (1.2.3, v1.2.3, 1.2.3-rc.1): it goes into a URL.
#   2. A gocross of that version already on PATH or in the runner's tool cache: use it.
#   3. Otherwise, when this action pins the sha256 of the release asset
#      gocross_<version>_<os>_<arch>[.exe] in action/digests.txt, download the asset from the
#      action's repository (curl retries 5xx answers and timeouts), check it against the pinned
#      digest before it is ever run, optionally check its build provenance with
#      `gh attestation verify` (INPUT_VERIFY_ATTESTATION=true), and keep it in the tool cache.
#   4. No pinned digest, but the action runs at a commit whose source is the version asked for
#      (the release commit, which `ci init` pins, cannot list the binaries built from it): download
#      the asset and keep it only when `gh attestation verify` proves it was built from that very
#      commit by this repository's release workflow on a GitHub-hosted runner
#      (https://cli.github.com/manual/gh_attestation_verify; GH_TOKEN comes from action.yml).
#      A failed verification deletes the download and stops; no gh on PATH, or no attestation
#      for the asset, falls through to 5.
#   5. Otherwise (the release came after this action's commit, a 404 for another platform):
#      `cargo install --locked` from the action's own source, but only when that source is the
#      version asked for. Any other download failure stops here: a build from source would take
#      minutes and hide it.
# The release's own checksums file is never read: whoever can change a release can change it
# too. A digest mismatch always stops here: the downloaded file is deleted, never run. The
# release workflow adds each release's digests to action/digests.txt on the default branch,
# so the action at any later commit installs that release in seconds.
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
# Not echoed back: a value that is not a version may carry anything into the log.
[[ "$want" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z][0-9A-Za-z.-]*)?$ ]] ||
  fail "the 'version' input is not a gocross version: write one such as $source_version or v$source_version, 'local' for the gocross on PATH, or nothing for this action's own version"

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

asset="gocross_${want}_${os}_${arch}${exe}"
# The digest this action pins for the asset, from the file at the action's commit.
pinned=""
if [ -n "$os" ] && [ -n "$arch" ] && [ -f "$action_dir/action/digests.txt" ]; then
  pinned=$(awk -v name="$asset" '$1 !~ /^#/ && $2 == name { print $1; exit }' "$action_dir/action/digests.txt")
fi

base="${GOCROSS_DOWNLOAD_URL:-${GITHUB_SERVER_URL:-https://github.com}/$repo/releases/download}/v$want"
# The workflow of this repository that attests the release assets (.github/workflows/release.yml).
signer_workflow="$repo/.github/workflows/release.yml"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Downloads the asset into $tmp; returns 1 on a 404 (no such asset).
download_asset() { download "$base/$asset" "$tmp/$asset"; }

# Deletes the download and stops with $1.
reject() {
  rm -f "$tmp/$asset"
  fail "$1; the download was deleted and not run"
}

# Moves the checked download into the tool cache and puts it on PATH.
install_download() {
  mkdir -p "$bin_dir"
  chmod +x "$tmp/$asset"
  # Moved in beside its final name, then renamed: a move between file systems that is cut
  # off half way never passes for an installed gocross.
  mv "$tmp/$asset" "$bin.partial"
  mv -f "$bin.partial" "$bin"
  add_to_path
  exit 0
}

if [ -n "$pinned" ]; then
  if download_asset; then
    actual=$(sha256 "$tmp/$asset")
    if [ "$pinned" != "$actual" ]; then
      reject "digest mismatch for $asset: this action pins $pinned, the download is $actual"
    fi
    if [ "${INPUT_VERIFY_ATTESTATION:-false}" = true ]; then
      command -v gh >/dev/null || fail "verify-attestation is true, but there is no gh (GitHub CLI) on PATH"
      if ! gh attestation verify "$tmp/$asset" --repo "$repo" \
        --signer-workflow "$signer_workflow" --deny-self-hosted-runners; then
        reject "$asset has no valid build provenance attestation from $signer_workflow"
      fi
    fi
    install_download
  fi
  echo "::notice title=gocross install::no prebuilt gocross $want for $os/$arch at $base; building it from source"
elif [ -n "$os" ] && [ -n "$arch" ] && [ "$want" = "$source_version" ] && [[ "$action_ref" =~ ^[0-9a-f]{40}$ ]]; then
  if ! command -v gh >/dev/null; then
    echo "::notice title=gocross install::this action pins no digest for $asset (action/digests.txt) and there is no gh (GitHub CLI) on PATH to check its build provenance; building it from source"
  elif download_asset; then
    # gh exits 1 both for no attestation and for one that fails the policy: only its
    # "No attestations found" line tells them apart, and only that case may fall back.
    verified=true
    verdict=$(gh attestation verify "$tmp/$asset" --repo "$repo" --source-digest "$action_ref" \
      --signer-workflow "$signer_workflow" --deny-self-hosted-runners 2>&1) || verified=false
    echo "$verdict"
    [ "$verified" = false ] || install_download
    if [[ "$verdict" != *"No attestations found"* ]]; then
      reject "$asset has no valid build provenance attestation that $signer_workflow built it from $repo@$action_ref on a GitHub-hosted runner"
    fi
    rm -f "$tmp/$asset"
    echo "::notice title=gocross install::$asset has no build provenance attestation in $repo; building it from source"
  else
    echo "::notice title=gocross install::no prebuilt gocross $want for $os/$arch at $base; building it from source"
  fi
elif [ -n "$os" ] && [ -n "$arch" ]; then
  echo "::notice title=gocross install::this action pins no digest for $asset (action/digests.txt); building it from source"
fi

if [ "$want" != "$source_version" ]; then
  fail "no prebuilt gocross $want with a digest pinned in this action for ${RUNNER_OS:-this OS}/${RUNNER_ARCH:-this arch}, and this action's source is gocross $source_version: set version to $source_version, or use the action at a commit after the v$want release (its action/digests.txt pins that release)"
fi
command -v cargo >/dev/null || fail "no prebuilt gocross $want for ${RUNNER_OS:-this OS}/${RUNNER_ARCH:-this arch} and no cargo to build it: install Rust (rustup) first"
# The runner checks the action out without .git: its commit is the ref it was asked for.
if [[ "$action_ref" =~ ^[0-9a-f]{40}$ ]]; then
  export GOCROSS_SOURCE_COMMIT="$action_ref"
fi
cargo install --locked --path "$action_dir" --root "$tool_root"
add_to_path
