package dev.gantry.training.bench;

import dev.gantry.job.JobSpec;
import dev.gantry.job.JobSpecDefaults;
import dev.gantry.job.TrainingConfigs;
import dev.gantry.training.GanTraining;
import dev.gantry.training.TrainingListener;
import dev.gantry.training.TrainingResult;
import dev.gantry.training.config.AugmentConfig;
import dev.gantry.training.config.DataConfig;
import dev.gantry.training.config.DataShape;
import dev.gantry.training.config.LossConfig;
import dev.gantry.training.config.ModelConfig;
import dev.gantry.training.config.OptimizerConfig;
import dev.gantry.training.config.TermConfig;
import dev.gantry.training.config.TrainingConfig;
import dev.gantry.training.eval.ModeSpread;
import dev.gantry.training.eval.SlicedWasserstein;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * PacGAN's metric (2500 samples, modes captured and high-quality share) with the shape metrics
 * ({@code eval/spread}, {@code eval/sliced-wasserstein}) for each adversarial loss with its usual
 * regularizer at its own setting, over several seeds, as markdown.
 *
 * <p>Usage: {@code QualityTable dataset=grid25 steps=10000 seeds=10 [rows=ns-r1,wgan-gp]
 * [key=value …]}, where the keys override every row's setting: {@code glr}, {@code dlr}, {@code
 * beta1}, {@code beta2}, {@code dsteps}, {@code ema}, {@code decay} (the fraction of the run at
 * the full rate before the linear decay; 1 is constant), {@code units}, {@code layers}, {@code
 * batch}, {@code r1} (the weight of a row's R1 term), {@code gp} (the weight of a row's
 * gradient penalty). Run one JVM per dataset to use two cores.
 */
public final class QualityTable {

    /**
     * One row's setting. Adam throughout.
     *
     * @param decay the fraction of the run at the full learning rate, then linear to 0; 1 is constant
     */
    record Setting(
            LossConfig loss,
            boolean spectralNorm,
            int discriminatorSteps,
            double generatorRate,
            double discriminatorRate,
            double beta1,
            double beta2,
            double ema,
            double decay,
            int hiddenUnits,
            int hiddenLayers,
            int batch) {

        /**
         * The job spec's 2-D defaults with another loss, read from {@link JobSpecDefaults} so that
         * this row is what a job that gives only its dataset trains.
         */
        static Setting defaults(LossConfig loss) {
            JobSpec given = new JobSpec(
                    null, "grid25", null, null, null, null, null, null, null, null, null, null, null, null, null);
            TrainingConfig d =
                    TrainingConfigs.from(JobSpecDefaults.complete(given, Duration.ofDays(1), DataShape.POINTS));
            OptimizerConfig g = d.generatorOptimizer();
            return new Setting(
                    loss,
                    d.model().spectralNorm(),
                    d.discriminatorSteps(),
                    g.learningRate(),
                    d.discriminatorOptimizer().learningRate(),
                    g.beta1(),
                    g.beta2(),
                    d.emaDecay(),
                    (double) g.decayStartStep() / d.steps(),
                    d.model().hiddenUnits(),
                    d.model().hiddenLayers(),
                    d.batchSize());
        }

        Setting with(Map<String, String> o) {
            return new Setting(
                    reweighted(reweighted(loss, "r1", o.get("r1")), "gradient-penalty", o.get("gp")),
                    spectralNorm,
                    integer(o, "dsteps", discriminatorSteps),
                    number(o, "glr", generatorRate),
                    number(o, "dlr", discriminatorRate),
                    number(o, "beta1", beta1),
                    number(o, "beta2", beta2),
                    number(o, "ema", ema),
                    number(o, "decay", decay),
                    integer(o, "units", hiddenUnits),
                    integer(o, "layers", hiddenLayers),
                    integer(o, "batch", batch));
        }

        private static LossConfig reweighted(LossConfig loss, String type, String weight) {
            if (weight == null) {
                return loss;
            }
            double w = Double.parseDouble(weight);
            return new LossConfig(
                    loss.adversarial(),
                    loss.labelSmoothing(),
                    loss.terms().stream()
                            .map(t -> t.type().equals(type) ? term(type, w) : t)
                            .toList());
        }

        String describe() {
            return String.format(
                    Locale.ROOT,
                    "MLP %d×%d, batch %d, Adam G %s D %s (%s, %s), %d D step%s, EMA %s, %s",
                    hiddenUnits,
                    hiddenLayers,
                    batch,
                    generatorRate,
                    discriminatorRate,
                    beta1,
                    beta2,
                    discriminatorSteps,
                    discriminatorSteps == 1 ? "" : "s",
                    ema == 0 ? "off" : ema,
                    decay >= 1 ? "constant rate" : "linear decay after " + Math.round(decay * 100) + " %");
        }
    }

