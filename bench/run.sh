#!/usr/bin/env bash
# Builds everything and runs the exchange benchmark on H2, then on MariaDB (127.0.0.1:3306, root,
# no password). Extra arguments go to both runs, e.g.: bench/run.sh --warmup 5 --seconds 15 --runs 3
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -DskipTests package
for db in h2 mariadb; do
  java -jar bench/target/keyless-bench.jar --db "$db" --runs 3 "$@"
  echo
done
