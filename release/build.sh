#!/usr/bin/env bash
# The release command: builds every artifact of one version into target/release/VERSION/ with a
# CycloneDX SBOM per artifact (ARTIFACT.cdx.json), the aggregated third-party licence report and
# SHA256SUMS. The root README ("Releases") says what each file is.
#
#   release/build.sh VERSION [--require-packages]
#
# VERSION is plain semver (1.2.3, 1.2.3-rc.1). It reaches every module through the root pom's
# ${revision}; nothing in the tree is rewritten. Jar entry times come from the commit's time
# (project.build.outputTimestamp), so two runs on one commit give the same bytes
# (release/check-reproducible.sh tests that).
#
# The agent's .deb and the service's OCI image come from the modules' own -Prelease packaging;
# without --require-packages a missing one is reported and skipped, with it the release fails.
# Tests are skipped by default (the release workflow runs the test command first); set
# KEYLESS_RELEASE_MAVEN_ARGS to override, e.g. KEYLESS_RELEASE_MAVEN_ARGS= to run them.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { echo "usage: release/build.sh VERSION [--require-packages]" >&2; exit 2; }
[ $# -ge 1 ] || usage
version=$1
shift
require_packages=false
for arg in "$@"; do
  case $arg in
    --require-packages) require_packages=true ;;
    *) usage ;;
  esac
done
if ! [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$ ]]; then
  echo "release: '$version' is not a plain semantic version such as 1.2.3 or 1.2.3-rc.1" >&2
  exit 2
fi

# One timestamp for every entry of every archive: the release commit's, or SOURCE_DATE_EPOCH.
if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
  epoch=$SOURCE_DATE_EPOCH
elif git rev-parse --git-dir >/dev/null 2>&1; then
  epoch=$(git log -1 --format=%ct)
else
  epoch=$(date -u -d 2026-12-01T00:00:00Z +%s)
fi
timestamp=$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)

out=target/release/$version
rm -rf "$out"

echo "release: building $version (entry times $timestamp)"
# shellcheck disable=SC2086 # KEYLESS_RELEASE_MAVEN_ARGS is a list of arguments
./mvnw -B -q -Prelease "-Drevision=$version" "-Dproject.build.outputTimestamp=$timestamp" \
  ${KEYLESS_RELEASE_MAVEN_ARGS--DskipTests} clean package
mkdir -p "$out"

# A reproducible tar.gz of a directory's contents (sorted, fixed owner, mode and time).
tree_tarball() { # SOURCE_DIR TOP_DIR_NAME TARGET
  local staging
  staging=$(mktemp -d)
  cp -a "$1" "$staging/$2"
  chmod -R u=rwX,go=rX "$staging/$2"
  tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
    -C "$staging" -cf - "$2" | gzip -n -9 > "$3"
  rm -rf "$staging"
}

artifact() { # SOURCE TARGET_NAME SBOM
  cp "$1" "$out/$2"
  cp "$3" "$out/$2.cdx.json"
}

require_file() { # PATH WHAT
  if [ ! -s "$1" ]; then
    echo "release: $2 is missing: $1" >&2
    exit 1
  fi
}

for f in service/target/keyless-service.jar cli/target/keyless.jar host-agent/target/keyless-agent.jar \
         gh-action/target/keyless-ssh-action/action.yml gh-action/target/keyless-ssh-action/keyless-action.jar \
         gitlab-component/target/keyless-ssh-component/templates/ssh.yml \
         gitlab-component/target/keyless-ssh-component/.gitlab-ci.yml \
         cli/target/man/man1/keyless.1 cli/target/completion/keyless_completion \
         target/generated-resources/licenses/THIRD-PARTY.txt; do
  require_file "$f" "a build output"
done
for m in service cli host-agent gh-action gitlab-component; do
  require_file "$m/target/bom.json" "the SBOM of $m"
done

artifact service/target/keyless-service.jar "keyless-service-$version.jar" service/target/bom.json
artifact cli/target/keyless.jar "keyless-cli-$version.jar" cli/target/bom.json
artifact host-agent/target/keyless-agent.jar "keyless-agent-$version.jar" host-agent/target/bom.json