    private static final Map<String, String> NAMES = new LinkedHashMap<>();
    private static final Map<String, Setting> ROWS = new LinkedHashMap<>();

    static {
        // Gulrajani et al. 2017: λ = 10, five critic steps, Adam 1e-4 (0.5, 0.9); TTUR's faster critic.
        row(
                "wgan-gp-paper",
                "wasserstein + gradient-penalty (λ=10), the paper's setting",
                new Setting(
                        loss("wasserstein", term("gradient-penalty", 10)),
                        false,
                        5,
                        1e-4,
                        3e-4,
                        0.5,
                        0.9,
                        0.99,
                        0.5,
                        128,
                        3,
                        256));
        // The setting the sweep in bench/training/quality-losses.md found: the paper's five critic
        // steps with its toy-data λ = 0.1 and far faster Adam.
        row(
                "wgan-gp",
                "wasserstein + gradient-penalty (λ=0.1)",
                new Setting(
                        loss("wasserstein", term("gradient-penalty", 0.1)),
                        false,
                        5,
                        2e-3,
                        2e-3,
                        0.5,
                        0.999,
                        0.99,
                        0.5,
                        128,
                        3,
                        256));
        // Miyato et al. 2018: spectral norm on every D layer, hinge, five D steps, Adam (0.5, 0.999);
        // TTUR's faster discriminator.
        row(
                "hinge-sn-paper",
                "hinge + spectral norm, the paper's setting",
                new Setting(loss("hinge"), true, 5, 1e-4, 3e-4, 0.5, 0.999, 0.99, 0.5, 128, 3, 256));
        // The sweep's setting: the same with Adam 1e-3 for both.
        row(
                "hinge-sn",
                "hinge + spectral norm",
                new Setting(loss("hinge"), true, 5, 1e-3, 1e-3, 0.5, 0.999, 0.99, 0.5, 128, 3, 256));
        row("ns-r1", "non-saturating + r1 (γ=1)", Setting.defaults(loss("non-saturating", term("r1", 1))));
        row("ns", "non-saturating", Setting.defaults(loss("non-saturating")));
        row("least-squares", "least-squares", Setting.defaults(loss("least-squares")));
        row("least-squares-r1", "least-squares + r1 (γ=1)", Setting.defaults(loss("least-squares", term("r1", 1))));
        row("rsgan", "rsgan", Setting.defaults(loss("rsgan")));
        row("rsgan-r1", "rsgan + r1 (γ=1)", Setting.defaults(loss("rsgan", term("r1", 1))));
        row("rasgan", "rasgan", Setting.defaults(loss("rasgan")));
        row("rasgan-r1", "rasgan + r1 (γ=1)", Setting.defaults(loss("rasgan", term("r1", 1))));
        row("ralsgan", "ralsgan", Setting.defaults(loss("ralsgan")));
        row("ralsgan-r1", "ralsgan + r1 (γ=1)", Setting.defaults(loss("ralsgan", term("r1", 1))));
        row("rahinge", "rahinge", Setting.defaults(loss("rahinge")));
        row("rahinge-r1", "rahinge + r1 (γ=1)", Setting.defaults(loss("rahinge", term("r1", 1))));
    }

    private static void row(String key, String name, Setting setting) {
        NAMES.put(key, name);
        ROWS.put(key, setting);
    }

