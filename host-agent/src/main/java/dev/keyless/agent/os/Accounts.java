package dev.keyless.agent.os;

import java.util.List;
import java.util.OptionalInt;

/** Just-in-time {@code wl_} accounts. Every method refuses a name that is not {@code wl_<role>}. */
public interface Accounts {
    boolean exists(String user);

    /** The uid of an existing account of any name, if {@code uid} is taken. */
    boolean uidInUse(int uid);

    /** The account's uid, when it exists. */
    OptionalInt uid(String user);

    /** Creates the account: home directory, /bin/bash, no usable password, the given uid. */
    void create(String user, int uid, String comment);

    /** Deletes the account and its home; returns false when it did not exist. */
    boolean delete(String user);

    /** Every {@code wl_} account in /etc/passwd. */
    List<String> list();
}
