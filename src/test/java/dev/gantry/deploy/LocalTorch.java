package dev.gantry.deploy;

import dev.gantry.process.TorchChild;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a server gives a local worker for libtorch ({@link TorchChild}), which a worker container
 * or pod must be given by its own environment: {@code gantry.worker.torch-threads} reaches local
 * children only.
 */
final class LocalTorch {

    private LocalTorch() {}

    static Map<String, String> environment(int threads) {
        ProcessBuilder builder = new ProcessBuilder();
        builder.environment().clear();
        TorchChild.environment(builder, threads);
        return new TreeMap<>(builder.environment());
    }

    /** The JVM options, less {@code -Dai.djl.offline=true}, which the image's ENTRYPOINT sets. */
    static List<String> jvmOptionsBesideTheImages(int threads) {
        return TorchChild.jvmOptions(threads).stream()
                .filter(o -> !o.equals("-Dai.djl.offline=true"))
                .toList();
    }
}
