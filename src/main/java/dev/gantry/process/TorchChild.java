package dev.gantry.process;

import java.util.List;

/** How a child that runs libtorch is started: natives from the jar, a fixed thread count, quiet OpenMP. */
public final class TorchChild {

    private TorchChild() {}

    public static List<String> jvmOptions(int threads) {
        return List.of(
                "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=" + threads,
                "-Dai.djl.pytorch.num_interop_threads=1");
    }

    public static void environment(ProcessBuilder builder, int threads) {
        builder.environment().put("OMP_NUM_THREADS", String.valueOf(threads));
        // Idle OpenMP threads sleep instead of spinning: a co-tenant process cannot then slow
        // training by orders of magnitude (docs/architecture.md).
        builder.environment().put("OMP_WAIT_POLICY", "PASSIVE");
    }
}
