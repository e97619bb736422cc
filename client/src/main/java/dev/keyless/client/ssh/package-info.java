/**
 * In-memory SSH keys, a minimal ssh-agent on a Unix socket, and the job-scoped ssh_config,
 * known_hosts and wrapper scripts that make plain {@code ssh}, {@code scp}, {@code rsync -e ssh}
 * and git use them.
 */
package dev.keyless.client.ssh;
