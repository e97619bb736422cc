package dev.keyless.service.secrets;

import static dev.keyless.protocol.AdminRole.AUDITOR;
import static dev.keyless.protocol.AdminRole.RESOURCE_ADMIN;
import static dev.keyless.protocol.AdminRole.SECURITY_ADMIN;

import dev.keyless.protocol.AuditEventType;
import dev.keyless.protocol.ProblemType;
import dev.keyless.protocol.SecretRequests.CreateFolder;
import dev.keyless.protocol.SecretRequests.DestroyVersions;
import dev.keyless.protocol.SecretRequests.FolderView;
import dev.keyless.protocol.SecretRequests.PutSecret;
import dev.keyless.protocol.SecretRequests.SecretRef;
import dev.keyless.protocol.SecretRequests.SecretView;
import dev.keyless.protocol.SecretRequests.VersionList;
import dev.keyless.service.audit.AuditEntry;
import dev.keyless.service.audit.AuditService;
import dev.keyless.service.caller.AdminPrincipal;
import dev.keyless.service.db.Db;
import dev.keyless.service.problem.KeylessException;
import dev.keyless.service.team.TeamService;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What admins do with secrets. Resource admins create folders and write, destroy, delete and
 * undelete secrets; they never read a value back (no call here returns one). Security admins and
 * auditors may read metadata. Every change commits with its audit event, which never holds a value.
 */
@Singleton
public class SecretAdminService {
    static final int MAX_DESTROY = 100;

    private final Db db;
    private final Clock clock;
    private final AuditService audit;
    private final SecretEnvelope envelope;
    private final SecretSettings settings;

    SecretAdminService(Db db, Clock clock, AuditService audit, SecretEnvelope envelope, SecretSettings settings) {
        this.db = db;
        this.clock = clock;
        this.audit = audit;
        this.envelope = envelope;
        this.settings = settings;
    }

    /** Creates the folder and any missing ancestors; 409 if the folder itself exists. */
    public FolderView createFolder(AdminPrincipal by, CreateFolder request) {
        by.require(RESOURCE_ADMIN);
        String path = SecretInputs.folder("path", request.path());
        Instant now = clock.instant();
        db.write(c -> {
            TeamService.configVersion(c, by.team());
            List<String> segments = SecretInputs.segments("path", path);
            StringBuilder ancestor = new StringBuilder();
            for (int i = 0; i < segments.size() - 1; i++) {
                ancestor.append('/').append(segments.get(i));
                SecretRepository.insertFolder(c, by.team(), ancestor.toString(), by.name(), now);
            }
            if (!SecretRepository.insertFolder(c, by.team(), path, by.name(), now)) {
                throw new KeylessException(ProblemType.ALREADY_EXISTS, "The folder " + path + " already exists");
            }
            audit.record(event(by, AuditEventType.SECRET_FOLDER_CREATE, path, null));
            return null;
        });
        return new FolderView(path, by.name(), now);
    }

    public List<FolderView> folders(AdminPrincipal by) {
        by.require(RESOURCE_ADMIN, SECURITY_ADMIN, AUDITOR);
        return db.read(c -> SecretRepository.folders(c, by.team()));
    }

    /** Deletes an empty folder: one without subfolders and without secrets, deleted ones included. */
    public void deleteFolder(AdminPrincipal by, String rawPath) {
        by.require(RESOURCE_ADMIN);
        String path = SecretInputs.folder("path", rawPath);
        db.write(c -> {
            if (SecretRepository.folderInUse(c, by.team(), path)) {
                throw new KeylessException(
                        ProblemType.RESOURCE_IN_USE, "The folder " + path + " still holds secrets or folders");
            }
            if (SecretRepository.deleteFolder(c, by.team(), path) == 0) {
                throw folderNotFound(path);
            }
            audit.record(event(by, AuditEventType.SECRET_FOLDER_DELETE, path, null));
            return null;
        });
    }

