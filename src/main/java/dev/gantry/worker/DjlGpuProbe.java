package dev.gantry.worker;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import dev.gantry.training.GanTraining;
import java.lang.invoke.MethodHandles;
import java.util.Optional;

/**
 * Asks DJL. The CUDA runtime is looked for first (cheap, no libtorch): without one, or without a
 * visible device, there is no GPU and libtorch is not loaded here. With one, libtorch decides: the
 * CPU build of libtorch (the default image) trains on the CPU even on a GPU machine.
 */
final class DjlGpuProbe implements GpuProbe {

    @Override
    public Optional<String> gpu() {
        if (CudaUtils.getGpuCount() == 0) {
            return Optional.empty();
        }
        // GanTraining's class initializer sets libtorch's options, read once when the engine starts.
        try {
            MethodHandles.lookup().ensureInitialized(GanTraining.class);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
        Engine engine = Engine.getInstance();
        Device device = engine.defaultDevice();
        if (!device.isGpu()) {
            return Optional.empty();
        }
        return Optional.of(device + " (" + engine.getGpuCount() + " visible, CUDA "
                + CudaUtils.getCudaVersionString() + ", CUDA_VISIBLE_DEVICES="
                + System.getenv().getOrDefault("CUDA_VISIBLE_DEVICES", "unset") + ")");
    }
}
