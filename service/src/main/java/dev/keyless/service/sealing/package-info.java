/** Encryption of private keys at rest under a master key, and where that master key comes from. */
package dev.keyless.service.sealing;