    /** Writes a new version (version 1 of a new secret); the value is sealed before it is stored. */
    public SecretView put(AdminPrincipal by, PutSecret request) {
        by.require(RESOURCE_ADMIN);
        String path = SecretInputs.folder("path", request.path());
        String name = SecretInputs.name(request.name());
        String encoding = SecretValues.encoding(request.encoding());
        String description = SecretInputs.description(request.description());
        Map<String, String> labels = request.labels() == null ? null : SecretInputs.labels(request.labels());
        byte[] value = SecretValues.decode(request.value(), encoding);
        try {
            return db.write(c -> write(c, by, path, name, encoding, description, labels, value));
        } finally {
            Arrays.fill(value, (byte) 0);
        }
    }

    private SecretView write(
            Connection c,
            AdminPrincipal by,
            String path,
            String name,
            String encoding,
            String description,
            Map<String, String> labels,
            byte[] value)
            throws SQLException {
        if (!SecretRepository.folderExists(c, by.team(), path)) {
            throw folderNotFound(path);
        }
        Instant now = clock.instant();
        StoredSecret current =
                SecretRepository.secret(c, by.team(), path, name, true).orElse(null);
        if (current != null && current.purgeable(now, settings.undeleteWindow())) {
            SecretRepository.purge(c, by.team(), path, name);
            current = null;
        }
        if (current != null && current.deleted()) {
            throw KeylessException.inState(
                    ProblemType.RESOURCE_IN_USE,
                    "The secret " + path + "/" + name + " is deleted; undelete it before writing a new version",
                    "DELETED");
        }
        long version = current == null ? 1 : current.latestVersion() + 1;
        SecretCoordinates at = new SecretCoordinates(by.team(), path, name, version);
        StoredSecret next = new StoredSecret(
                by.team(),
                path,
                name,
                version,
                encoding,
                description != null ? description : current == null ? null : current.description(),
                labels != null ? labels : current == null ? Map.of() : current.labels(),
                current == null ? by.name() : current.createdBy(),
                current == null ? now : current.createdAt(),
                by.name(),
                now,
                null);
        if (current == null) {
            if (!SecretRepository.insertSecret(c, next)) {
                // A concurrent first write of the same name won; this one becomes its next version.
                return write(c, by, path, name, encoding, description, labels, value);
            }
        } else {
            SecretRepository.updateSecret(c, next);
        }
        SecretRepository.insertVersion(c, at, encoding, envelope.seal(at, value), by.name(), now);
        audit.record(event(by, AuditEventType.SECRET_PUT, path, name).detail("version", Long.toString(version)));
        return next.view(settings.undeleteWindow());
    }

    /** Metadata of the secrets in {@code path} or below (all when null), deleted ones included. */
    public List<SecretView> list(AdminPrincipal by, String rawPath) {
        by.require(RESOURCE_ADMIN, SECURITY_ADMIN, AUDITOR);
        String path = rawPath == null ? null : SecretInputs.folder("path", rawPath);
        Instant now = clock.instant();
        return db.read(c -> SecretRepository.secretsWithin(c, by.team(), path, true)).stream()
                .filter(s -> !s.purgeable(now, settings.undeleteWindow()))
                .map(s -> s.view(settings.undeleteWindow()))
                .toList();
    }

    public VersionList versions(AdminPrincipal by, String rawPath, String rawName) {
        by.require(RESOURCE_ADMIN, SECURITY_ADMIN, AUDITOR);
        String path = SecretInputs.folder("path", rawPath);
        String name = SecretInputs.name(rawName);
        return db.read(c -> {
            live(c, by.team(), path, name, false);
            return new VersionList(
                    path,
                    name,
                    SecretRepository.versions(c, by.team(), path, name).stream()
                            .map(StoredVersion::view)
                            .toList());
        });
    }

