package dev.gantry.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** What a benchmark prints about the machine it ran on, so its figures can be read later. */
public final class Machine {

    private Machine() {}

    /** The CPU model and the processors this JVM sees. */
    public static String cpu() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                            .filter(l -> l.startsWith("model name"))
                            .findFirst()
                            .map(l -> l.substring(l.indexOf(':') + 2))
                            .orElse("?")
                    + ", " + Runtime.getRuntime().availableProcessors() + " CPUs";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The 1, 5 and 15 minute load averages: co-tenants' load is part of every figure here. */
    public static String loadAverage() {
        try {
            return String.join(
                    " ",
                    Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
