package dev.gantry.worker;

import java.util.Optional;

/**
 * What a worker trains on, decided once when it starts, in the worker process: the API process
 * never loads libtorch to ask. A GPU worker may claim jobs that require a GPU; a CPU worker passes
 * over them.
 *
 * @param gpu whether training runs on a GPU
 * @param description for the log, such as {@code gpu(0) (1 visible, CUDA 12.8, …)}
 */
record WorkerDevice(boolean gpu, String description) {

    String kind() {
        return gpu ? "gpu" : "cpu";
    }

    /**
     * @param setting {@code gantry.worker.device}
     * @throws IllegalStateException for {@code gpu} without a GPU, and for {@code cpu} where
     *     libtorch sees one: DJL trains on its default device, which is then the GPU, and the
     *     worker would misreport itself (hide the GPUs with an empty {@code CUDA_VISIBLE_DEVICES})
     */
    static WorkerDevice resolve(String setting, GpuProbe probe) {
        Optional<String> gpu = probe.gpu();
        return switch (setting) {
            case "gpu" ->
                new WorkerDevice(
                        true,
                        gpu.orElseThrow(() -> new IllegalStateException(
                                "gantry.worker.device is gpu, but libtorch sees no GPU: no CUDA device is"
                                        + " visible, or this is the CPU build of libtorch (build the image with"
                                        + " --build-arg FLAVOR=cuda)")));
            case "auto" -> gpu.map(g -> new WorkerDevice(true, g)).orElse(new WorkerDevice(false, "cpu"));
            case "cpu" -> {
                if (gpu.isPresent()) {
                    throw new IllegalStateException("gantry.worker.device is cpu, but libtorch would train on "
                            + gpu.get() + ": set CUDA_VISIBLE_DEVICES to an empty value for this worker,"
                            + " or use gpu or auto");
                }
                yield new WorkerDevice(false, "cpu");
            }
            default -> throw new IllegalArgumentException("unknown gantry.worker.device " + setting);
        };
    }
}
