#!/usr/bin/env bash
# CLI start-up benchmark: N interleaved rounds (default 10) of keyless exec under three JVM flag
# sets and the bin/keyless launcher (and BASELINE_JAR through it, when given: before/after), through
# the real service (HTTPS with --tls), host agent and sshd on this machine, with an empty JVM as the
# floor and a --debug run per round for where the time goes. Run as root (the agent creates
# accounts); needs openssh-server, sudo. Usage: e2e/bench-startup.sh [--tls] [N [BASELINE_JAR]]
set -euo pipefail
cd "$(dirname "$0")/.."
# One reactor build: the project's own modules resolve to their target/ dirs, nothing goes to ~/.m2.
./mvnw -B -q -DskipTests -pl e2e -am package dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=runtime
cd e2e
java -cp "target/classes:$(cat target/bench.classpath)" dev.keyless.e2e.CliStartupBench "$@"
