package dev.gantry.worker;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.gantry.job.JobSpec;
import dev.gantry.job.TrainingConfigs;
import dev.gantry.training.GanTraining;
import dev.gantry.training.TrainingListener;
import dev.gantry.training.config.TrainingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * The training loop of a stored job spec, bare: one process, no database, no object store, a
 * listener that does nothing. The reference {@link ServiceOverheadBenchmark} compares a service
 * run against. Also measures the matmul rate libtorch reaches in this process, for the model FLOP
 * utilisation. Usage: {@code BareTrainingRun spec.json}.
 */
public final class BareTrainingRun {

    public static void main(String[] args) throws Exception {
        JobSpec spec = JsonMapper.builder().build().readValue(Files.readString(Path.of(args[0])), JobSpec.class);
        TrainingConfig config = TrainingConfigs.from(spec);
        long start = System.nanoTime();
        List<Double> rates = new ArrayList<>();
        GanTraining.run(config, null, new TrainingListener() {
            @Override
            public void onStep(long step, Map<String, Double> metrics) {
                Double rate = metrics.get("perf/steps-per-second");
                if (rate != null) {
                    rates.add(rate);
                }
            }
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        rates.sort(null);
        System.out.printf(
                "bare: %d steps in %.2f s = %.1f steps/s; median perf/steps-per-second %.1f; "
                        + "matmul %.1f GFLOP/s%n",
                config.steps(),
                seconds,
                config.steps() / seconds,
                rates.get(rates.size() / 2),
                matmulGflops(config.batchSize(), config.model().hiddenUnits()));
    }

    /** A (3·batch × hidden)·(hidden × hidden) product: the shape of the MLP's hidden layers. */
    static double matmulGflops(int batch, int hidden) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.randomNormal(new ai.djl.ndarray.types.Shape(3L * batch, hidden));
            NDArray b = manager.randomNormal(new ai.djl.ndarray.types.Shape(hidden, hidden));
            for (int i = 0; i < 50; i++) {
                a.matMul(b).close();
            }
            int reps = 2000;
            long start = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                a.matMul(b).close();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return 2.0 * 3 * batch * hidden * hidden * reps / seconds / 1e9;
        }
    }
}