    public static void main(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            options.put(kv[0], kv[1]);
        }
        String dataset = options.getOrDefault("dataset", "grid25");
        int steps = integer(options, "steps", 10_000);
        int seeds = integer(options, "seeds", 10);
        int firstSeed = integer(options, "firstSeed", 1);
        List<String> wanted =
                options.containsKey("rows") ? List.of(options.get("rows").split(",")) : List.copyOf(ROWS.keySet());
        int modesTotal = dataset.equals("ring8") ? 8 : 25;
        System.out.printf("%s, %d steps, seeds %d–%d%n%n", dataset, steps, firstSeed, firstSeed + seeds - 1);
        System.out.printf(
                "| loss | setting | modes/%d per seed | modes | high-quality %% | spread | sliced W ×100 | wall s per run |%n",
                modesTotal);
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
        for (String key : wanted) {
            Setting setting = ROWS.get(key).with(options);
            List<Double> modes = new ArrayList<>();
            List<Double> quality = new ArrayList<>();
            List<Double> spread = new ArrayList<>();
            List<Double> sliced = new ArrayList<>();
            double wall = 0;
            for (int seed = firstSeed; seed < firstSeed + seeds; seed++) {
                long start = System.nanoTime();
                TrainingResult result = GanTraining.run(config(dataset, setting, steps, seed), null, QUIET);
                wall += (System.nanoTime() - start) / 1e9;
                Map<String, Double> last = result.lastEvaluation();
                modes.add(last.get("eval/modes"));
                quality.add(last.get("eval/high-quality") * 100);
                spread.add(last.get(ModeSpread.METRIC));
                sliced.add(last.get(SlicedWasserstein.METRIC) * 100);
                System.err.printf(
                        "%s seed %d: %s modes, %.1f %% hq, spread %.2f, sliced W %.4f%n",
                        key,
                        seed,
                        last.get("eval/modes").intValue(),
                        last.get("eval/high-quality") * 100,
                        last.get(ModeSpread.METRIC),
                        last.get(SlicedWasserstein.METRIC));
            }
            System.out.printf(
                    "| %s | %s | %s | %s | %s | %s | %s | %.0f |%n",
                    NAMES.get(key),
                    setting.describe(),
                    String.join(
                            ", ",
                            modes.stream()
                                    .map(m -> String.valueOf(m.intValue()))
                                    .toList()),
                    meanStd(modes, 1),
                    meanStd(quality, 1),
                    meanStd(spread, 2),
                    meanStd(sliced, 2),
                    wall / seeds);
        }
    }

    private static TrainingConfig config(String dataset, Setting s, int steps, long seed) {
        int decayStart = s.decay() >= 1 ? 0 : (int) Math.round(steps * s.decay());
        String schedule = s.decay() >= 1 ? OptimizerConfig.CONSTANT : OptimizerConfig.LINEAR;
        return new TrainingConfig(
                DataConfig.points(dataset),
                ModelConfig.mlp(2, s.hiddenUnits(), s.hiddenLayers(), s.spectralNorm()),
                s.loss(),
                new OptimizerConfig("adam", s.generatorRate(), s.beta1(), s.beta2(), schedule, decayStart),
                new OptimizerConfig("adam", s.discriminatorRate(), s.beta1(), s.beta2(), schedule, decayStart),
                steps,
                s.batch(),
                s.discriminatorSteps(),
                seed,
                0,
                0,
                2500,
                0,
                s.ema(),
                0,
                AugmentConfig.OFF);
    }

    private static LossConfig loss(String adversarial, TermConfig... terms) {
        return new LossConfig(adversarial, 0.0, List.of(terms));
    }

    private static TermConfig term(String type, double weight) {
        return new TermConfig(type, weight, false, Map.of());
    }

    private static double number(Map<String, String> options, String key, double otherwise) {
        return options.containsKey(key) ? Double.parseDouble(options.get(key)) : otherwise;
    }

    private static int integer(Map<String, String> options, String key, int otherwise) {
        return options.containsKey(key) ? Integer.parseInt(options.get(key)) : otherwise;
    }

    private static String meanStd(List<Double> values, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f ± %." + decimals + "f", mean(values), std(values));
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
