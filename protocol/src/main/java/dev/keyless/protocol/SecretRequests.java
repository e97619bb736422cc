package dev.keyless.protocol;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Secrets: folders, secrets and their versions (resource admins), and the workload calls that
 * list, describe and reveal them. A folder path is {@code /seg/seg/...}; a secret is named within
 * its folder. Values are text, or base64 of bytes ({@code encoding: "base64"}); no record but
 * {@link Revealed} and {@link PutSecret} ever carries one, and their {@code toString} does not show
 * it.
 */
public final class SecretRequests {
    private SecretRequests() {}

    /** {@code POST /v1/teams/{team}/secret-folders}. */
    public record CreateFolder(String path) {}

    public record FolderView(String path, String createdBy, Instant createdAt) {}

    public record FolderList(List<FolderView> folders) {}

    /**
     * {@code POST /v1/teams/{team}/secrets}: a new secret, or a new version of an existing one.
     * {@code encoding} is {@code text} (default) or {@code base64}; {@code description} and {@code
     * labels} are optional and, when absent on a new version, kept from the previous one.
     */
    public record PutSecret(
            String path, String name, String value, String encoding, String description, Map<String, String> labels) {
        @Override
        public String toString() {
            return "PutSecret[path=" + path + ", name=" + name + "]"; // never the value
        }
    }

    /** A secret's metadata; never its value. {@code deletedAt} is set while it is soft-deleted. */
    public record SecretView(
            String path,
            String name,
            long version,
            String encoding,
            String description,
            Map<String, String> labels,
            String createdBy,
            Instant createdAt,
            String updatedBy,
            Instant updatedAt,
            Instant deletedAt,
            Instant undeleteUntil) {}

    public record SecretList(List<SecretView> secrets) {}

    /** {@code POST .../secrets/reveal}: the latest version unless {@code version} is given. */
    public record Reveal(String path, String name, Long version) {}

    /** A revealed value. */
    public record Revealed(String path, String name, long version, String encoding, String value) {
        @Override
        public String toString() {
            return "Revealed[path=" + path + ", name=" + name + ", version=" + version + "]"; // never the value
        }
    }

    /** One secret, for delete and undelete. */
    public record SecretRef(String path, String name) {}

    /** {@code POST .../secrets/versions/destroy}: the versions whose values are erased for good. */
    public record DestroyVersions(String path, String name, List<Long> versions) {}

    /** A version's metadata; {@code destroyedAt} is set once its value is erased. */
    public record VersionView(
            long version, String encoding, String createdBy, Instant createdAt, Instant destroyedAt) {}

    public record VersionList(String path, String name, List<VersionView> versions) {}
}
