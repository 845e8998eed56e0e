package dev.gantry.worker;

import ai.djl.Device;
import ai.djl.engine.Engine;

/** The device a worker trains on, as the registry shows it: {@code cpu}, or {@code gpu:N}. */
final class WorkerDevice {

    private WorkerDevice() {}

    /** Loads libtorch if it is not loaded yet (the first job would load it anyway). */
    static String current() {
        Device device = Engine.getInstance().defaultDevice();
        return device.isGpu() ? "gpu:" + device.getDeviceId() : device.getDeviceType();
    }
}
