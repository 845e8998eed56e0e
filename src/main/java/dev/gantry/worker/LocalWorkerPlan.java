package dev.gantry.worker;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Which local workers a server starts: one per GPU when it uses GPUs, else {@code local-count} on the CPU. */
final class LocalWorkerPlan {

    /**
     * One worker child.
     *
     * @param device its {@code gantry.worker.device}
     * @param cudaVisibleDevices its {@code CUDA_VISIBLE_DEVICES}: one GPU, or empty to keep
     *     libtorch off every GPU
     */
    record Slot(String device, String cudaVisibleDevices) {}

    private LocalWorkerPlan() {}

    /**
     * @param device {@code gantry.worker.device}
     * @param gpus what {@link LocalGpus#detect} found
     * @throws IllegalStateException for {@code gpu} on a machine without GPUs
     */
    static List<Slot> of(String device, int localCount, List<String> gpus) {
        return switch (device) {
            case "cpu" -> cpu(localCount);
            case "gpu" -> {
                if (gpus.isEmpty()) {
                    throw new IllegalStateException("gantry.worker.device is gpu, but this machine shows no GPU"
                            + " (CUDA_VISIBLE_DEVICES unset or empty, nothing in " + LocalGpus.NVIDIA_PROC + ")");
                }
                yield gpus.stream().map(id -> new Slot("gpu", id)).toList();
            }
            // Each worker still asks libtorch: the CPU build on a GPU machine trains on the CPU.
            case "auto" ->
                gpus.isEmpty()
                        ? cpu(localCount)
                        : gpus.stream().map(id -> new Slot("auto", id)).toList();
            default -> throw new IllegalArgumentException("unknown gantry.worker.device " + device);
        };
    }

    /**
     * The plan and one more CPU worker, a warm spare that claims only when a sibling's job is back
     * in the queue. A plan on GPUs gets none: a spare would need a GPU of its own.
     */
    static List<Slot> withSpare(List<Slot> slots) {
        if (slots.isEmpty()
                || slots.stream().anyMatch(slot -> !slot.cudaVisibleDevices().isEmpty())) {
            return slots;
        }
        List<Slot> more = new ArrayList<>(slots);
        more.add(slots.get(0));
        return List.copyOf(more);
    }

    private static List<Slot> cpu(int count) {
        return Collections.nCopies(count, new Slot("cpu", ""));
    }
}
