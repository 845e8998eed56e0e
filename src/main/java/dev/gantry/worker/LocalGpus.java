package dev.gantry.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The GPUs of this machine, as the server sees them without loading libtorch (the API process
 * never does): the entries of {@code CUDA_VISIBLE_DEVICES} when it is set (an empty value hides
 * them all), else one per entry of the NVIDIA driver's {@code /proc/driver/nvidia/gpus}.
 */
final class LocalGpus {

    static final Path NVIDIA_PROC = Path.of("/proc/driver/nvidia/gpus");

    private LocalGpus() {}

    /** @return the ids to hand each worker as its {@code CUDA_VISIBLE_DEVICES}, in order */
    static List<String> detect(Map<String, String> environment, Path nvidiaProc) {
        String visible = environment.get("CUDA_VISIBLE_DEVICES");
        if (visible != null) {
            return Arrays.stream(visible.split(","))
                    .map(String::trim)
                    .filter(id -> !id.isEmpty())
                    .toList();
        }
        if (!Files.isDirectory(nvidiaProc)) {
            return List.of();
        }
        try (Stream<Path> gpus = Files.list(nvidiaProc)) {
            return IntStream.range(0, (int) gpus.count())
                    .mapToObj(String::valueOf)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
