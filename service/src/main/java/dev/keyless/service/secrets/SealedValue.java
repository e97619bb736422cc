package dev.keyless.service.secrets;

/** A version's data key sealed under the master key, and its value sealed under the data key. */
record SealedValue(String sealedKey, String sealedValue) {
    @Override
    public String toString() {
        return "SealedValue[…]";
    }
}
