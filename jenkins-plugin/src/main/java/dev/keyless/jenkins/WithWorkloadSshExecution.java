package dev.keyless.jenkins;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.Launcher;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import java.io.IOException;
import java.util.List;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.jenkinsci.plugins.workflow.steps.BodyExecutionCallback;
import org.jenkinsci.plugins.workflow.steps.BodyInvoker;
import org.jenkinsci.plugins.workflow.steps.EnvironmentExpander;
import org.jenkinsci.plugins.workflow.steps.GeneralNonBlockingStepExecution;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * Opens the sessions off the CPS thread ({@link GeneralNonBlockingStepExecution#run}), runs the
 * block with the ssh variables and a console filter masking every secret, and closes the sessions
 * when the block ends, fails or is aborted.
 */
final class WithWorkloadSshExecution extends GeneralNonBlockingStepExecution {
    private static final long serialVersionUID = 1L;

    private final transient WithWorkloadSshStep step;
    private volatile SessionHandle handle;

    WithWorkloadSshExecution(WithWorkloadSshStep step, StepContext context) {
        super(context);
        this.step = step;
    }

    @Override
    public boolean start() throws Exception {
        SessionRequest request = step.request();
        String credentialsId = step.getCredentialsId();
        run(() -> open(request, credentialsId));
        return false;
    }

    private void open(SessionRequest request, String credentialsId) throws Exception {
        StepContext context = getContext();
        Run<?, ?> run = context.get(Run.class);
        TaskListener listener = context.get(TaskListener.class);
        EnvVars env = context.get(EnvVars.class);
        StringCredentials credential =
                CredentialsProvider.findCredentialById(credentialsId, StringCredentials.class, run, List.of());
        if (credential == null) {
            throw new AbortException("withWorkloadSsh: no string credential with id '" + credentialsId
                    + "' (create an \"OpenID Connect id token\" credential)");
        }
        CredentialsProvider.track(run, credential);
        // The OIDC provider plugin mints a fresh token on each getSecret().
        String token = credential.getSecret().getPlainText();
        listener.getLogger()
                .println("keyless: opening sessions for " + String.join(", ", request.servers()) + " as role "
                        + request.role() + " at " + request.serviceUrl());
        handle = SessionHandle.of(channel(context).call(new NodeSessions.Open(request, token, env)));
        listener.getLogger().println("keyless: ready: " + handle.summary());
        context.newBodyInvoker()
                .withContexts(
                        EnvironmentExpander.merge(
                                context.get(EnvironmentExpander.class), new SshEnvironment(handle.environment())),
                        BodyInvoker.mergeConsoleLogFilters(
                                context.get(hudson.console.ConsoleLogFilter.class), new SecretMaskingFilter(handle)))
                .withCallback(new CloseSessions(handle))
                .start();
    }

    @Override
    public void stop(Throwable cause) throws Exception {
        SessionHandle h = handle;
        try {
            if (h != null) {
                close(getContext(), h);
            }
        } finally {
            super.stop(cause);
        }
    }

    static VirtualChannel channel(StepContext context) throws IOException, InterruptedException {
        Launcher launcher = context.get(Launcher.class);
        VirtualChannel channel = launcher == null ? null : launcher.getChannel();
        if (channel == null) {
            throw new AbortException("withWorkloadSsh: the node is offline");
        }
        return channel;
    }

    static void close(StepContext context, SessionHandle h) throws IOException, InterruptedException {
        if (channel(context).call(new NodeSessions.Close(h.id()))) {
            context.get(TaskListener.class).getLogger().println("keyless: sessions closed");
        }
    }

    /** Cleanup on success and on failure of the block, before the step completes. */
    private static final class CloseSessions extends BodyExecutionCallback.TailCall {
        private static final long serialVersionUID = 1L;
        private final SessionHandle handle;

        CloseSessions(SessionHandle handle) {
            this.handle = handle;
        }

        @Override
        protected void finished(StepContext context) throws Exception {
            close(context, handle);
        }
    }
}