# The CLI as an install tree: bin/keyless (the launcher: JVM flags, an AppCDS archive made on the
# machine by its first run), lib/keyless.jar, man/man1/ (troff, rendered from the command tree at
# package time) and completion/keyless (bash). No archive inside: one fits only its JVM build and
# the jar file it was made from.
cli_tree=$(mktemp -d)
mkdir -p "$cli_tree/bin" "$cli_tree/lib" "$cli_tree/man/man1" "$cli_tree/completion"
cp cli/src/main/dist/keyless "$cli_tree/bin/keyless"
chmod 755 "$cli_tree/bin/keyless"
cp cli/target/keyless.jar "$cli_tree/lib/keyless.jar"
cp cli/target/man/man1/*.1 "$cli_tree/man/man1/"
cp cli/target/completion/keyless_completion "$cli_tree/completion/keyless"
cp LICENSE NOTICE "$cli_tree/"
tree_tarball "$cli_tree" "keyless-cli-$version" "$out/keyless-cli-$version.tar.gz"
cp cli/target/bom.json "$out/keyless-cli-$version.tar.gz.cdx.json"
rm -rf "$cli_tree"

# The action's repository (keyless-ssh-action): action.yml at the root, the jar beside it.
tree_tarball gh-action/target/keyless-ssh-action "keyless-ssh-action" "$out/keyless-ssh-action-$version.tar.gz"
cp gh-action/target/bom.json "$out/keyless-ssh-action-$version.tar.gz.cdx.json"

# The GitLab component's project: templates/ at the root, README.md, .gitlab-ci.yml.
tree_tarball gitlab-component/target/keyless-ssh-component "keyless-ssh-component" \
  "$out/keyless-ssh-component-$version.tar.gz"
cp gitlab-component/target/bom.json "$out/keyless-ssh-component-$version.tar.gz.cdx.json"

# The Jenkins shared library (the directory a controller's library configuration points at).
library=$(mktemp -d)
cp -a jenkins-plugin/pipeline-library/. "$library/"
cp LICENSE NOTICE "$library/"
tree_tarball "$library" "keyless-jenkins-library" "$out/keyless-jenkins-library-$version.tar.gz"
rm -rf "$library"
# Groovy only, no bundled dependency: its SBOM names the library and the CLI it fetches.
cat > "$out/keyless-jenkins-library-$version.tar.gz.cdx.json" <<JSON
{
  "bomFormat": "CycloneDX",
  "specVersion": "1.6",
  "version": 1,
  "metadata": {
    "timestamp": "$timestamp",
    "component": {
      "type": "library",
      "bom-ref": "pkg:generic/dev.keyless/keyless-jenkins-library@$version",
      "group": "dev.keyless",
      "name": "keyless-jenkins-library",
      "version": "$version",
      "description": "Jenkins pipeline shared library withWorkloadSsh; fetches keyless-cli at run time",
      "licenses": [{"license": {"id": "Apache-2.0"}}],
      "purl": "pkg:generic/dev.keyless/keyless-jenkins-library@$version"
    }
  },
  "components": [],
  "dependencies": [
    {"ref": "pkg:generic/dev.keyless/keyless-jenkins-library@$version", "dependsOn": []}
  ]
}
JSON

# Packages built by the modules' -Prelease packaging.
package() { # SOURCE TARGET_NAME SBOM WHAT
  if [ -s "$1" ]; then
    artifact "$1" "$2" "$3"
  elif [ "$require_packages" = true ]; then
    echo "release: $4 is missing: $1 (built by -Prelease)" >&2
    exit 1
  else
    echo "release: NOTE: $4 not built ($1 does not exist); skipped. --require-packages makes this fatal." >&2
  fi
}
package "host-agent/target/keyless-agent_${version}_all.deb" "keyless-agent_${version}_all.deb" \
  host-agent/target/bom.json "the agent's Debian package"
package service/target/keyless-service-image.tar "keyless-service-image-$version.tar" \
  service/target/bom.json "the service's OCI image tarball"

cp target/generated-resources/licenses/THIRD-PARTY.txt "$out/THIRD-PARTY.txt"
cp LICENSE NOTICE CHANGELOG.md "$out/"

(cd "$out" && find . -maxdepth 1 -type f ! -name SHA256SUMS -printf '%f\n' | LC_ALL=C sort \
  | xargs sha256sum > SHA256SUMS)
echo "release: $out"
cat "$out/SHA256SUMS"
