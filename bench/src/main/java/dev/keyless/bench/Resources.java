package dev.keyless.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.OptionalLong;

/**
 * CPU used during a phase, in cores (CPU seconds per wall second): by the service JVM, by this
 * load-generating JVM, by the MariaDB server if one runs here, and by the whole machine — the rest
 * is other work on the machine.
 */
final class Resources {
    private final long servicePid;
    private final long selfPid = ProcessHandle.current().pid();
    private final OptionalLong databasePid = ProcStats.databaseServerPid();

    Resources(long servicePid) {
        this.servicePid = servicePid;
    }

    record Sample(long nanos, long service, long self, long database, long machineBusy, long machineTotal) {}

    /**
     * @param machineBusy busy cores over the whole machine
     * @param other busy cores not accounted for by the service, this JVM or MariaDB
     */
    record Usage(double service, double loadGenerator, double database, double machineBusy, double other) {}

    Sample sample() {
        try {
            long[] machine = ProcStats.machineTicks();
            return new Sample(
                    System.nanoTime(),
                    ProcStats.cpuTicks(servicePid),
                    ProcStats.cpuTicks(selfPid),
                    databasePid.isPresent() ? ProcStats.cpuTicks(databasePid.getAsLong()) : 0,
                    machine[0],
                    machine[1]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Usage since(Sample before) {
        Sample after = sample();
        double seconds = (after.nanos() - before.nanos()) / 1e9;
        double service = cores(after.service() - before.service(), seconds);
        double self = cores(after.self() - before.self(), seconds);
        double database = cores(after.database() - before.database(), seconds);
        double machine = cores(after.machineBusy() - before.machineBusy(), seconds);
        return new Usage(service, self, database, machine, Math.max(0, machine - service - self - database));
    }

    private static double cores(long ticks, double seconds) {
        return ticks / ProcStats.TICKS_PER_SECOND / seconds;
    }
}
