package dev.keyless.client.token;

import dev.keyless.client.token.TokenSourceException.Reason;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Picks the {@link PlatformTokenSource} for this job, from an injected environment map (never
 * {@code System.getenv()} directly, so it is testable and an integration can pass its own view).
 *
 * <p>Order: an explicit generic source ({@code --jwt-env}, {@code --jwt-file}); then a source named
 * by {@code --token-source}/{@code KEYLESS_TOKEN_SOURCE}; then detection, CI platforms before the
 * infrastructure they may run on (a GitLab or Jenkins runner in Kubernetes still uses its CI
 * token): GitHub Actions, GitLab CI, Azure DevOps, CircleCI, Jenkins, Kubernetes, GCP. When nothing
 * matches the error lists everything that was looked for.
 */
public final class TokenSources {
    public static final String DEFAULT_ID_TOKEN_VARIABLE = "KEYLESS_ID_TOKEN";
    public static final Path DEFAULT_KUBERNETES_TOKEN = Path.of("/var/run/secrets/tokens/keyless");
    /** What Google's own client libraries read to tell a GCE VM (or GKE node) without a variable. */
    public static final Path DEFAULT_GCP_PRODUCT_FILE = Path.of("/sys/class/dmi/id/product_name");
    /** Where the projected Kubernetes token is mounted, when not at {@link #DEFAULT_KUBERNETES_TOKEN}. */
    public static final String KUBERNETES_TOKEN_FILE_VARIABLE = "KEYLESS_KUBERNETES_TOKEN_FILE";
    /** A Jenkins file credential's path. */
    public static final String ID_TOKEN_FILE_VARIABLE = "KEYLESS_ID_TOKEN_FILE";

    public static final List<String> NAMES =
            List.of("github-actions", "gitlab", "azure-devops", "circleci", "jenkins", "kubernetes", "gcp");

    private final Map<String, String> env;
    private final TokenHttp http;
    private final Settings settings;

    /**
     * Where sources read from when the defaults do not fit.
     *
     * @param idTokenVariable GitLab's {@code id_tokens} name and Jenkins' binding variable
     * @param jenkinsTokenFile a Jenkins file credential; null for none
     * @param kubernetesTokenFile the projected token path
     * @param gcpMetadataBase the metadata server's base URL
     * @param gcpProductFile the DMI product name, "Google Compute Engine" on GCE VMs and GKE nodes
     */
    public record Settings(
            String idTokenVariable,
            Path jenkinsTokenFile,
            Path kubernetesTokenFile,
            URI gcpMetadataBase,
            Path gcpProductFile) {
        public static final Settings DEFAULT = new Settings(
                DEFAULT_ID_TOKEN_VARIABLE,
                null,
                DEFAULT_KUBERNETES_TOKEN,
                GcpMetadataTokenSource.DEFAULT_BASE,
                DEFAULT_GCP_PRODUCT_FILE);

        /** The same settings with another GitLab {@code id_tokens} / Jenkins variable name. */
        public Settings withIdTokenVariable(String name) {
            return new Settings(name, jenkinsTokenFile, kubernetesTokenFile, gcpMetadataBase, gcpProductFile);
        }
    }

    public TokenSources(Map<String, String> env, TokenHttp http, Settings settings) {
        this.env = Map.copyOf(env);
        this.http = http;
        this.settings = settings;
    }

    /**
     * Proxies and settings from {@code env}: {@code KEYLESS_ID_TOKEN_FILE} (a Jenkins file
     * credential), {@code KEYLESS_KUBERNETES_TOKEN_FILE} (the projected token's path, default {@link
     * #DEFAULT_KUBERNETES_TOKEN}) and {@code GCE_METADATA_HOST}.
     */
    public static TokenSources fromEnv(Map<String, String> env) {
        String metadataHost = env.get("GCE_METADATA_HOST");
        URI gcp = metadataHost == null || metadataHost.isBlank()
                ? GcpMetadataTokenSource.DEFAULT_BASE
                : URI.create("http://" + metadataHost.strip());
        Path jenkinsFile = path(env, ID_TOKEN_FILE_VARIABLE);
        Path kubernetesFile = path(env, KUBERNETES_TOKEN_FILE_VARIABLE);
        return new TokenSources(
                env,
                TokenHttp.fromEnv(env),
                new Settings(
                        DEFAULT_ID_TOKEN_VARIABLE,
                        jenkinsFile,
                        kubernetesFile == null ? DEFAULT_KUBERNETES_TOKEN : kubernetesFile,
                        gcp,
                        DEFAULT_GCP_PRODUCT_FILE));
    }

    private static Path path(Map<String, String> env, String variable) {
        String value = env.get(variable);
        return value == null || value.isBlank() ? null : Path.of(value.strip());
    }

    public Settings settings() {
        return settings;
    }

    /**
     * The source to use: {@code jwtEnv} or {@code jwtFile} if given, else {@code name} if given,
     * else {@link #detect()}.
     */
    public PlatformTokenSource select(String name, String jwtEnv, Path jwtFile) {
        if (jwtEnv != null && jwtFile != null) {
            throw new TokenSourceException(Reason.NOT_CONFIGURED, "give --jwt-env or --jwt-file, not both", null);
        }
        if (jwtEnv != null) {
            return new EnvTokenSource("jwt-env", jwtEnv, env, null);
        }
        if (jwtFile != null) {
            return new FileTokenSource("jwt-file", jwtFile, null);
        }
        if (name != null && !name.isBlank()) {
            return named(name.strip());
        }
        return detect();
    }

