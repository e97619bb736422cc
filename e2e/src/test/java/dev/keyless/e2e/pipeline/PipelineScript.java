package dev.keyless.e2e.pipeline;

import groovy.lang.Closure;
import groovy.lang.Script;
import java.util.List;
import java.util.Map;

/** Base class of the Jenkinsfile and of each {@code vars/} script: the steps, bound to one harness. */
public abstract class PipelineScript extends Script {
    static final String HARNESS = "__pipelineHarness";

    private PipelineHarness harness() {
        return (PipelineHarness) getBinding().getVariable(HARNESS);
    }

    public Object sh(String script) {
        return harness().sh(Map.of("script", script));
    }

    public Object sh(Map<String, ?> args) {
        return harness().sh(args);
    }

    public Object withEnv(List<?> overrides, Closure<?> body) {
        return harness().withEnv(overrides, body);
    }

    public Object withCredentials(List<?> bindings, Closure<?> body) {
        return harness().withCredentials(bindings, body);
    }

    public Map<String, ?> string(Map<String, ?> binding) {
        return binding;
    }

    public void echo(Object message) {
        harness().echo(message);
    }

    public void error(Object message) {
        harness().echo("ERROR: " + message);
        throw new PipelineHarness.PipelineError(String.valueOf(message));
    }

    public Map<String, String> getEnv() {
        return harness().env();
    }
}
