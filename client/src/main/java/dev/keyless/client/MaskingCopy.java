package dev.keyless.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Copies a child process's output to where it is shown, line by line, with every secret the
 * {@link Masker} knows replaced: the filter an integration puts between a wrapped command and a
 * log its platform cannot mask (a Jenkins shared library's console, for one). A line is held until
 * its newline (or the end of the stream), so a secret is never split across two writes; a line that
 * holds no secret is copied byte for byte. A line longer than 1 MiB is masked and written in
 * pieces; a secret (at most 64 KiB) straddling such a cut would not be masked.
 * Not thread-safe: one copy per stream, on its own thread.
 */
public final class MaskingCopy {
    static final int MAX_LINE = 1024 * 1024;

    private MaskingCopy() {}

    /** Copies {@code in} to {@code out} until end of stream, masking each line; flushes after each line. */
    public static void copy(InputStream in, OutputStream out, Masker masker) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            for (int i = 0; i < n; i++) {
                line.write(buffer[i]);
                if (buffer[i] == '\n' || line.size() >= MAX_LINE) {
                    write(line, out, masker);
                }
            }
            if (in.available() == 0) {
                out.flush();
            }
        }
        write(line, out, masker);
        out.flush();
    }

    private static void write(ByteArrayOutputStream line, OutputStream out, Masker masker) throws IOException {
        if (line.size() == 0) {
            return;
        }
        byte[] bytes = line.toByteArray();
        line.reset();
        String text = new String(bytes, StandardCharsets.UTF_8);
        String masked = masker.mask(text);
        out.write(masked.equals(text) ? bytes : masked.getBytes(StandardCharsets.UTF_8));
    }
}
