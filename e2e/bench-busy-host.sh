#!/usr/bin/env bash
# The agent on a busy host: 50 sessions at once on one server through the real service, host agent
# and sshd on this machine (BusyHostBench; bench/README.md, "Agent on a busy host"). Run as root;
# needs openssh-server and sudo. Arguments go to the bench, e.g.
#   e2e/bench-busy-host.sh --concurrent 50 --rounds 3 --warmup 1 --roles 1,50
#   e2e/bench-busy-host.sh --agent-jar /tmp/old-agent.jar --agent-jvm -XX:StartFlightRecording=filename=/tmp/a.jfr
# It takes the e2e lock that the scenarios using sshd and useradd share.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -DskipTests -pl e2e -am package dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=runtime
cd e2e
exec flock /tmp/keyless-e2e.lock \
  java -cp "target/classes:$(cat target/bench.classpath)" dev.keyless.e2e.BusyHostBench "$@"
