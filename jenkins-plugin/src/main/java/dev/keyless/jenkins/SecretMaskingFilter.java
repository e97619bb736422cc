package dev.keyless.jenkins;

import dev.keyless.client.Masker;
import hudson.console.ConsoleLogFilter;
import hudson.console.LineTransformationOutputStream;
import hudson.model.Run;
import hudson.util.Secret;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Masks, in the block's console output, every secret of the session: the OIDC token, the access
 * token, certificates, and each line of multi-line values ({@link Masker} registers lines alone).
 * The secrets are kept as {@link Secret}, as credentials-binding's masking filter keeps its pattern;
 * the filter is serializable because Pipeline may apply it on the agent running {@code sh}.
 */
final class SecretMaskingFilter extends ConsoleLogFilter implements Serializable {
    private static final long serialVersionUID = 1L;
    private final List<Secret> secrets;

    SecretMaskingFilter(SessionHandle handle) {
        this.secrets = handle.secrets();
    }

    @Override
    public OutputStream decorateLogger(Run build, OutputStream logger) throws IOException, InterruptedException {
        Masker masker = new Masker();
        for (Secret secret : secrets) {
            masker.register(secret.getPlainText());
        }
        return new MaskingStream(logger, masker);
    }

    private static final class MaskingStream extends LineTransformationOutputStream.Delegating {
        private final Masker masker;

        MaskingStream(OutputStream out, Masker masker) {
            super(out);
            this.masker = masker;
        }

        @Override
        protected void eol(byte[] b, int len) throws IOException {
            String line = new String(b, 0, len, StandardCharsets.UTF_8);
            out.write(masker.mask(line).getBytes(StandardCharsets.UTF_8));
        }
    }
}
