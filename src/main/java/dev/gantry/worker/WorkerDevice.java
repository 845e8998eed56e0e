package dev.gantry.worker;

import ai.djl.util.cuda.CudaUtils;

/**
 * The device a worker trains on, as the registry shows it: {@code gpu:0} when CUDA sees a GPU
 * (DJL's default device then), else {@code cpu}. Asked of the CUDA runtime, not of the engine:
 * starting libtorch here, before {@code GanTraining} has set its engine options, would change how
 * the first job runs.
 */
final class WorkerDevice {

    private WorkerDevice() {}

    static String current() {
        return CudaUtils.getGpuCount() > 0 ? "gpu:0" : "cpu";
    }
}
