package dev.gantry.training.bench;

import dev.gantry.training.GanTraining;
import dev.gantry.training.TrainingListener;
import dev.gantry.training.TrainingResult;
import dev.gantry.training.config.DataConfig;
import dev.gantry.training.config.LossConfig;
import dev.gantry.training.config.ModelConfig;
import dev.gantry.training.config.OptimizerConfig;
import dev.gantry.training.config.TermConfig;
import dev.gantry.training.config.TrainingConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PacGAN's metric (2500 samples, modes captured and high-quality share) for each adversarial loss
 * with its usual regularizer, over several seeds, as markdown. Everything else is shared: MLP
 * 128×3, latent 2, batch 256, Adam 5e-4 (0.5, 0.999), one D step per G step (the ring test's
 * setting: the default spec's 1e-4 needs far more steps than a table on two cores can afford).
 *
 * <p>Usage: {@code QualityTable dataset=grid25 steps=5000 seeds=5 [configs=all, comma-separated]}.
 * Run one JVM per dataset to use two cores.
 */
public final class QualityTable {

    /** The loss of each row, and whether the discriminator is spectrally normalized. */
    private record Row(LossConfig loss, boolean spectralNorm) {}

    private static final Map<String, Row> ROWS = new LinkedHashMap<>();

    static {
        ROWS.put(
                "wasserstein + gradient-penalty (λ=10)",
                new Row(loss("wasserstein", term("gradient-penalty", 10)), false));
        ROWS.put("hinge + spectral norm", new Row(loss("hinge"), true));
        ROWS.put("non-saturating + r1 (γ=1)", new Row(loss("non-saturating", term("r1", 1)), false));
        ROWS.put("least-squares", new Row(loss("least-squares"), false));
        ROWS.put("rsgan", new Row(loss("rsgan"), false));
        ROWS.put("rasgan", new Row(loss("rasgan"), false));
        ROWS.put("ralsgan", new Row(loss("ralsgan"), false));
        ROWS.put("rahinge", new Row(loss("rahinge"), false));
    }

    public static void main(String[] args) {
        String dataset = args.length > 0 ? args[0] : "grid25";
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        int seeds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        List<String> wanted = args.length > 3 ? List.of(args[3].split(",")) : List.copyOf(ROWS.keySet());
        int modesTotal = dataset.equals("ring8") ? 8 : 25;
        System.out.printf("%s, %d steps, %d seeds%n%n", dataset, steps, seeds);
        System.out.printf(
                "| loss | modes/%d per seed | modes mean ± std | high-quality %% mean ± std | steps | wall s per run |%n",
                modesTotal);
        System.out.println("| --- | --- | --- | --- | --- | --- |");
        for (Map.Entry<String, Row> row : ROWS.entrySet()) {
            if (wanted.stream().noneMatch(w -> row.getKey().startsWith(w))) {
                continue;
            }
            List<Double> modes = new ArrayList<>();
            List<Double> quality = new ArrayList<>();
            double wall = 0;
            for (int seed = 1; seed <= seeds; seed++) {
                TrainingConfig config = config(dataset, row.getValue(), steps, seed);
                long start = System.nanoTime();
                TrainingResult result = GanTraining.run(config, null, QUIET);
                wall += (System.nanoTime() - start) / 1e9;
                modes.add(result.lastEvaluation().get("eval/modes"));
                quality.add(result.lastEvaluation().get("eval/high-quality") * 100);
            }
            System.out.printf(
                    "| %s | %s | %.1f ± %.1f | %.1f ± %.1f | %d | %.0f |%n",
                    row.getKey(),
                    String.join(
                            ", ",
                            modes.stream()
                                    .map(m -> String.valueOf(m.intValue()))
                                    .toList()),
                    mean(modes),
                    std(modes),
                    mean(quality),
                    std(quality),
                    steps,
                    wall / seeds);
        }
    }

    private static TrainingConfig config(String dataset, Row row, int steps, long seed) {
        OptimizerConfig adam = new OptimizerConfig("adam", 5e-4, 0.5, 0.999, "constant", 0);
        return new TrainingConfig(
                DataConfig.points(dataset),
                ModelConfig.mlp(2, 128, 3, row.spectralNorm()),
                row.loss(),
                adam,
                adam,
                steps,
                256,
                1,
                seed,
                0,
                0,
                2500,
                0,
                0,
                0);
    }

    private static LossConfig loss(String adversarial, TermConfig... terms) {
        return new LossConfig(adversarial, 0.0, List.of(terms));
    }

    private static TermConfig term(String type, double weight) {
        return new TermConfig(type, weight, false, Map.of());
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** Sample standard deviation (n − 1), as the PacGAN tables report. */
    private static double std(List<Double> values) {
        double mean = mean(values);
        double squares =
                values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        return values.size() < 2 ? 0 : Math.sqrt(squares / (values.size() - 1));
    }

    static final TrainingListener QUIET = new TrainingListener() {};
}
