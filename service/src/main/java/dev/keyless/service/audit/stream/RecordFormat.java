package dev.keyless.service.audit.stream;

import java.util.Locale;
import java.util.function.Function;

/**
 * How a file or webhook sink writes each record: {@code json}, the native schema ({@link
 * StreamRecords}), {@code ecs}, an Elastic Common Schema document ({@link EcsRecords}), or {@code
 * ocsf}, an Open Cybersecurity Schema Framework event ({@link OcsfRecords}).
 */
// The one field is a method reference to a stateless function; the check cannot see that it is immutable.
@SuppressWarnings("ImmutableEnumChecker")
enum RecordFormat {
    JSON(StreamItem::json),
    ECS(EcsRecords::document),
    OCSF(OcsfRecords::document);

    private final Function<StreamItem, String> render;

    RecordFormat(Function<StreamItem, String> render) {
        this.render = render;
    }

    String render(StreamItem item) {
        return render.apply(item);
    }

    static RecordFormat named(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("audit stream format must be json, ecs or ocsf, not '" + name + "'", e);
        }
    }
}
