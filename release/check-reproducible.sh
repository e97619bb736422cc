#!/usr/bin/env bash
# Builds one version twice with release/build.sh and compares the checksums: every jar and tree
# must come out byte for byte the same. The rest (SBOMs, the .deb, the image) is compared and
# reported but not required to match. Usage: release/check-reproducible.sh [VERSION]  (default 0.0.0-repro)
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:-0.0.0-repro}
first=$(mktemp)
trap 'rm -f "$first"' EXIT

release/build.sh "$version" > /dev/null
cp "target/release/$version/SHA256SUMS" "$first"
release/build.sh "$version" > /dev/null
second=target/release/$version/SHA256SUMS

status=0
while read -r sum name; do
  again=$(awk -v n="$name" '$2 == n { print $1 }' "$second")
  if [ "$sum" = "$again" ]; then
    echo "reproducible: $name $sum"
    continue
  fi
  case $name in
    *.jar | *.tar.gz | THIRD-PARTY.txt)
      echo "NOT REPRODUCIBLE: $name ($sum, then ${again:-missing})" >&2
      status=1 ;;
    *)
      echo "note: $name differs between two builds ($sum, then ${again:-missing})" >&2 ;;
  esac
done < "$first"
[ $status -eq 0 ] && echo "reproducible: two builds of $version gave the same jars and trees"
exit $status
