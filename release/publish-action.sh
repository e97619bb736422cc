#!/usr/bin/env bash
# Pushes the action's published tree of VERSION (from target/release/VERSION/) to the action's
# own repository: one commit whose tree is exactly keyless-ssh-action-VERSION.tar.gz (action.yml
# and keyless-action.jar at the root), tag vVERSION, and for a final release the major tag
# (v1 for 1.2.3) moved to it, so `uses: OWNER/keyless-ssh-action@v1` follows the release.
#
#   release/publish-action.sh VERSION REPOSITORY_URL
#
# For an https URL the token comes from ACTION_REPO_TOKEN and travels in an HTTP header, never
# in the URL, a file or the log. Any other URL (a path, for the tests) is used as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:?usage: release/publish-action.sh VERSION REPOSITORY_URL}
url=${2:?usage: release/publish-action.sh VERSION REPOSITORY_URL}
tarball=$PWD/target/release/$version/keyless-ssh-action-$version.tar.gz
[ -s "$tarball" ] || { echo "release: $tarball is missing; run release/build.sh $version" >&2; exit 1; }

git_auth=()
if [[ $url == https://* ]]; then
  : "${ACTION_REPO_TOKEN:?set ACTION_REPO_TOKEN to a token that can push to $url}"
  echo "::add-mask::$ACTION_REPO_TOKEN"
  header=$(printf 'x-access-token:%s' "$ACTION_REPO_TOKEN" | base64 -w0)
  echo "::add-mask::$header"
  git_auth=(-c "http.extraHeader=Authorization: Basic $header")
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git "${git_auth[@]}" clone --quiet "$url" "$work/repo"
cd "$work/repo"
# The repository holds the tree and nothing else: remove what the last release had.
git rm -r -q --ignore-unmatch . >/dev/null
tar -xzf "$tarball" -C "$work"
cp -a "$work/keyless-ssh-action/." .
[ -f action.yml ] && [ -f keyless-action.jar ] || { echo "release: the tree has no action.yml and jar at its root" >&2; exit 1; }
git add -A
source_sha=$(git -C "$OLDPWD" rev-parse HEAD 2>/dev/null || echo unknown)
git -c user.name="keyless release" -c user.email="release@keyless.invalid" \
  commit --quiet --allow-empty -m "keyless-ssh-action $version" -m "Built from keyless commit $source_sha."
git tag -a "v$version" -m "keyless-ssh-action $version"
refs=("HEAD:refs/heads/main" "refs/tags/v$version")
if [[ $version =~ ^([0-9]+)\.[0-9]+\.[0-9]+$ ]]; then
  major="v${BASH_REMATCH[1]}"
  git tag -f -a "$major" -m "keyless-ssh-action $version" >/dev/null
  refs+=("+refs/tags/$major")
fi
git "${git_auth[@]}" push --quiet origin "${refs[@]}"
echo "release: pushed keyless-ssh-action $version (${refs[*]}) to $url"
