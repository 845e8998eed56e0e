package dev.gantry.sweep;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a sweep found, from its trials' evaluation points: each configuration's objective and eval
 * metrics as mean ± sample standard deviation over its completed seeds, the best configuration
 * with a note on how sure that is, and the objective against each parameter's values averaged
 * over the others. Only completed trials are averaged: a trial stopped early ended at another
 * step, and its last value would not compare.
 *
 * <p>A PBT sweep's trials are each their own configuration; an exploited member is counted like an
 * early-stopped trial, and the best is the best member at the end, with its {@code lineage}: the
 * trials it descends from by forks and the values each trained with from its step on.
 */
public record SweepAnalysis(
        UUID sweep,
        SweepState state,
        SweepRequest.Objective objective,
        List<String> parameters,
        Counts trials,
        List<Configuration> configurations,
        Best best,
        List<Marginal> marginals,
        List<LineageStep> lineage) {

    /** Beyond this many numeric values, a marginal is given over {@link #BINS} ranges of them. */
    static final int MAX_LEVELS = 8;

    static final int BINS = 5;

    /** Mean and sample standard deviation (n − 1; null below two values) of n values. */
    public record Stat(double mean, Double std, int n) {

        static Stat of(List<Double> values) {
            int n = values.size();
            double sum = 0;
            for (double v : values) {
                sum += v;
            }
            double mean = sum / n;
            if (n < 2) {
                return new Stat(mean, null, n);
            }
            double squares = 0;
            for (double v : values) {
                squares += (v - mean) * (v - mean);
            }
            return new Stat(mean, Math.sqrt(squares / (n - 1)), n);
        }
    }

    public record Counts(
            int total,
            int pending,
            int active,
            int completed,
            int earlyStopped,
            int exploited,
            int failed,
            int cancelled) {}

    /** A PBT trial of the best member's lineage: it trained with {@code params} from {@code fromStep} on. */
    public record LineageStep(int trial, UUID job, long fromStep, Map<String, JsonNode> params) {}

    /**
     * @param objective over completed trials; null when none completed
     * @param metrics each {@code eval/…} metric at the trials' last evaluation, over completed trials
     */
    public record Configuration(
            int configuration,
            Map<String, JsonNode> params,
            int trials,
            int completed,
            int earlyStopped,
            int failed,
            Stat objective,
            Map<String, Stat> metrics,
            List<TrialResult> trialResults) {}

    /** @param objective the trial's objective at its last point so far (a stopped trial's too); null before any */
    public record TrialResult(int trial, long seed, UUID job, String state, String failureReason, Double objective) {}

    /**
     * @param confidence {@code clear}, {@code uncertain} (its mean ± std overlaps the runner-up's)
     *     or {@code low} (fewer than two completed seeds, so no spread is known)
     */
    public record Best(
            int configuration,
            Map<String, JsonNode> params,
            Stat objective,
            String confidence,
            String note,
            Integer runnerUp) {}

    /** The objective against one parameter's values, each averaged over the configurations that have it. */
    public record Marginal(String parameter, List<Level> levels) {}

    /**
     * @param value the parameter's value; for more than {@link #MAX_LEVELS} numeric values, a range
     *     {@code {"from", "to"}} (both included) holding a fifth of them
     * @param std of the configuration means, null below two
     */
    public record Level(JsonNode value, double mean, Double std, int configurations, int trials) {}

    /** A trial's objective from its points of the metric, in step order. */
    static double objective(List<double[]> points, SweepRequest.Objective objective) {
        if (objective.at().equals("last")) {
            return points.get(points.size() - 1)[1];
        }
        boolean maximize = objective.goal().equals("max");
        double best = Double.NaN;
        for (double[] p : points) {
            if (Double.isNaN(best) || Asha.score(p[1], maximize) > Asha.score(best, maximize)) {
                best = p[1];
            }
        }
        return best;
    }

    static SweepAnalysis of(Sweep sweep, List<SweepTrial> trials, List<SweepRepository.Point> points) {
        SweepRequest.Objective objective = sweep.request().objective();
        boolean maximize = objective.goal().equals("max");
        // job -> metric -> points in step order
        Map<UUID, Map<String, List<double[]>>> byJob = new LinkedHashMap<>();
        for (SweepRepository.Point p : points) {
            byJob.computeIfAbsent(p.job(), j -> new TreeMap<>())
                    .computeIfAbsent(p.name(), n -> new ArrayList<>())
                    .add(new double[] {p.step(), p.value()});
        }
        int pending = 0, active = 0, completed = 0, stopped = 0, exploited = 0, failed = 0, cancelled = 0;
        Map<Integer, List<SweepTrial>> byConfiguration = new TreeMap<>();
        for (SweepTrial t : trials) {
            byConfiguration
                    .computeIfAbsent(t.configuration(), c -> new ArrayList<>())
                    .add(t);
            if (t.pending()) {
                pending++;
            } else if (t.active()) {
                active++;
            } else if ("SUCCEEDED".equals(t.jobState())) {
                completed++;
            } else if (t.earlyStopped()) {
                stopped++;
            } else if (t.exploited()) {
                exploited++;
            } else if ("FAILED".equals(t.jobState()) || t.skippedReason() != null) {
                failed++;
            } else {
                cancelled++;
            }
        }
        List<Configuration> configurations = new ArrayList<>();
        for (Map.Entry<Integer, List<SweepTrial>> e : byConfiguration.entrySet()) {
            List<Double> objectives = new ArrayList<>();
            Map<String, List<Double>> metrics = new TreeMap<>();
            List<TrialResult> results = new ArrayList<>();
            int done = 0, early = 0, bad = 0;
            for (SweepTrial t : e.getValue()) {
                Map<String, List<double[]>> series =
                        t.jobId() == null ? Map.of() : byJob.getOrDefault(t.jobId(), Map.of());
                List<double[]> own = series.get(objective.metric());
                Double value = own == null || own.isEmpty() ? null : objective(own, objective);
                results.add(new TrialResult(t.trial(), t.seed(), t.jobId(), t.jobState(), t.failureReason(), value));
                if (t.earlyStopped()) {
                    early++;
                } else if ("FAILED".equals(t.jobState()) || t.skippedReason() != null) {
                    bad++;
                }
                if (!"SUCCEEDED".equals(t.jobState())) {
                    continue;
                }
                done++;
                if (value != null) {
                    objectives.add(value);
                }
                series.forEach((name, ps) ->
                        metrics.computeIfAbsent(name, n -> new ArrayList<>()).add(ps.get(ps.size() - 1)[1]));
            }
            Map<String, Stat> metricStats = new TreeMap<>();
            metrics.forEach((name, values) -> metricStats.put(name, Stat.of(values)));
            configurations.add(new Configuration(
                    e.getKey(),
                    e.getValue().get(0).params(),
                    e.getValue().size(),
                    done,
                    early,
                    bad,
                    objectives.isEmpty() ? null : Stat.of(objectives),
                    metricStats,
                    results));
        }
        List<String> parameters = new ArrayList<>(sweep.request().space().keySet());
        Best best = best(configurations, objective, maximize);
        List<LineageStep> lineage = null;
        if ("pbt".equals(sweep.request().strategy()) && best != null) {
            lineage = lineage(trials, best.configuration());
            best = new Best(
                    best.configuration(),
                    best.params(),
                    best.objective(),
                    best.confidence(),
                    "PBT: trial " + best.configuration() + " is the best member at the end; it trained with the"
                            + " values of each trial of its lineage in turn, from that trial's step on. One run:"
                            + " its spread over seeds is unknown",
                    best.runnerUp());
        }
        return new SweepAnalysis(
                sweep.id(),
                sweep.state(),
                objective,
                parameters,
                new Counts(trials.size(), pending, active, completed, stopped, exploited, failed, cancelled),
                configurations,
                best,
                marginals(parameters, configurations),
                lineage);
    }

    /** The forks the trial descends from, its first ancestor first and itself last. */
    private static List<LineageStep> lineage(List<SweepTrial> trials, int trial) {
        Map<Integer, SweepTrial> byTrial = new TreeMap<>();
        trials.forEach(t -> byTrial.put(t.trial(), t));
        List<LineageStep> out = new ArrayList<>();
        for (SweepTrial t = byTrial.get(trial);
                t != null;
                t = t.parentTrial() == null ? null : byTrial.get(t.parentTrial())) {
            out.add(0, new LineageStep(t.trial(), t.jobId(), t.startStep(), t.params()));
        }
        return out;
    }

    private static Best best(List<Configuration> configurations, SweepRequest.Objective objective, boolean maximize) {
        List<Configuration> ranked = configurations.stream()
                .filter(c -> c.objective() != null)
                .sorted(Comparator.comparingDouble(
                                (Configuration c) -> Asha.score(c.objective().mean(), maximize))
                        .reversed())
                .toList();
        if (ranked.isEmpty()) {
            return null;
        }
        Configuration best = ranked.get(0);
        Configuration runnerUp = ranked.size() > 1 ? ranked.get(1) : null;
        Stat b = best.objective();
        String confidence;
        String note;
        if (b.std() == null) {
            confidence = "low";
            note = "configuration " + best.configuration() + " has " + b.n()
                    + " completed seed(s): its spread over seeds is unknown; run more seeds to compare";
        } else if (runnerUp != null
                && Math.abs(b.mean() - runnerUp.objective().mean())
                        <= b.std()
                                + (runnerUp.objective().std() == null
                                        ? 0
                                        : runnerUp.objective().std())) {
            confidence = "uncertain";
            note = "the seeds disagree: " + objective.metric() + " " + format(b) + " of configuration "
                    + best.configuration() + " overlaps " + format(runnerUp.objective()) + " of configuration "
                    + runnerUp.configuration() + ", the runner-up";
        } else {
            confidence = "clear";
            note = runnerUp == null
                    ? "the only configuration with completed trials"
                    : objective.metric() + " " + format(b) + " is clear of the runner-up's "
                            + format(runnerUp.objective()) + " (configuration " + runnerUp.configuration() + ")";
        }
        return new Best(
                best.configuration(),
                best.params(),
                b,
                confidence,
                note,
                runnerUp == null ? null : runnerUp.configuration());
    }

    private static String format(Stat s) {
        return String.format(
                Locale.ROOT,
                "%.4g ± %s",
                s.mean(),
                s.std() == null ? "?" : String.format(Locale.ROOT, "%.2g", s.std()));
    }

    private static List<Marginal> marginals(List<String> parameters, List<Configuration> configurations) {
        List<Marginal> out = new ArrayList<>();
        for (String parameter : parameters) {
            // Keyed by the value's JSON text, so 0.1 and "0.1" stay apart.
            Map<String, List<Configuration>> byValue = new LinkedHashMap<>();
            Map<String, JsonNode> values = new LinkedHashMap<>();
            for (Configuration c : configurations) {
                JsonNode value = c.params().get(parameter);
                if (c.objective() == null || value == null) {
                    continue;
                }
                byValue.computeIfAbsent(value.toString(), k -> new ArrayList<>())
                        .add(c);
                values.putIfAbsent(value.toString(), value);
            }
            List<List<Configuration>> groups = new ArrayList<>(byValue.values());
            boolean numeric = values.values().stream().allMatch(JsonNode::isNumber);
            if (numeric) {
                groups.sort(Comparator.comparingDouble(
                        g -> g.get(0).params().get(parameter).asDouble()));
            }
            boolean binned = numeric && groups.size() > MAX_LEVELS;
            if (binned) {
                groups = bins(groups, BINS);
            }
            List<Level> levels = new ArrayList<>();
            for (List<Configuration> cs : groups) {
                Stat s = Stat.of(cs.stream().map(c -> c.objective().mean()).toList());
                JsonNode value = cs.get(0).params().get(parameter);
                if (binned) {
                    ObjectNode range = JsonNodeFactory.instance.objectNode();
                    range.set("from", value);
                    range.set("to", cs.get(cs.size() - 1).params().get(parameter));
                    value = range;
                }
                levels.add(new Level(
                        value,
                        s.mean(),
                        s.std(),
                        cs.size(),
                        cs.stream().mapToInt(c -> c.objective().n()).sum()));
            }
            out.add(new Marginal(parameter, levels));
        }
        return out;
    }

    /**
     * Splits groups of configurations, sorted by value, into {@code count} runs of near-equal
     * numbers of values: a random search draws a new value for every configuration, and one level
     * per value would be no average at all.
     */
    private static List<List<Configuration>> bins(List<List<Configuration>> sorted, int count) {
        List<List<Configuration>> out = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            List<Configuration> bin = new ArrayList<>();
            for (int i = b * sorted.size() / count; i < (b + 1) * sorted.size() / count; i++) {
                bin.addAll(sorted.get(i));
            }
            out.add(bin);
        }
        return out;
    }

    /** One row per configuration: its values, counts, and mean and std of the objective and every metric. */
    public String csv() {
        List<String> metricNames = configurations.stream()
                .flatMap(c -> c.metrics().keySet().stream())
                .distinct()
                .sorted()
                .toList();
        StringBuilder out = new StringBuilder("configuration");
        parameters.forEach(p -> out.append(',').append(cell(p)));
        out.append(",trials,completed,early_stopped,failed,objective_mean,objective_std");
        metricNames.forEach(
                m -> out.append(',').append(cell(m + " mean")).append(',').append(cell(m + " std")));
        out.append('\n');
        for (Configuration c : configurations) {
            out.append(c.configuration());
            for (String p : parameters) {
                JsonNode v = c.params().get(p);
                out.append(',').append(v == null ? "" : cell(v.isString() ? v.asString() : v.toString()));
            }
            out.append(',')
                    .append(c.trials())
                    .append(',')
                    .append(c.completed())
                    .append(',')
                    .append(c.earlyStopped());
            out.append(',').append(c.failed());
            appendStat(out, c.objective());
            for (String m : metricNames) {
                appendStat(out, c.metrics().get(m));
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static void appendStat(StringBuilder out, Stat s) {
        out.append(',').append(s == null ? "" : String.valueOf(s.mean()));
        out.append(',').append(s == null || s.std() == null ? "" : String.valueOf(s.std()));
    }

    /** RFC 4180: quoted when it holds a comma, a quote or a line break; a leading =, +, - or @ is quoted too, against spreadsheet formulas. */
    private static String cell(String text) {
        boolean formula = !text.isEmpty() && "=+-@".indexOf(text.charAt(0)) >= 0 && !text.matches("-?[0-9.eE+-]+");
        if (formula || text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")) {
            return "\"" + (formula ? "'" : "") + text.replace("\"", "\"\"") + "\"";
        }
        return text;
    }
}
