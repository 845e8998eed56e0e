package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Device choice on both sides: the server's plan of local workers (no libtorch, from the
 * environment and the driver's /proc entries, faked here by a folder) and the worker's own
 * resolution (the GPU probe faked: there is no GPU on these machines).
 */
class WorkerDeviceTest {

    private static final GpuProbe NO_GPU = Optional::empty;
    private static final GpuProbe ONE_GPU = () -> Optional.of("gpu(0)");

    @Test
    void cuda_visible_devices_lists_the_gpus_and_an_empty_value_hides_them_all(@TempDir Path proc) throws Exception {
        Files.createDirectory(proc.resolve("0000:01:00.0"));

        assertThat(LocalGpus.detect(Map.of("CUDA_VISIBLE_DEVICES", "2, 3"), proc))
                .containsExactly("2", "3");
        assertThat(LocalGpus.detect(Map.of("CUDA_VISIBLE_DEVICES", ""), proc)).isEmpty();
    }

    @Test
    void without_cuda_visible_devices_each_driver_entry_is_a_gpu(@TempDir Path proc) throws Exception {
        Files.createDirectory(proc.resolve("0000:01:00.0"));
        Files.createDirectory(proc.resolve("0000:02:00.0"));

        assertThat(LocalGpus.detect(Map.of(), proc)).containsExactly("0", "1");
        assertThat(LocalGpus.detect(Map.of(), proc.resolve("absent"))).isEmpty();
    }

    @Test
    void a_cpu_plan_starts_local_count_workers_with_every_gpu_hidden() {
        assertThat(LocalWorkerPlan.of("cpu", 2, List.of("0", "1", "2")))
                .containsExactly(new LocalWorkerPlan.Slot("cpu", ""), new LocalWorkerPlan.Slot("cpu", ""));
        assertThat(LocalWorkerPlan.of("auto", 2, List.of()))
                .containsExactly(new LocalWorkerPlan.Slot("cpu", ""), new LocalWorkerPlan.Slot("cpu", ""));
    }

    @Test
    void a_cpu_plan_gets_one_spare_and_a_gpu_plan_none() {
        assertThat(LocalWorkerPlan.withSpare(LocalWorkerPlan.of("cpu", 2, List.of())))
                .containsExactly(
                        new LocalWorkerPlan.Slot("cpu", ""),
                        new LocalWorkerPlan.Slot("cpu", ""),
                        new LocalWorkerPlan.Slot("cpu", ""));
        assertThat(LocalWorkerPlan.withSpare(LocalWorkerPlan.of("gpu", 1, List.of("0", "1"))))
                .containsExactly(new LocalWorkerPlan.Slot("gpu", "0"), new LocalWorkerPlan.Slot("gpu", "1"));
        assertThat(LocalWorkerPlan.withSpare(List.of())).isEmpty();
    }

    @Test
    void a_gpu_plan_starts_one_worker_per_gpu_each_seeing_only_its_own() {
        assertThat(LocalWorkerPlan.of("gpu", 1, List.of("0", "1")))
                .containsExactly(new LocalWorkerPlan.Slot("gpu", "0"), new LocalWorkerPlan.Slot("gpu", "1"));
        assertThat(LocalWorkerPlan.of("auto", 1, List.of("3"))).containsExactly(new LocalWorkerPlan.Slot("auto", "3"));
        assertThatThrownBy(() -> LocalWorkerPlan.of("gpu", 1, List.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("gantry.worker.device is gpu");
    }

    @Test
    void a_worker_resolves_its_device_and_refuses_a_setting_it_cannot_honour() {
        assertThat(WorkerDevice.resolve("auto", NO_GPU).kind()).isEqualTo("cpu");
        assertThat(WorkerDevice.resolve("auto", ONE_GPU)).isEqualTo(new WorkerDevice(true, "gpu(0)"));
        assertThat(WorkerDevice.resolve("gpu", ONE_GPU).gpu()).isTrue();
        assertThat(WorkerDevice.resolve("cpu", NO_GPU).gpu()).isFalse();
        assertThatThrownBy(() -> WorkerDevice.resolve("gpu", NO_GPU))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("sees no GPU");
        // DJL trains on its default device, the GPU: a "cpu" worker there would misreport itself.
        assertThatThrownBy(() -> WorkerDevice.resolve("cpu", ONE_GPU))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("CUDA_VISIBLE_DEVICES");
    }

    @Test
    void an_unknown_device_setting_is_refused_naming_the_property() {
        assertThatThrownBy(() -> new WorkerProperties(
                        1,
                        "",
                        java.time.Duration.ofSeconds(1),
                        java.time.Duration.ofSeconds(1),
                        null,
                        1,
                        "tpu",
                        null,
                        true,
                        null,
                        1))
                .hasMessageContaining("gantry.worker.device")
                .hasMessageContaining("tpu");
    }

    @Test
    void the_real_probe_finds_no_gpu_on_a_machine_without_one() {
        assumeTrue(
                LocalGpus.detect(System.getenv(), LocalGpus.NVIDIA_PROC).isEmpty(),
                "this machine has a GPU; the probe's GPU answer is not tested here");
        assertThat(new DjlGpuProbe().gpu()).isEmpty();
    }
}
