package dev.keyless.jenkins;

import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.security.ACL;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * {@code withWorkloadSsh(serviceUrl:, connection:, role:, servers:, credentialsId:) { ... }}: the
 * block gets SSH access as {@code wl_<role>} to {@code servers}, from the "OpenID Connect id token"
 * credential. Parameter names are the CLI's and the other integrations' words.
 */
public final class WithWorkloadSshStep extends Step {
    static final int DEFAULT_TIMEOUT_SECONDS = 60;
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");

    private String serviceUrl;
    private String connection;
    private String role;
    private List<String> servers;
    private String credentialsId;
    private String team = "default";
    private String audience;
    private int timeout = DEFAULT_TIMEOUT_SECONDS;

    @DataBoundConstructor
    public WithWorkloadSshStep(
            String serviceUrl, String connection, String role, List<String> servers, String credentialsId) {
        this.serviceUrl = serviceUrl;
        this.connection = connection;
        this.role = role;
        this.servers = servers == null ? List.of() : List.copyOf(servers);
        this.credentialsId = credentialsId;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new WithWorkloadSshExecution(this, context);
    }

    public String getServiceUrl() {
        return serviceUrl;
    }

    @DataBoundSetter
    public void setServiceUrl(String serviceUrl) {
        this.serviceUrl = serviceUrl;
    }

    public String getConnection() {
        return connection;
    }

    @DataBoundSetter
    public void setConnection(String connection) {
        this.connection = connection;
    }

    public String getRole() {
        return role;
    }

    @DataBoundSetter
    public void setRole(String role) {
        this.role = role;
    }

    public List<String> getServers() {
        return servers;
    }

    @DataBoundSetter
    public void setServers(List<String> servers) {
        this.servers = servers == null ? List.of() : List.copyOf(servers);
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    @DataBoundSetter
    public void setCredentialsId(String credentialsId) {
        this.credentialsId = credentialsId;
    }

    public String getTeam() {
        return team;
    }

    @DataBoundSetter
    public void setTeam(String team) {
        this.team = team == null || team.isBlank() ? "default" : team;
    }

    public String getAudience() {
        return audience;
    }

    /** Documentation only for the server side: the credential fixes the token's audience. */
    @DataBoundSetter
    public void setAudience(String audience) {
        this.audience = audience == null || audience.isBlank() ? null : audience;
    }

    public int getTimeout() {
        return timeout;
    }

    /** Seconds to wait for each session to be READY. */
    @DataBoundSetter
    public void setTimeout(int timeout) {
        this.timeout = timeout <= 0 ? DEFAULT_TIMEOUT_SECONDS : timeout;
    }

    /** The step's parameters as the Jenkins-free session request. */
    SessionRequest request() {
        return new SessionRequest(serviceUrl, team, connection, audience, role, servers, timeout);
    }

    @Symbol("withWorkloadSsh")
    @Extension
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "withWorkloadSsh";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "SSH access as a Keyless workload role";
        }

        @Override
        public boolean takesImplicitBlockArgument() {
            return true;
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, EnvVars.class, Launcher.class, FilePath.class);
        }

        @POST
        public FormValidation doCheckServiceUrl(@AncestorInPath Item item, @QueryParameter String value) {
            if (!mayConfigure(item)) {
                return FormValidation.ok();
            }
            if (value == null || value.isBlank()) {
                return FormValidation.error("Required: the Keyless service URL, e.g. https://keyless.example.com");
            }
            try {
                URI uri = URI.create(value.trim());
                if ("https".equals(uri.getScheme()) && uri.getHost() != null) {
                    return FormValidation.ok();
                }
                if ("http".equals(uri.getScheme())) {
                    return FormValidation.warning("Plain http: only for a service on this machine");
                }
            } catch (IllegalArgumentException e) {
                // reported below
            }
            return FormValidation.error("Must be an absolute https URL");
        }

        @POST
        public FormValidation doCheckConnection(@AncestorInPath Item item, @QueryParameter String value) {
            return checkName(item, value, "connection");
        }

        @POST
        public FormValidation doCheckRole(@AncestorInPath Item item, @QueryParameter String value) {
            return checkName(item, value, "role");
        }

        @POST
        public FormValidation doCheckTeam(@AncestorInPath Item item, @QueryParameter String value) {
            return value == null || value.isBlank() ? FormValidation.ok() : checkName(item, value, "team");
        }

        @POST
        public FormValidation doCheckServers(@AncestorInPath Item item, @QueryParameter String value) {
            if (!mayConfigure(item)) {
                return FormValidation.ok();
            }
            if (value == null || value.isBlank()) {
                return FormValidation.error("Required: at least one server name");
            }
            for (String server : value.split("[,\\s]+")) {
                if (!server.isEmpty() && !NAME.matcher(server).matches()) {
                    return FormValidation.error("Not a server name: lower-case letters, digits, '.', '_', '-'");
                }
            }
            return FormValidation.ok();
        }

        @POST
        public FormValidation doCheckTimeout(@AncestorInPath Item item, @QueryParameter String value) {
            if (!mayConfigure(item) || value == null || value.isBlank()) {
                return FormValidation.ok();
            }
            try {
                int seconds = Integer.parseInt(value.trim());
                return seconds > 0 && seconds <= 600
                        ? FormValidation.ok()
                        : FormValidation.error("Between 1 and 600 seconds");
            } catch (NumberFormatException e) {
                return FormValidation.error("A number of seconds");
            }
        }

        @POST
        public FormValidation doCheckCredentialsId(@AncestorInPath Item item, @QueryParameter String value) {
            if (!mayConfigure(item)) {
                return FormValidation.ok();
            }
            return value == null || value.isBlank()
                    ? FormValidation.error("Required: an \"OpenID Connect id token\" credential")
                    : FormValidation.ok();
        }

        /** String credentials, which include the OIDC provider plugin's id token credential. */
        @POST
        public ListBoxModel doFillCredentialsIdItems(@AncestorInPath Item item, @QueryParameter String credentialsId) {
            StandardListBoxModel result = new StandardListBoxModel();
            if (!mayConfigure(item)) {
                return result.includeCurrentValue(credentialsId);
            }
            return result.includeEmptyValue()
                    .includeAs(ACL.SYSTEM2, item, StringCredentials.class, List.of())
                    .includeCurrentValue(credentialsId);
        }

        private static FormValidation checkName(Item item, String value, String what) {
            if (!mayConfigure(item)) {
                return FormValidation.ok();
            }
            if (value == null || value.isBlank()) {
                return FormValidation.error("Required: the " + what + " name");
            }
            return NAME.matcher(value.trim()).matches()
                    ? FormValidation.ok()
                    : FormValidation.error("Not a " + what + " name: lower-case letters, digits, '.', '_', '-'");
        }

        private static boolean mayConfigure(Item item) {
            return item != null && item.hasPermission(Item.CONFIGURE);
        }
    }
}
