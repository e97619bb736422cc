import groovy.transform.Field

// withWorkloadSsh: SSH access as wl_<role> for a block, from the Jenkins OIDC credential.
//
// Secrets never pass through Groovy strings: every `sh` command below is a constant single-quoted
// string, the OIDC token reaches the keyless CLI only as the variable KEYLESS_JENKINS_TOKEN bound
// by withCredentials, and the access token and SSH key never leave the keyless JVM. The block
// itself runs outside withCredentials, so it never sees the OIDC token either.
//
// A Groovy block cannot run inside a child process, so the block form keeps one `keyless exec`
// running in the background for the block's lifetime: its wrapped command only writes the ssh
// environment (SSH_AUTH_SOCK, KEYLESS_SSH_CONFIG, GIT_SSH_COMMAND, the bin/ directory with the
// ssh/scp/sftp wrappers) to a file and waits for a stop file. The block runs with that environment;
// in `finally` the stop file ends the wrapped command and `keyless exec` closes every session, stops
// its ssh-agent and deletes its private directory. With `script:` instead of a block, the script
// runs directly as the command of `keyless exec`; `secrets:` (script form only) reveals each
// ENV_NAME=/folder/name into that script's environment, and its output passes through keyless'
// masking filter (`exec --mask-output`), since the console of a shared library masks nothing that
// withCredentials did not bind. If `finally` never runs (a second abort while
// closing, a killed agent JVM), the background command still ends after maxSeconds (default one
// hour) or when its directory disappears, and keyless exec then closes the sessions.

def call(Map args = [:], Closure body = null) {
    Map p = keylessParameters(args, body != null)
    List<String> settings = [
        "KEYLESS_SERVICE_URL=${p.serviceUrl}",
        "KEYLESS_TEAM=${p.team}",
        "KEYLESS_CONNECTION=${p.connection}",
        "KEYLESS_ROLE=${p.role}",
        "KEYLESS_SERVERS=${p.servers.join(',')}",
        "KEYLESS_READY_TIMEOUT=${p.readyTimeout}",
        "KEYLESS_JAVA=${p.java}",
        "KEYLESS_MAX_SECONDS=${p.maxSeconds}",
    ]
    if (p.audience) {
        settings << "KEYLESS_AUDIENCE=${p.audience}"
    }
    withEnv(settings) {
        String dir = sh(returnStdout: true, label: 'keyless: private directory',
                script: 'umask 077 && t="${WORKSPACE_TMP:-${TMPDIR:-/tmp}}" && mkdir -p "$t" && mktemp -d "$t/keyless.XXXXXX"').trim()
        String jar = p.cliJar ?: "${dir}/keyless.jar"
        withEnv(["KEYLESS_SESSION_DIR=${dir}", "KEYLESS_CLI_JAR=${jar}",
                 "KEYLESS_CLI_URL=${p.cliUrl ?: ''}", "KEYLESS_CLI_SHA256=${p.cliSha256 ?: ''}"]) {
            try {
                if (!p.cliJar) {
                    sh(label: 'keyless: fetch CLI', script: FETCH_CLI)
                }
                if (body == null) {
                    withEnv(["KEYLESS_SCRIPT=${p.script}", "KEYLESS_SECRETS=${p.secrets.join(' ')}"]) {
                        withCredentials([string(credentialsId: p.credentialsId, variable: 'KEYLESS_JENKINS_TOKEN')]) {
                            sh(label: 'keyless exec', script: EXEC_SCRIPT)
                        }
                    }
                    return
                }
                withCredentials([string(credentialsId: p.credentialsId, variable: 'KEYLESS_JENKINS_TOKEN')]) {
                    sh(label: 'keyless: open sessions', script: START_SESSION)
                }
                List<String> sshEnv = []
                String bin = null
                for (String line : sh(returnStdout: true, label: 'keyless: ssh environment',
                        script: 'cat "$KEYLESS_SESSION_DIR/env"').split('\n')) {
                    int eq = line.indexOf('=')
                    if (eq > 0 && line.substring(0, eq) == 'KEYLESS_BIN') {
                        bin = line.substring(eq + 1)
                    } else if (eq > 0) {
                        sshEnv << line
                    }
                }
                if (bin) {
                    sshEnv << "PATH+KEYLESS=${bin}"
                }
                withEnv(sshEnv) {
                    body()
                }
            } finally {
                sh(label: 'keyless: close sessions', script: STOP_SESSION)
            }
        }
    }
}

