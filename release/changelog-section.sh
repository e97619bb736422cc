#!/usr/bin/env bash
# Prints the CHANGELOG.md section of VERSION (without its heading); fails when there is none, so
# no release goes out without its notes.  Usage: release/changelog-section.sh VERSION
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:?usage: release/changelog-section.sh VERSION}
section=$(awk -v v="$version" '
  /^## \[/ { if (found) exit; if (index($0, "## [" v "]") == 1) { found = 1; next } }
  found { print }
  END { if (!found) exit 1 }' CHANGELOG.md) || {
  echo "release: CHANGELOG.md has no section '## [$version]'" >&2
  exit 1
}
printf '%s\n' "$section"
