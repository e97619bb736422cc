package dev.keyless.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/** Linux /proc readings: resident memory and CPU time of a process, and busy time of the machine. */
final class ProcStats {
    /** USER_HZ; 100 on every mainstream Linux build. */
    static final double TICKS_PER_SECOND = 100.0;

    private ProcStats() {}

    record Memory(long peakMiB, long currentMiB) {}

    static Memory memory(long pid) throws IOException {
        long peak = 0;
        long current = 0;
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmHWM:")) {
                peak = kib(line) / 1024;
            } else if (line.startsWith("VmRSS:")) {
                current = kib(line) / 1024;
            }
        }
        return new Memory(peak, current);
    }

    /** utime + stime of a process in ticks, or 0 if it is gone. */
    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name may hold spaces; fields after it are fixed.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1);
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Machine-wide {busy, total} ticks from the first line of /proc/stat. */
    static long[] machineTicks() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+", -1);
        long total = 0;
        for (int i = 1; i < f.length && i <= 8; i++) {
            total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
        return new long[] {total - idle, total};
    }

    /** The pid of the local MariaDB server (mariadbd or mysqld), if this machine runs one we can see. */
    static OptionalLong databaseServerPid() {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> List.of("mariadbd", "mysqld").contains(comm(p)))
                    .mapToLong(p -> Long.parseLong(p.getFileName().toString()))
                    .findFirst();
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    private static String comm(Path proc) {
        try {
            return Files.readString(proc.resolve("comm")).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static long kib(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
}
