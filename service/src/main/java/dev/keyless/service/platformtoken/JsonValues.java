package dev.keyless.service.platformtoken;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Copies parsed JSON into plain, unmodifiable Java values with a nesting limit. */
final class JsonValues {
    static final int MAX_DEPTH = 32;

    private JsonValues() {}

    static final class TooDeepException extends Exception {
        TooDeepException() {
            super("JSON nested too deeply", null, false, false);
        }
    }

    static Map<String, Object> object(Map<?, ?> map) throws TooDeepException {
        return object(map, 0);
    }

    private static Map<String, Object> object(Map<?, ?> map, int depth) throws TooDeepException {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            out.put(String.valueOf(e.getKey()), value(e.getValue(), depth + 1));
        }
        return Collections.unmodifiableMap(out);
    }

    private static Object value(Object v, int depth) throws TooDeepException {
        if (depth > MAX_DEPTH) {
            throw new TooDeepException();
        }
        if (v instanceof Map<?, ?> m) {
            return object(m, depth);
        }
        if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object item : list) {
                out.add(value(item, depth + 1));
            }
            return Collections.unmodifiableList(out);
        }
        if (v instanceof Number n && !(v instanceof Long) && !(v instanceof Double)) {
            double d = n.doubleValue();
            return d == Math.rint(d) && Math.abs(d) < 9.0e15 ? (Object) n.longValue() : (Object) d;
        }
        return v;
    }
}
