package dev.keyless.action.runner;

import java.util.Map;

/**
 * Formats workflow commands ({@code ::name key=value,...::message}) with the escaping of {@code
 * @actions/core}'s {@code command.ts}: data escapes {@code %}, {@code \r}, {@code \n}; property
 * values also {@code :} and {@code ,}. Pure functions.
 */
public final class WorkflowCommands {
    private WorkflowCommands() {}

    /** Escapes a command's message ("data"). */
    public static String escapeData(String s) {
        return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
    }

    /** Escapes a command's property value. */
    public static String escapeProperty(String s) {
        return escapeData(s).replace(":", "%3A").replace(",", "%2C");
    }

    /** {@code ::name k=v,k2=v2::message}; properties in iteration order, null values left out. */
    public static String format(String name, Map<String, String> properties, String message) {
        StringBuilder b = new StringBuilder("::").append(name);
        String sep = " ";
        for (Map.Entry<String, String> p : properties.entrySet()) {
            if (p.getValue() != null) {
                b.append(sep).append(p.getKey()).append('=').append(escapeProperty(p.getValue()));
                sep = ",";
            }
        }
        return b.append("::").append(escapeData(message)).toString();
    }
}
