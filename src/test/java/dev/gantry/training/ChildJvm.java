package dev.gantry.training;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a test-source main in a fresh JVM with this classpath. libtorch there uses one intra-op
 * thread and a passive OpenMP wait policy: with the default policy, two busy libtorch processes on
 * the same cores (a test beside another JVM training) spin on OpenMP barriers and each slows down
 * ~70x, measured here. One thread has no barriers to spin on.
 */
public final class ChildJvm {

    public record Result(int exitCode, List<String> lines, double seconds) {
        public String output() {
            return String.join("\n", lines);
        }
    }

    private ChildJvm() {}

    public static Result run(Class<?> main, List<String> jvmOptions, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Dai.djl.offline=true");
        command.add("-Dai.djl.pytorch.num_threads=1");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        long start = System.nanoTime();
        Process child = builder.start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                lines.add(line);
            }
        } finally {
            if (!child.waitFor(10, TimeUnit.MINUTES)) {
                child.destroyForcibly();
            }
        }
        return new Result(child.exitValue(), lines, (System.nanoTime() - start) / 1e9);
    }
}