// Checks the parameters and fills in defaults; fails with one line naming what is wrong.
Map keylessParameters(Map args, boolean hasBody) {
    List<String> known = ['serviceUrl', 'team', 'connection', 'role', 'servers', 'credentialsId', 'audience',
                          'cliJar', 'cliUrl', 'cliSha256', 'script', 'secrets', 'readyTimeout', 'maxSeconds',
                          'java']
    for (Object key : args.keySet()) {
        if (!known.contains(key as String)) {
            error("withWorkloadSsh: unknown parameter '${key}'; known: ${known.join(', ')}")
        }
    }
    for (String required : ['serviceUrl', 'connection', 'role', 'servers', 'credentialsId']) {
        if (!args[required]) {
            error("withWorkloadSsh: parameter '${required}' is required")
        }
    }
    List<String> servers = []
    for (Object server : (args.servers instanceof CharSequence ? [args.servers] : args.servers)) {
        servers << (server as String)
    }
    if (hasBody == (args.script != null)) {
        error('withWorkloadSsh: give either a block or script:, not both and not neither')
    }
    List<String> secrets = []
    for (Object binding : (args.secrets instanceof CharSequence ? (args.secrets as String).split(/\s+/) : (args.secrets ?: []))) {
        String text = (binding as String).trim()
        if (text && !(text ==~ /[A-Za-z_][A-Za-z0-9_]*=\/[^\s'"`$\\]+/)) {
            error("withWorkloadSsh: secrets entries are ENV_NAME=/folder/name; '${text.replaceAll('=.*', '=...')}' is not")
        }
        if (text) {
            secrets << text
        }
    }
    if (secrets && hasBody) {
        error('withWorkloadSsh: secrets: needs script: (the steps of a block run outside keyless\' masking filter)')
    }
    if (args.cliJar && (args.cliUrl || args.cliSha256)) {
        error('withWorkloadSsh: give cliJar: (a keyless.jar on the agent) or cliUrl:/cliSha256:, not both')
    }
    if (args.cliSha256 && !((args.cliSha256 as String) ==~ /[0-9a-fA-F]{64}/)) {
        error('withWorkloadSsh: cliSha256 must be 64 hex digits')
    }
    return [serviceUrl  : args.serviceUrl as String,
            team        : (args.team ?: 'default') as String,
            connection  : args.connection as String,
            role        : args.role as String,
            servers     : servers,
            credentialsId: args.credentialsId as String,
            audience    : args.audience as String,
            cliJar      : args.cliJar as String,
            // Default: the service's own client of its own version, checked against the SHA-256
            // the service lists in /downloads/SHA256SUMS (FETCH_CLI).
            cliUrl      : (args.cliUrl ?: (args.cliJar ? null : "${(args.serviceUrl as String).replaceAll('/+$', '')}/downloads/keyless.jar")) as String,
            cliSha256   : args.cliSha256 as String,
            script      : args.script as String,
            secrets     : secrets,
            readyTimeout: (args.readyTimeout ?: 60) as int,
            maxSeconds  : (args.maxSeconds ?: 3600) as int,
            java        : (args.java ?: 'java') as String]
}

// Downloads the CLI into the private directory and refuses it unless its SHA-256 matches:
// cliSha256, or without it the digest the service lists for keyless.jar in /downloads/SHA256SUMS.
@Field static final String FETCH_CLI = '''
expected="$KEYLESS_CLI_SHA256"
what=cliSha256
if [ -z "$expected" ]; then
  sums="${KEYLESS_SERVICE_URL%/}/downloads/SHA256SUMS"
  expected=$(curl -fsSL --retry 3 "$sums" | awk '$2 == "keyless.jar" || $2 == "*keyless.jar" { print $1 }')
  what="the SHA-256 in $sums"
  if ! printf '%s' "$expected" | grep -Eqx '[0-9a-f]{64}'; then
    echo "keyless: $sums lists no SHA-256 for keyless.jar" >&2
    exit 2
  fi
fi
curl -fsSL --retry 3 -o "$KEYLESS_CLI_JAR" "$KEYLESS_CLI_URL"
if ! echo "$expected  $KEYLESS_CLI_JAR" | sha256sum -c --status; then
  echo "keyless: the CLI from $KEYLESS_CLI_URL does not match $what" >&2
  exit 2
fi
'''

// script: form. The script runs as the command of keyless exec, without the OIDC token variable;
// its output is masked by keyless exec (every token and revealed secret shows as ***).
@Field static final String EXEC_SCRIPT = '''
set +x
set -- exec --token-source jenkins --id-token-variable KEYLESS_JENKINS_TOKEN --mask-output
for binding in $KEYLESS_SECRETS; do set -- "$@" --secret "$binding"; done
"$KEYLESS_JAVA" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "$KEYLESS_CLI_JAR" "$@" \\
  -- env -u KEYLESS_JENKINS_TOKEN -u KEYLESS_SCRIPT -u KEYLESS_SECRETS sh -c "$KEYLESS_SCRIPT"
'''

// Block form, start: keyless exec in the background (out of Jenkins' process-tree killer), until
// its wrapped command has written the ssh environment, which happens once every session is READY.
@Field static final String START_SESSION = '''
set +x
d="$KEYLESS_SESSION_DIR"
echo "keyless: opening sessions for $KEYLESS_SERVERS as role $KEYLESS_ROLE"
(
  JENKINS_NODE_COOKIE=dontKillMe BUILD_ID=dontKillMe nohup "$KEYLESS_JAVA" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "$KEYLESS_CLI_JAR" exec \\
    --token-source jenkins --id-token-variable KEYLESS_JENKINS_TOKEN \\
    -- env -u KEYLESS_JENKINS_TOKEN sh -c '
      { echo "SSH_AUTH_SOCK=$SSH_AUTH_SOCK"; echo "KEYLESS_SSH_CONFIG=$KEYLESS_SSH_CONFIG";
        echo "GIT_SSH_COMMAND=$GIT_SSH_COMMAND"; echo "KEYLESS_BIN=${PATH%%:*}"; } > "$KEYLESS_SESSION_DIR/env.tmp"
      mv "$KEYLESS_SESSION_DIR/env.tmp" "$KEYLESS_SESSION_DIR/env"
      end=$(( $(date +%s) + KEYLESS_MAX_SECONDS ))
      while [ -d "$KEYLESS_SESSION_DIR" ] && [ ! -e "$KEYLESS_SESSION_DIR/stop" ] && [ "$(date +%s)" -lt "$end" ]; do
        sleep 0.2
      done' &
  echo $! > "$d/pid"
  rc=0
  wait $! || rc=$?
  echo $rc > "$d/exit"
) </dev/null >"$d/keyless.log" 2>&1 &
limit=$(( KEYLESS_READY_TIMEOUT * 5 * 2 + 150 ))
i=0
while [ ! -e "$d/env" ]; do
  if [ -e "$d/exit" ]; then
    cat "$d/keyless.log" >&2
    echo "keyless: could not open the sessions (exit $(cat "$d/exit"))" >&2
    exit "$(cat "$d/exit")"
  fi
  i=$((i + 1))
  if [ "$i" -gt "$limit" ]; then
    echo "keyless: the sessions were not ready in time" >&2
    exit 4
  fi
  sleep 0.2
done
cat "$d/keyless.log"
wc -l < "$d/keyless.log" > "$d/shown"
'''

// Block form, end: the stop file ends the wrapped command, keyless exec closes every session; if
// it does not end in 30 s, SIGTERM runs its shutdown hook (which closes the sessions too).
@Field static final String STOP_SESSION = '''
set +x
d="$KEYLESS_SESSION_DIR"
if [ -e "$d/pid" ]; then
  touch "$d/stop"
  i=0
  while [ ! -e "$d/exit" ] && [ "$i" -lt 150 ]; do sleep 0.2; i=$((i + 1)); done
  if [ ! -e "$d/exit" ]; then
    kill -TERM "$(cat "$d/pid")" 2>/dev/null || true
    i=0
    while [ ! -e "$d/exit" ] && [ "$i" -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
  fi
  tail -n "+$(( $(cat "$d/shown" 2>/dev/null || echo 0) + 1 ))" "$d/keyless.log"
  if [ -e "$d/exit" ]; then
    echo "keyless: sessions closed (keyless exec exit $(cat "$d/exit"))"
  else
    echo "keyless: keyless exec did not end; its sessions end when their certificates expire" >&2
  fi
fi
rm -rf "$d"
'''
