package dev.keyless.service.secrets;

/**
 * Where a secret version lives: what its sealed data key and sealed value are bound to. Every part
 * has a grammar without newlines (team and folder names are ASCII and checked), so joining them
 * with newlines is unambiguous.
 */
record SecretCoordinates(String team, String folder, String name, long version) {
    /** The associated data of the value, sealed under the version's data key. */
    String valueAad() {
        return "keyless:secret-value:v1\n" + team + "\n" + folder + "\n" + name + "\n" + version;
    }

    /** The associated data of the data key, sealed under the master key. */
    String keyAad() {
        return "keyless:secret-key:v1\n" + team + "\n" + folder + "\n" + name + "\n" + version;
    }
}
