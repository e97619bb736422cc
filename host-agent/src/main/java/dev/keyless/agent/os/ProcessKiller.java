package dev.keyless.agent.os;

/** Ends the processes of a just-in-time account. */
public interface ProcessKiller {
    /** SIGKILLs every process of {@code user} and waits (bounded) until none is left. */
    void killUser(String user);

    /**
     * SIGKILLs the SSH connections that authenticated with the certificate {@code serial} and the
     * processes started in them; returns how many processes were signalled.
     */
    int killCertificate(String user, String serial);
}
