#!/usr/bin/env bash
# Run by the build (verify, exec-maven-plugin) on the man pages that package rendered: one troff
# page per AsciiDoc page of the command tree, each parsed by groff without a warning and rendered
# by man(1) with its NAME line and a SYNOPSIS. .ci/run installs groff-base and man-db.
#
#   cli/src/test/sh/check-man-pages.sh cli/target/man
set -euo pipefail
man_dir=${1:?usage: check-man-pages.sh TARGET_MAN_DIR}

for tool in groff man; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "check-man-pages: FAILED: $tool is not installed (apt-get install groff-base man-db)" >&2
    exit 1
  fi
done

shopt -s nullglob
adoc=("$man_dir"/*.adoc)
pages=("$man_dir"/man1/*.1)
if [ ${#adoc[@]} -eq 0 ] || [ ${#adoc[@]} -ne ${#pages[@]} ]; then
  echo "check-man-pages: FAILED: ${#adoc[@]} AsciiDoc pages but ${#pages[@]} troff pages in $man_dir/man1" >&2
  exit 1
fi

failed=0
for page in "${pages[@]}"; do
  name=$(basename "$page" .1)
  # -ww: every warning; -z: parse and format, discard the output.
  warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
  if [ -n "$warnings" ]; then
    echo "check-man-pages: $page: groff warns: $warnings" >&2
    failed=1
    continue
  fi
  rendered=$(MANWIDTH=100 MAN_KEEP_FORMATTING= man -l "$page" 2>&1 | col -b)
  if ! grep -q '^NAME' <<<"$rendered" || ! grep -qF "$name - " <<<"$rendered" \
     || ! grep -q '^SYNOPSIS' <<<"$rendered"; then
    echo "check-man-pages: $page: man -l does not show NAME ('$name - ...') and SYNOPSIS:" >&2
    head -20 <<<"$rendered" >&2
    failed=1
  fi
done
[ $failed -eq 0 ] || exit 1
echo "check-man-pages: ${#pages[@]} man pages parse and render"
