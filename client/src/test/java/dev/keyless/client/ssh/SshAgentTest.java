package dev.keyless.client.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.protocol.ssh.SshWireReader;
import dev.keyless.protocol.ssh.SshWireWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The agent protocol message by message (draft-miller-ssh-agent section 3). */
class SshAgentTest {
    private static final SshKey KEY = SshKey.generate("keyless:test");
    private static final String CERT = "ssh-ed25519-cert-v01@openssh.com "
            + Base64.getEncoder().encodeToString("certificate-blob".getBytes(StandardCharsets.UTF_8)) + " c";

    @TempDir
    static Path tmp;

    private static SshAgent agent() {
        SshAgent agent = SshAgent.start(tmp.resolve("a" + System.nanoTime() + ".sock"));
        agent.add(new SshIdentity(KEY, CERT));
        return agent;
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of(
                        "add identity (17)",
                        new SshWireWriter()
                                .writeByte(17)
                                .writeString("ssh-ed25519")
                                .toByteArray()),
                Arguments.of("remove all (19)", new byte[] {19}),
                Arguments.of(
                        "lock (22)",
                        new SshWireWriter().writeByte(22).writeString("pw").toByteArray()),
                Arguments.of(
                        "extension (27)",
                        new SshWireWriter()
                                .writeByte(27)
                                .writeString("session-bind@openssh.com")
                                .toByteArray()),
                Arguments.of(
                        "sign with an unknown key",
                        new SshWireWriter()
                                .writeByte(13)
                                .writeString(SshKey.generate("other").publicKeyBlob())
                                .writeString("d")
                                .writeUint32(0)
                                .toByteArray()),
                Arguments.of(
                        "truncated sign request",
                        new SshWireWriter().writeByte(13).writeUint32(1000).toByteArray()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void answersFailure(String name, byte[] request) {
        try (SshAgent agent = agent()) {
            assertThat(agent.handle(request)).containsExactly(SshAgent.FAILURE);
        }
    }

    @Test
    void listsCertificateThenKey() {
        try (SshAgent agent = agent()) {
            SshWireReader in = new SshWireReader(agent.handle(new byte[] {SshAgent.REQUEST_IDENTITIES}));
            assertThat(in.readByte()).isEqualTo(SshAgent.IDENTITIES_ANSWER);
            assertThat(in.readUint32()).isEqualTo(2);
            assertThat(in.readString()).isEqualTo("certificate-blob".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(in.readString(), StandardCharsets.UTF_8)).isEqualTo("keyless:test");
            assertThat(in.readString()).isEqualTo(KEY.publicKeyBlob());
        }
    }

    @Test
    void signaturesVerifyWithThePublicKey() throws Exception {
        byte[] data = "session-id-and-userauth-request".getBytes(StandardCharsets.UTF_8);
        try (SshAgent agent = agent()) {
            for (byte[] blob :
                    new byte[][] {"certificate-blob".getBytes(StandardCharsets.UTF_8), KEY.publicKeyBlob()}) {
                SshWireReader in = new SshWireReader(agent.handle(new SshWireWriter()
                        .writeByte(13)
                        .writeString(blob)
                        .writeString(data)
                        .writeUint32(0)
                        .toByteArray()));
                assertThat(in.readByte()).isEqualTo(SshAgent.SIGN_RESPONSE);
                SshWireReader sig = new SshWireReader(in.readString());
                assertThat(new String(sig.readString(), StandardCharsets.UTF_8)).isEqualTo("ssh-ed25519");
                Signature verifier = Signature.getInstance("Ed25519");
                verifier.initVerify(publicKey(KEY));
                verifier.update(data);
                assertThat(verifier.verify(sig.readString())).isTrue();
            }
        }
    }

    private static PublicKey publicKey(SshKey key) throws Exception {
        SshWireReader in = new SshWireReader(key.publicKeyBlob());
        in.readString();
        byte[] raw = in.readString();
        byte[] prefix = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
        byte[] spki = Arrays.copyOf(prefix, prefix.length + raw.length);
        System.arraycopy(raw, 0, spki, prefix.length, raw.length);
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    }
}
