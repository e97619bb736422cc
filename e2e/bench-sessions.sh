#!/usr/bin/env bash
# Session lifecycle benchmark: N sessions (default 100) through the real service, host agent
# and sshd on this machine. Run as root (the agent creates accounts); needs openssh-server, sudo.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -DskipTests install -pl e2e -am
cd e2e
../mvnw -B -q -o dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=runtime
java -cp "target/classes:$(cat target/bench.classpath)" dev.keyless.e2e.SessionLifecycleBench "${1:-100}"
