package dev.keyless.e2e.pipeline;

import groovy.lang.Binding;
import groovy.lang.Closure;
import groovy.lang.GroovyShell;
import groovy.lang.Script;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.codehaus.groovy.control.CompilerConfiguration;
import org.codehaus.groovy.runtime.MethodClosure;

/**
 * Just enough of a Pipeline to run a shared library's {@code vars/*.groovy} with the real Groovy
 * engine: {@code sh} really runs {@code sh -xe} on a script file like Jenkins' durable-task does,
 * {@code withEnv} (including {@code PATH+X=dir}), {@code withCredentials} with {@code string}
 * bindings, {@code echo}, {@code error} and {@code env}. Unlike Jenkins it does not mask bound
 * secrets in the console, so a test that finds no secret in {@link #log()} proves the library
 * never printed one. Not thread-safe: one pipeline at a time.
 */
public final class PipelineHarness {
    private final Path varsDir;
    private final Path workspace;
    private final Map<String, String> credentials;
    private final Deque<Map<String, String>> env = new ArrayDeque<>();
    private final StringBuilder log = new StringBuilder();
    private final GroovyShell shell;

    public PipelineHarness(Path varsDir, Path workspace, Map<String, String> credentials) {
        this.varsDir = varsDir;
        this.workspace = workspace;
        this.credentials = Map.copyOf(credentials);
        Map<String, String> base = new LinkedHashMap<>(System.getenv());
        base.put("WORKSPACE", workspace.toString());
        base.put("WORKSPACE_TMP", workspace + "@tmp");
        base.put("JENKINS_URL", "https://jenkins.example.com/");
        env.push(base);
        CompilerConfiguration config = new CompilerConfiguration();
        config.setScriptBaseClass(PipelineScript.class.getName());
        Binding binding = new Binding();
        binding.setVariable(PipelineScript.HARNESS, this);
        this.shell = new GroovyShell(PipelineHarness.class.getClassLoader(), binding, config);
    }

    /** Runs a Jenkinsfile body; each {@code vars/NAME.groovy} is callable as {@code NAME(...)}. */
    public Object run(String jenkinsfile) throws IOException {
        try (var vars = Files.list(varsDir)) {
            for (Path file : vars.filter(f -> f.toString().endsWith(".groovy")).toList()) {
                String name = file.getFileName().toString().replace(".groovy", "");
                Script var = shell.parse(Files.readString(file), name + ".groovy");
                shell.setVariable(name, new MethodClosure(var, "call"));
            }
        }
        return shell.evaluate(jenkinsfile, "Jenkinsfile");
    }

    public String log() {
        return log.toString();
    }

    Map<String, String> env() {
        return env.peek();
    }

    void echo(Object message) {
        log.append(message).append('\n');
    }

    /** {@code sh 'cmd'} or {@code sh(script:, returnStdout:, returnStatus:)}, as Jenkins runs it. */
    Object sh(Map<String, ?> args) {
        String script = String.valueOf(args.get("script"));
        boolean returnStdout = Boolean.TRUE.equals(args.get("returnStdout"));
        boolean returnStatus = Boolean.TRUE.equals(args.get("returnStatus"));
        try {
            Path file = Files.createTempFile(Files.createDirectories(Path.of(workspace + "@tmp")), "script", ".sh");
            Files.writeString(file, script);
            ProcessBuilder pb = new ProcessBuilder("sh", "-xe", file.toString()).directory(workspace.toFile());
            pb.environment().clear();
            pb.environment().putAll(env.peek());
            Path stdout = Files.createTempFile(file.getParent(), "out", ".txt");
            Path stderr = Files.createTempFile(file.getParent(), "err", ".txt");
            pb.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
            Process process = pb.start();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("sh timed out");
            }
            String out = Files.readString(stdout, StandardCharsets.UTF_8);
            String err = Files.readString(stderr, StandardCharsets.UTF_8);
            log.append(returnStdout ? err : out + err);
            Files.delete(file);
            Files.delete(stdout);
            Files.delete(stderr);
            int exit = process.exitValue();
            if (returnStatus) {
                return exit;
            }
            if (exit != 0) {
                throw new PipelineError("script returned exit code " + exit);
            }
            return returnStdout ? out : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code withEnv(['K=V', 'PATH+X=dir'])}: {@code PATH+X} prepends to {@code PATH}. */
    Object withEnv(List<?> overrides, Closure<?> body) {
        Map<String, String> next = new LinkedHashMap<>(env.peek());
        for (Object o : overrides) {
            String entry = String.valueOf(o);
            int eq = entry.indexOf('=');
            String key = entry.substring(0, eq);
            String value = entry.substring(eq + 1);
            int plus = key.indexOf('+');
            if (plus > 0) {
                String base = key.substring(0, plus);
                String old = next.get(base);
                next.put(base, old == null || old.isEmpty() ? value : value + ":" + old);
            } else {
                next.put(key, value);
            }
        }
        return within(next, body);
    }

    /** {@code withCredentials([string(credentialsId:, variable:)])}: unmasked, on purpose. */
    Object withCredentials(List<?> bindings, Closure<?> body) {
        Map<String, String> next = new LinkedHashMap<>(env.peek());
        for (Object b : bindings) {
            Map<?, ?> binding = (Map<?, ?>) b;
            String id = String.valueOf(binding.get("credentialsId"));
            String secret = credentials.get(id);
            if (secret == null) {
                throw new PipelineError("Could not find credentials entry with ID '" + id + "'");
            }
            next.put(String.valueOf(binding.get("variable")), secret);
        }
        return within(next, body);
    }

    private Object within(Map<String, String> next, Closure<?> body) {
        env.push(next);
        try {
            return body.call();
        } finally {
            env.pop();
        }
    }

    /** The {@code error} step's failure. */
    public static final class PipelineError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PipelineError(String message) {
            super(message);
        }
    }
}
