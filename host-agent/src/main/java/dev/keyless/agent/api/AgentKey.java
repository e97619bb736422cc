package dev.keyless.agent.api;

import dev.keyless.agent.os.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * The agent's own Ed25519 key. Stored as the base64 32-byte seed in {@code agent.key} (0600, in the
 * 0700 state dir, written atomically). Immutable and thread-safe; signing creates a signer per call.
 */
public final class AgentKey {
    public static final String FILE = "agent.key";

    private final Ed25519PrivateKeyParameters privateKey;

    private AgentKey(Ed25519PrivateKeyParameters privateKey) {
        this.privateKey = privateKey;
    }

    public static AgentKey generate() {
        return new AgentKey(new Ed25519PrivateKeyParameters(new SecureRandom()));
    }

    public static AgentKey load(Path stateDir) {
        try {
            String seed = Files.readString(stateDir.resolve(FILE), StandardCharsets.US_ASCII)
                    .strip();
            return new AgentKey(
                    new Ed25519PrivateKeyParameters(Base64.getDecoder().decode(seed), 0));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the agent key; is the agent enrolled?", e);
        }
    }

    public void save(Path stateDir) {
        String seed = Base64.getEncoder().encodeToString(privateKey.getEncoded()) + "\n";
        AtomicFiles.write(stateDir.resolve(FILE), seed.getBytes(StandardCharsets.US_ASCII), "rw-------");
    }

    /** The public key as an OpenSSH line, {@code ssh-ed25519 AAAA... keyless-agent}. */
    public String publicKeyLine() {
        ByteArrayOutputStream blob = new ByteArrayOutputStream();
        writeString(blob, "ssh-ed25519".getBytes(StandardCharsets.US_ASCII));
        writeString(blob, privateKey.generatePublicKey().getEncoded());
        return "ssh-ed25519 " + Base64.getEncoder().encodeToString(blob.toByteArray()) + " keyless-agent";
    }

    public byte[] sign(byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, privateKey);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    private static void writeString(ByteArrayOutputStream out, byte[] value) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(value.length).array());
        out.writeBytes(value);
    }
}
