#!/bin/sh
# Install and enrol the Keyless agent on every server with the label env=prod, over plain SSH.
# Needs: the keyless CLI and KEYLESS_ADMIN_TOKEN (a devops or security admin) here, root SSH to
# each server by its Keyless name, and curl on the servers.
set -eu
: "${KEYLESS_SERVICE_URL:?set KEYLESS_SERVICE_URL to the service URL}"
TEAM=${KEYLESS_TEAM:-default}
DEB=$(curl -fsS "$KEYLESS_SERVICE_URL/downloads/" | grep -o 'keyless-agent_[^"]*_all\.deb' | head -n 1)

keyless admin servers enrolment-tokens --service-url "$KEYLESS_SERVICE_URL" --team "$TEAM" --selector env=prod --output json \
    | jq -r '.[] | [.server, .token] | @tsv' >tokens.tsv
trap 'rm -f tokens.tsv' EXIT
tab=$(printf '\t')
while IFS=$tab read -r server token expires; do
    echo "== $server (token valid until $expires)"
    # The token travels on ssh's standard input, read by "enroll --token-file -": never on argv.
    printf '%s\n' "$token" | ssh "root@$server" "set -e; cd /tmp
        curl -fsSO '$KEYLESS_SERVICE_URL/downloads/$DEB'
        curl -fsS '$KEYLESS_SERVICE_URL/downloads/SHA256SUMS' | grep ' $DEB\$' | sha256sum -c -
        DEBIAN_FRONTEND=noninteractive apt-get install -y './$DEB' </dev/null
        [ -f /var/lib/keyless-agent/state.json ] || keyless-agent enroll --service '$KEYLESS_SERVICE_URL' --team '$TEAM' --server '$server' --token-file -
        systemctl enable --now keyless-agent </dev/null
        # The agent writes its drop-in a few seconds after it starts.
        for i in 1 2 3 4 5 6 7 8 9 10; do keyless-agent status >/dev/null 2>&1 </dev/null && break; sleep 3; done
        keyless-agent status </dev/null" || echo "!! $server failed" >&2
done <tokens.tsv
