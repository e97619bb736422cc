#!/usr/bin/env bash
# Run by the build (verify) on the packaged jar: bin/keyless (src/main/dist/keyless) records an
# AppCDS archive on its first run and maps it on the next (-Xshare:on would fail the JVM if it
# could not), prints nothing but the command's own output on stdout, and still runs when the
# archive does not fit (another jar file) or is switched off.
#
#   cli/src/test/sh/check-launcher.sh cli/src/main/dist/keyless cli/target/keyless.jar
set -euo pipefail
launcher=$1
jar=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lib" "$work/bin"
cp "$launcher" "$work/bin/keyless"
cp "$jar" "$work/lib/keyless.jar"
export KEYLESS_CDS_DIR=$work/cds
unset KEYLESS_JAR JAVA_OPTS KEYLESS_CDS

fail() { echo "check-launcher: FAILED: $*" >&2; exit 1; }
one_line() { # OUTPUT WHAT
  [ "$(printf '%s\n' "$1" | wc -l)" -eq 1 ] && [[ $1 == keyless\ * ]] || fail "$2 printed more than the version: $1"
}

first=$("$work/bin/keyless" version)
one_line "$first" "the first run"
archives=("$work"/cds/keyless-*.jsa)
[ -s "${archives[0]}" ] || fail "the first run recorded no archive in $KEYLESS_CDS_DIR"

# -Xshare:on: the JVM refuses to start unless it maps the archive.
second=$(JAVA_OPTS=-Xshare:on "$work/bin/keyless" version) || fail "the second run could not map the archive"
one_line "$second" "the second run"

# Another jar file (size or time changed): another archive name, and a stale one is never fatal.
touch -d '2001-01-01' "$work/lib/keyless.jar"
third=$("$work/bin/keyless" version) || fail "a changed jar did not run"
one_line "$third" "a run with a changed jar"
[ "$(ls "$work"/cds/keyless-*.jsa | wc -l)" -eq 2 ] || fail "a changed jar did not get its own archive"

off=$(KEYLESS_CDS=off "$work/bin/keyless" version) || fail "KEYLESS_CDS=off did not run"
one_line "$off" "KEYLESS_CDS=off"

# Beside the jar (bin/keyless next to keyless.jar, as in cli/target) works too.
cp "$launcher" "$work/lib/keyless"
"$work/lib/keyless" version >/dev/null || fail "a launcher beside the jar did not find it"
echo "check-launcher: bin/keyless records, maps and outlives its AppCDS archive"
