package dev.keyless.service.sealing;

import dev.keyless.service.db.Db;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The re-seal step of a master-key rotation: with the new key current and the old one given as
 * previous ({@link MasterKeySource}), every value still under the old key is opened and sealed
 * again under the new one, across all features, in one transaction. It is crash-safe by
 * construction: until the commit nothing changed, after it everything is under the new key, and
 * at every moment the service holding both keys opens every value; running it again after a
 * crash, or twice, changes only what is still under the old key.
 */
@Singleton
public class MasterKeyRotation {
    /** What the re-seal did: per kind of value, how many moved onto the current key. */
    public record Result(Map<String, Integer> resealed, boolean previousKeyHeld) {}

    private final Db db;
    private final SecretBox box;
    private final List<Resealer> resealers;

    MasterKeyRotation(Db db, SecretBox box, List<Resealer> resealers) {
        this.db = db;
        this.box = box;
        List<Resealer> sorted = new ArrayList<>(resealers);
        sorted.sort(Comparator.comparing(Resealer::name));
        this.resealers = List.copyOf(sorted);
    }

    /**
     * Re-seals everything still under the previous key. Without a previous key nothing moves, and
     * the run checks that every value opens under the current key (it fails if one does not).
     */
    public Result reseal() {
        Map<String, Integer> counts = db.write(c -> {
            Map<String, Integer> done = new LinkedHashMap<>();
            for (Resealer r : resealers) {
                done.put(r.name(), r.reseal(c, box));
            }
            return done;
        });
        return new Result(counts, box.hasPreviousKey());
    }
}
