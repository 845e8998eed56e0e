package dev.gantry.worker;

import java.util.Optional;

/** Which GPU, if any, libtorch would train on in this process. Asked once, in a worker process. */
@FunctionalInterface
interface GpuProbe {

    /** @return a description of the GPU (device, count, CUDA version), or empty when there is none */
    Optional<String> gpu();
}
