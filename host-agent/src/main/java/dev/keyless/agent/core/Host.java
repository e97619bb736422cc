package dev.keyless.agent.core;

import dev.keyless.agent.os.Accounts;
import dev.keyless.agent.os.ProcessKiller;
import dev.keyless.agent.os.SshdTrust;
import dev.keyless.agent.os.SudoersFiles;

/**
 * The OS adapters the agent acts through.
 *
 * @param uids the reserved uid range; the agent only creates, and the reconciler only deletes,
 *     {@code wl_} accounts whose uid lies in it
 */
public record Host(Accounts accounts, SudoersFiles sudoers, SshdTrust trust, ProcessKiller killer, UidRange uids) {}