    /** The source called {@code name} (one of {@link #NAMES}). */
    public PlatformTokenSource named(String name) {
        return switch (name) {
            case "github-actions", "github" -> new GitHubActionsTokenSource(env, http);
            case "gitlab" -> new EnvTokenSource("gitlab", settings.idTokenVariable(), env, gitlabHint());
            case "azure-devops", "azure" -> new AzureDevOpsTokenSource(env, http);
            case "circleci" -> new EnvTokenSource(
                    "circleci",
                    "CIRCLE_OIDC_TOKEN_V2",
                    env,
                    "CircleCI sets CIRCLE_OIDC_TOKEN_V2 in jobs of projects with OIDC enabled");
            case "jenkins" -> jenkins();
            case "kubernetes" -> new FileTokenSource(
                    "kubernetes",
                    settings.kubernetesTokenFile(),
                    "mount a projected serviceAccountToken volume with the service's audience at "
                            + settings.kubernetesTokenFile() + ", or set " + KUBERNETES_TOKEN_FILE_VARIABLE
                            + " to where it is mounted");
            case "gcp" -> new GcpMetadataTokenSource(settings.gcpMetadataBase(), http);
            default -> throw new TokenSourceException(
                    Reason.NOT_CONFIGURED,
                    "unknown token source '" + name + "'",
                    "use one of " + String.join(", ", NAMES));
        };
    }

    /** The source this environment offers, in the documented order. */
    public PlatformTokenSource detect() {
        return detected()
                .orElseThrow(() -> new TokenSourceException(
                        Reason.NOT_CONFIGURED,
                        "no platform token found; looked for GitHub Actions (GITHUB_ACTIONS, ACTIONS_ID_TOKEN_REQUEST_URL),"
                                + " GitLab CI (GITLAB_CI, " + settings.idTokenVariable()
                                + "), Azure DevOps (SYSTEM_OIDCREQUESTURI),"
                                + " CircleCI (CIRCLECI, CIRCLE_OIDC_TOKEN_V2), Jenkins (JENKINS_URL, "
                                + settings.idTokenVariable() + "), Kubernetes (KUBERNETES_SERVICE_HOST, "
                                + settings.kubernetesTokenFile() + " or " + KUBERNETES_TOKEN_FILE_VARIABLE
                                + "), GCP (GCE_METADATA_HOST, K_SERVICE, CLOUD_RUN_JOB, "
                                + settings.gcpProductFile() + " naming Google)",
                        "pass --jwt-env NAME, --jwt-file PATH or --token-source NAME"));
    }

    private Optional<PlatformTokenSource> detected() {
        if (is("GITHUB_ACTIONS", "true") || has(GitHubActionsTokenSource.URL_VAR)) {
            return Optional.of(named("github-actions"));
        }
        if (is("GITLAB_CI", "true")) {
            return Optional.of(named("gitlab"));
        }
        if (has(AzureDevOpsTokenSource.URI_VAR) || is("TF_BUILD", "true")) {
            return Optional.of(named("azure-devops"));
        }
        if (is("CIRCLECI", "true")) {
            return Optional.of(named("circleci"));
        }
        if (has("JENKINS_URL")) {
            return Optional.of(named("jenkins"));
        }
        if (has("KUBERNETES_SERVICE_HOST") && Files.isRegularFile(settings.kubernetesTokenFile())) {
            return Optional.of(named("kubernetes"));
        }
        if (has("GCE_METADATA_HOST") || has("K_SERVICE") || has("CLOUD_RUN_JOB") || onGoogleCompute()) {
            return Optional.of(named("gcp"));
        }
        return Optional.empty();
    }

    private PlatformTokenSource jenkins() {
        String hint = "bind the OIDC provider plugin's credential: withCredentials([string(credentialsId: '...',"
                + " variable: '" + settings.idTokenVariable() + "')])";
        if (settings.jenkinsTokenFile() != null && !has(settings.idTokenVariable())) {
            return new FileTokenSource("jenkins", settings.jenkinsTokenFile(), hint);
        }
        return new EnvTokenSource("jenkins", settings.idTokenVariable(), env, hint);
    }

    private String gitlabHint() {
        return "declare the token in the job: id_tokens: { " + settings.idTokenVariable() + ": { aud: <audience> } }";
    }

    /** A GCE VM or GKE node, which sets no variable: its DMI product name says so. */
    private boolean onGoogleCompute() {
        Path file = settings.gcpProductFile();
        try {
            return file != null
                    && Files.isRegularFile(file)
                    && Files.readString(file).strip().startsWith("Google");
        } catch (IOException | RuntimeException e) {
            return false; // unreadable (containers, other OSes): not a reason to fail detection
        }
    }

    private boolean has(String name) {
        String v = env.get(name);
        return v != null && !v.isBlank();
    }

    private boolean is(String name, String value) {
        return value.equalsIgnoreCase(env.getOrDefault(name, "").strip());
    }
}
