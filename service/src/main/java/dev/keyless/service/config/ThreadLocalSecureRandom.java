package dev.keyless.service.config;

import java.security.SecureRandom;
import java.security.SecureRandomSpi;

/**
 * A SecureRandom that hands each thread its own generator. The default Linux generator
 * (NativePRNG) serializes every caller on one lock around a read of /dev/urandom; under load the
 * benchmark's profile showed request threads queueing there for token ids, serials and nonces.
 */
final class ThreadLocalSecureRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;

    ThreadLocalSecureRandom() {
        super(new Spi(), null);
    }

    private static final class Spi extends SecureRandomSpi {
        private static final long serialVersionUID = 1L;
        private static final ThreadLocal<SecureRandom> LOCAL = ThreadLocal.withInitial(Spi::create);

        private static SecureRandom create() {
            try {
                return SecureRandom.getInstance("DRBG");
            } catch (java.security.NoSuchAlgorithmException e) {
                return new SecureRandom();
            }
        }

        @Override
        protected void engineSetSeed(byte[] seed) {
            LOCAL.get().setSeed(seed);
        }

        @Override
        protected void engineNextBytes(byte[] bytes) {
            LOCAL.get().nextBytes(bytes);
        }

        @Override
        protected byte[] engineGenerateSeed(int numBytes) {
            return LOCAL.get().generateSeed(numBytes);
        }
    }
}