    /** Erases the values of the given versions for good; their metadata stays. */
    public VersionList destroy(AdminPrincipal by, DestroyVersions request) {
        by.require(RESOURCE_ADMIN);
        String path = SecretInputs.folder("path", request.path());
        String name = SecretInputs.name(request.name());
        if (request.versions() == null
                || request.versions().isEmpty()
                || request.versions().size() > MAX_DESTROY) {
            throw KeylessException.invalid("versions", "must list 1 to " + MAX_DESTROY + " version numbers");
        }
        TreeSet<Long> versions = new TreeSet<>();
        for (int i = 0; i < request.versions().size(); i++) {
            versions.add(SecretInputs.version(
                    "versions[" + i + "]", request.versions().get(i)));
        }
        Instant now = clock.instant();
        db.write(c -> {
            StoredSecret secret = live(c, by.team(), path, name, true);
            for (long v : versions) {
                if (v > secret.latestVersion()) {
                    throw new KeylessException(
                            ProblemType.SECRET_NOT_FOUND, "The secret " + path + "/" + name + " has no version " + v);
                }
                SecretRepository.destroy(c, new SecretCoordinates(by.team(), path, name, v), now);
            }
            audit.record(event(by, AuditEventType.SECRET_VERSION_DESTROY, path, name)
                    .detail(
                            "versions",
                            String.join(
                                    ",", versions.stream().map(String::valueOf).toList())));
            return null;
        });
        return versions(by.require(RESOURCE_ADMIN), path, name);
    }

    /** Soft delete: reveals stop at once; undelete is possible within the window. */
    public SecretView delete(AdminPrincipal by, SecretRef request) {
        return setDeleted(by, request, true);
    }

    public SecretView undelete(AdminPrincipal by, SecretRef request) {
        return setDeleted(by, request, false);
    }

    private SecretView setDeleted(AdminPrincipal by, SecretRef request, boolean delete) {
        by.require(RESOURCE_ADMIN);
        String path = SecretInputs.folder("path", request.path());
        String name = SecretInputs.name(request.name());
        Instant now = clock.instant();
        return db.write(c -> {
            StoredSecret s = SecretRepository.secret(c, by.team(), path, name, true)
                    .filter(x -> !x.purgeable(now, settings.undeleteWindow()))
                    .orElseThrow(() -> secretNotFound(path, name));
            if (s.deleted() == delete) {
                throw KeylessException.inState(
                        ProblemType.INVALID_STATE_TRANSITION,
                        "The secret " + path + "/" + name + " is " + (delete ? "already deleted" : "not deleted"),
                        delete ? "DELETED" : "ACTIVE");
            }
            StoredSecret next = new StoredSecret(
                    s.team(),
                    s.folder(),
                    s.name(),
                    s.latestVersion(),
                    s.encoding(),
                    s.description(),
                    s.labels(),
                    s.createdBy(),
                    s.createdAt(),
                    by.name(),
                    now,
                    delete ? now : null);
            SecretRepository.updateSecret(c, next);
            audit.record(event(by, delete ? AuditEventType.SECRET_DELETE : AuditEventType.SECRET_UNDELETE, path, name));
            return next.view(settings.undeleteWindow());
        });
    }

    /** The secret, deleted or not, unless its undelete window has passed; else not found. */
    private StoredSecret live(Connection c, String team, String path, String name, boolean forUpdate)
            throws SQLException {
        Instant now = clock.instant();
        return SecretRepository.secret(c, team, path, name, forUpdate)
                .filter(s -> !s.purgeable(now, settings.undeleteWindow()))
                .orElseThrow(() -> secretNotFound(path, name));
    }

    static KeylessException secretNotFound(String path, String name) {
        return new KeylessException(ProblemType.SECRET_NOT_FOUND, "No secret " + path + "/" + name + " in this team");
    }

    static KeylessException folderNotFound(String path) {
        return new KeylessException(ProblemType.SECRET_FOLDER_NOT_FOUND, "No folder " + path + " in this team");
    }

    private static AuditEntry event(AdminPrincipal by, String type, String path, String name) {
        return AuditEntry.of(by.team(), type).by(by).detail("path", path).detail("name", name);
    }
}
