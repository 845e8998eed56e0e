package dev.gantry.sweep;

import dev.gantry.job.FieldError;
import dev.gantry.job.FieldPath;
import dev.gantry.job.InvalidRequestException;
import dev.gantry.job.JobSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checks a sweep request and expands it into its trials, each a complete job spec that a submit
 * accepts. Any invalid part refuses the whole sweep, naming the field; a value of the space that
 * makes a trial's spec invalid is named by its path, as {@code space["loss.terms[1].weight"]}.
 */
final class SweepPlanner {

    static final int MAX_TRIALS = 1000;
    static final int MAX_PARALLEL_TRIALS = 64;
    static final int MAX_DIMENSIONS = 32;
    static final int MAX_VALUES = 1000;
    static final int MAX_SEEDS = 100;
    static final int DEFAULT_BUDGET_TRIALS = 100;
    static final int MAX_REDUCTION_FACTOR = 10;
    static final int MAX_MIN_EVALUATIONS = 1000;
    static final int MAX_POPULATION = 64;
    static final int MAX_KEEP_LAST = 1000;
    static final String SEED_PATH = "training.seed";
    static final String NOT_A_FIELD = "is not a field of the job spec";

    // Trials are named <sweep>-t<index>, which must still be a job name (at most 100 characters).
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,89}");

    /**
     * One trial before it is stored: which configuration, which seed, its values and its spec.
     *
     * @param member the PBT member it trains, null for grid and random
     * @param parentTrial a PBT replacement's: the trial whose checkpoint it forks
     * @param parentStep that checkpoint's step
     */
    record PlannedTrial(
            int trial,
            int configuration,
            long seed,
            Map<String, JsonNode> params,
            JsonNode spec,
            long evalEvery,
            long steps,
            Integer member,
            Integer parentTrial,
            Long parentStep) {}

    record Plan(SweepRequest settings, List<PlannedTrial> trials) {}

    private final JsonMapper json;
    // The job service's check and defaults: the complete spec, or InvalidRequestException.
    private final Function<JobSpec, JobSpec> complete;
    private final List<FieldError> errors = new ArrayList<>();
    private final Set<String> reported = new LinkedHashSet<>();

    private SweepPlanner(JsonMapper json, Function<JobSpec, JobSpec> complete) {
        this.json = json;
        this.complete = complete;
    }

    /**
     * @param complete the job service's {@code complete} for the caller's project
     * @throws InvalidRequestException naming every bad field, before anything is stored
     */
    static Plan plan(SweepRequest request, JsonMapper json, Function<JobSpec, JobSpec> complete) {
        SweepPlanner planner = new SweepPlanner(json, complete);
        if (request == null) {
            throw new InvalidRequestException(List.of(new FieldError("", "a sweep request is required")));
        }
        Plan plan = planner.check(request);
        if (!planner.errors.isEmpty()) {
            throw new InvalidRequestException(planner.errors);
        }
        return plan;
    }

    private void error(String field, String message) {
        // One message per field: a bad value would otherwise be reported once per trial.
        if (reported.add(field) && errors.size() < 100) {
            errors.add(new FieldError(field, message));
        }
    }

    private Plan check(SweepRequest r) {
        String name = r.name() == null ? "sweep" : r.name();
        if (!NAME.matcher(name).matches()) {
            error("name", "must be 1-90 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        String strategy = r.strategy() == null ? "grid" : r.strategy();
        if (!strategy.equals("grid") && !strategy.equals("random") && !strategy.equals("pbt")) {
            error("strategy", "must be one of [grid, random, pbt]");
        }
        boolean pbt = strategy.equals("pbt");
        Integer samples = r.samples();
        if (strategy.equals("random") && (samples == null || samples < 1 || samples > MAX_TRIALS)) {
            error("samples", "must be between 1 and " + MAX_TRIALS + " for a random search");
        } else if (strategy.equals("grid") && samples != null) {
            error("samples", "is for a random search; a grid runs every combination");
        } else if (pbt && samples != null) {
            error("samples", "is for a random search; PBT draws its population");
        }
        Integer population = population(r.population(), pbt);
        long randomSeed = r.randomSeed() == null ? 0 : r.randomSeed();
        int seeds = r.seeds() == null ? 1 : r.seeds();
        if (seeds < 1 || seeds > MAX_SEEDS) {
            error("seeds", "must be between 1 and " + MAX_SEEDS);
        } else if (pbt && seeds != 1) {
            error(
                    "seeds",
                    "must be 1 for PBT: every member trains with the base's training.seed, and a replacement"
                            + " goes on from its parent's checkpoint");
        }
        SweepRequest.Objective objective = objective(r.objective());
        int parallel = r.parallelTrials() != null ? r.parallelTrials() : pbt && population != null ? population : 1;
        if (parallel < 1 || parallel > MAX_PARALLEL_TRIALS) {
            error("parallelTrials", "must be between 1 and " + MAX_PARALLEL_TRIALS);
        }
        SweepRequest.Budget budget = budget(r.budget());
        SweepRequest.EarlyStopping stopping = earlyStopping(r.earlyStopping());
        if (pbt && stopping != null) {
            error("earlyStopping", "is not for PBT: its own decisions replace the worst members");
        }
        SweepRequest.Pbt pbtSettings = pbt ? PbtPlan.settings(r.pbt(), population, this::error) : null;
        if (!pbt && r.pbt() != null) {
            error("pbt", "is for \"strategy\": \"pbt\"");
        }
        ObjectNode base = null;
        if (r.base() == null || !r.base().isObject()) {
            error("base", "must be an object: the job spec every trial starts from");
        } else {
            base = (ObjectNode) r.base();
            JobSpec completeBase = checkBase(base);
            if (pbt && completeBase != null && pbtSettings != null) {
                PbtPlan.prepareBase(base, completeBase, pbtSettings, this::error);
            }
        }
        ObjectNode shape = base;
        Map<String, SpacePath> paths = new LinkedHashMap<>();
        Map<String, SweepRequest.Dimension> space = r.space() == null ? Map.of() : r.space();
        if (space.size() > MAX_DIMENSIONS) {
            error("space", "may name at most " + MAX_DIMENSIONS + " paths");
        }
        space.forEach((text, dimension) -> {
            String field = field(text);
            SpacePath.parse(text)
                    .ifPresentOrElse(
                            path -> {
                                if (path.covers(SEED_PATH) || path.text().equals("name")) {
                                    error(
                                            field,
                                            path.covers(SEED_PATH)
                                                    ? "is set by seeds"
                                                    : "trials are named after the sweep");
                                } else if (pbt && PbtPlan.forkFixed(path) != null) {
                                    error(field, PbtPlan.forkFixed(path));
                                } else if (checkDimension(field, dimension, strategy)
                                        && fits(field, path, shape, dimension)) {
                                    paths.put(text, path);
                                }
                            },
                            () -> error(field, "is not a spec path such as loss.terms[1].weight"));
        });
        SweepRequest settings = new SweepRequest(
                name,
                base,
                space,
                strategy,
                samples,
                randomSeed,
                seeds,
                objective,
                parallel,
                budget,
                stopping,
                population,
                pbtSettings);
        if (!errors.isEmpty()) {
            return new Plan(settings, List.of());
        }
        List<Map<String, JsonNode>> configurations = strategy.equals("grid")
                ? grid(space, seeds, budget)
                : random(space, pbt ? population : samples, randomSeed);
        if (!errors.isEmpty()) {
            return new Plan(settings, List.of());
        }
        long trialCount = (long) configurations.size() * seeds;
        if (trialCount > budget.trials()) {
            error(
                    "budget.trials",
                    pbt
                            ? "a population of " + population + " is more than the budget of " + budget.trials()
                                    + " trials (replacements count as trials too)"
                            : configurations.size() + " configuration(s) × " + seeds + " seed(s) make " + trialCount
                                    + " trials, more than the budget of " + budget.trials());
            return new Plan(settings, List.of());
        }
        long baseSeed = base.path("training").path("seed").isIntegralNumber()
                ? base.path("training").path("seed").asLong()
                : 0;
        List<PlannedTrial> trials = new ArrayList<>();
        long totalSteps = 0;
        for (int c = 0; c < configurations.size(); c++) {
            for (int s = 0; s < seeds; s++) {
                int index = trials.size();
                PlannedTrial trial =
                        trial(base, paths, configurations.get(c), name, index, c, baseSeed + s, pbt ? c : null);
                if (trial != null) {
                    trials.add(trial);
                    totalSteps += trial.steps();
                }
            }
        }
        if (errors.isEmpty() && budget.steps() != null && totalSteps > budget.steps()) {
            error(
                    "budget.steps",
                    pbt
                            ? "the " + trials.size() + " members would train " + totalSteps
                                    + " steps (a replacement trains only the steps after its decision step, so"
                                    + " the population's steps are the sweep's), more than the budget of "
                                    + budget.steps()
                            : "the " + trials.size() + " trials would train " + totalSteps
                                    + " steps, more than the budget of " + budget.steps());
        }
        if (errors.isEmpty() && stopping != null) {
            for (PlannedTrial t : trials) {
                if (t.evalEvery() * stopping.minEvaluations() >= t.steps()) {
                    error(
                            "earlyStopping.minEvaluations",
                            "the first rung, evaluation " + stopping.minEvaluations() + " (step "
                                    + t.evalEvery() * stopping.minEvaluations() + "), must come before the last step ("
                                    + t.steps() + ") of every trial");
                    break;
                }
            }
        }
        return new Plan(settings, trials);
    }

    private SweepRequest.Objective objective(SweepRequest.Objective o) {
        if (o == null) {
            error("objective", "is required: {\"metric\": \"eval/…\", \"goal\": \"min\" or \"max\"}");
            return null;
        }
        if (o.metric() == null || !o.metric().matches("eval/[A-Za-z0-9._/-]{1,100}")) {
            error("objective.metric", "must name an evaluation metric, such as eval/high-quality");
        }
        if (o.goal() == null || !(o.goal().equals("min") || o.goal().equals("max"))) {
            error("objective.goal", "must be one of [min, max]");
        }
        String at = o.at() == null ? "last" : o.at();
        if (!at.equals("last") && !at.equals("best")) {
            error("objective.at", "must be one of [last, best]");
        }
        return new SweepRequest.Objective(o.metric(), o.goal(), at);
    }

    private Integer population(Integer population, boolean pbt) {
        if (!pbt) {
            if (population != null) {
                error("population", "is for \"strategy\": \"pbt\"");
            }
            return null;
        }
        if (population == null || population < 2 || population > MAX_POPULATION) {
            error("population", "must be between 2 and " + MAX_POPULATION + " for PBT");
            return null;
        }
        return population;
    }

    private SweepRequest.Budget budget(SweepRequest.Budget b) {
        int trials = b == null || b.trials() == null ? DEFAULT_BUDGET_TRIALS : b.trials();
        if (trials < 1 || trials > MAX_TRIALS) {
            error("budget.trials", "must be between 1 and " + MAX_TRIALS);
        }
        Long steps = b == null ? null : b.steps();
        if (steps != null && steps < 1) {
            error("budget.steps", "must be at least 1");
        }
        return new SweepRequest.Budget(trials, steps);
    }

    private SweepRequest.EarlyStopping earlyStopping(SweepRequest.EarlyStopping e) {
        if (e == null) {
            return null;
        }
        if (!"asha".equals(e.type())) {
            error("earlyStopping.type", "must be one of [asha]");
        }
        int factor = e.reductionFactor() == null ? 3 : e.reductionFactor();
        if (factor < 2 || factor > MAX_REDUCTION_FACTOR) {
            error("earlyStopping.reductionFactor", "must be between 2 and " + MAX_REDUCTION_FACTOR);
        }
        int min = e.minEvaluations() == null ? 1 : e.minEvaluations();
        if (min < 1 || min > MAX_MIN_EVALUATIONS) {
            error("earlyStopping.minEvaluations", "must be between 1 and " + MAX_MIN_EVALUATIONS);
        }
        return new SweepRequest.EarlyStopping("asha", factor, min);
    }

    /** @return whether the dimension can be expanded */
    private boolean checkDimension(String field, SweepRequest.Dimension d, String strategy) {
        if (d == null) {
            error(field, "must be an object with values, or min and max");
            return false;
        }
        boolean range = d.min() != null || d.max() != null || d.scale() != null || d.integer() != null;
        if (d.values() != null && range) {
            error(field, "takes values or a range (min, max, scale), not both");
            return false;
        }
        if (d.values() != null) {
            if (d.values().isEmpty() || d.values().size() > MAX_VALUES) {
                error(field, "values must hold 1 to " + MAX_VALUES + " values");
                return false;
            }
            if (d.values().stream().anyMatch(v -> v == null || v.isNull())) {
                error(field, "values must not be null");
                return false;
            }
            return true;
        }
        if (!range) {
            error(field, "must have values, or min and max");
            return false;
        }
        if (strategy.equals("grid")) {
            error(field, "a range is drawn from by a random search (\"strategy\": \"random\"); a grid needs values");
            return false;
        }
        String scale = d.scale() == null ? "linear" : d.scale();
        if (d.min() == null || d.max() == null || !Double.isFinite(d.min()) || !Double.isFinite(d.max())) {
            error(field, "a range needs finite min and max");
        } else if (d.min() >= d.max()) {
            error(field, "min must be less than max");
        } else if (!scale.equals("linear") && !scale.equals("log")) {
            error(field, "scale must be one of [linear, log]");
        } else if (scale.equals("log") && d.min() <= 0) {
            error(field, "a log scale needs min > 0");
        } else {
            return true;
        }
        return false;
    }

    /** Whether the path leads somewhere in the base, checked with any value before the values are. */
    private boolean fits(String field, SpacePath path, ObjectNode base, SweepRequest.Dimension dimension) {
        if (base == null) {
            return true;
        }
        JsonNode probe = dimension.values() != null
                ? dimension.values().get(0)
                : JsonNodeFactory.instance.numberNode(dimension.min());
        return path.set(base.deepCopy(), probe)
                .map(problem -> {
                    error(field, problem);
                    return false;
                })
                .orElse(true);
    }

    /**
     * The base alone must be a valid spec, so that a trial's error is the space's fault.
     *
     * @return the base with the defaults filled in, or null when it is invalid
     */
    private JobSpec checkBase(ObjectNode base) {
        try {
            return complete.apply(json.treeToValue(base, JobSpec.class));
        } catch (JacksonException e) {
            error(prefixed("base", jsonPath(e)), shortMessage(e));
        } catch (InvalidRequestException e) {
            e.errors().forEach(f -> error(prefixed("base", f.field()), f.message()));
        }
        return null;
    }

    /** Every combination, the first path varying slowest. */
    private List<Map<String, JsonNode>> grid(
            Map<String, SweepRequest.Dimension> space, int seeds, SweepRequest.Budget budget) {
        long count = 1;
        for (SweepRequest.Dimension d : space.values()) {
            count *= d.values().size();
            if (count * seeds > budget.trials()) {
                error(
                        "budget.trials",
                        "the grid makes more than " + budget.trials() + " trials (configurations × " + seeds
                                + " seed(s)), the budget");
                return List.of();
            }
        }
        List<Map<String, JsonNode>> out = new ArrayList<>();
        out.add(new LinkedHashMap<>());
        for (Map.Entry<String, SweepRequest.Dimension> e : space.entrySet()) {
            List<Map<String, JsonNode>> next = new ArrayList<>();
            for (Map<String, JsonNode> partial : out) {
                for (JsonNode value : e.getValue().values()) {
                    Map<String, JsonNode> m = new LinkedHashMap<>(partial);
                    m.put(e.getKey(), value);
                    next.add(m);
                }
            }
            out = next;
        }
        return out;
    }

    /** Draws in a fixed order from one seeded generator, so the same request gives the same trials. */
    private List<Map<String, JsonNode>> random(Map<String, SweepRequest.Dimension> space, int samples, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Map<String, JsonNode>> out = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            Map<String, JsonNode> m = new LinkedHashMap<>();
            space.forEach((path, d) -> m.put(path, draw(d, random)));
            out.add(m);
        }
        return out;
    }

    static JsonNode draw(SweepRequest.Dimension d, SplittableRandom random) {
        if (d.values() != null) {
            return d.values().get(random.nextInt(d.values().size()));
        }
        double u = random.nextDouble();
        double value = "log".equals(d.scale())
                ? Math.exp(Math.log(d.min()) + u * (Math.log(d.max()) - Math.log(d.min())))
                : d.min() + u * (d.max() - d.min());
        return inRange(d, value);
    }

    /** The value clamped to the range [min, max], and rounded within it when {@code integer}. */
    static JsonNode inRange(SweepRequest.Dimension d, double value) {
        double clamped = Math.max(d.min(), Math.min(d.max(), value));
        if (Boolean.TRUE.equals(d.integer())) {
            return JsonNodeFactory.instance.numberNode(Math.max(
                    Math.round(Math.ceil(d.min())), Math.min(Math.round(Math.floor(d.max())), Math.round(clamped))));
        }
        return JsonNodeFactory.instance.numberNode(clamped);
    }

    private PlannedTrial trial(
            ObjectNode base,
            Map<String, SpacePath> paths,
            Map<String, JsonNode> values,
            String name,
            int index,
            int configuration,
            long seed,
            Integer member) {
        ObjectNode spec = base.deepCopy();
        for (Map.Entry<String, JsonNode> e : values.entrySet()) {
            paths.get(e.getKey()).set(spec, e.getValue()).ifPresent(problem -> error(field(e.getKey()), problem));
        }
        spec.put("name", name + "-t" + index);
        ObjectNode training = spec.get("training") instanceof ObjectNode t ? t : spec.putObject("training");
        training.put("seed", seed);
        if (!errors.isEmpty()) {
            return null;
        }
        JobSpec complete;
        try {
            complete = this.complete.apply(json.treeToValue(spec, JobSpec.class));
        } catch (JacksonException e) {
            String message = shortMessage(e);
            blame(paths, values, jsonPath(e), message.equals(NOT_A_FIELD) ? null : message);
            return null;
        } catch (InvalidRequestException e) {
            e.errors().forEach(f -> blame(paths, values, f.field(), f.message()));
            return null;
        }
        if (complete.from() != null) {
            // Pinned now: a trial submitted later must not fork from a newer "latest" or "best".
            spec.set("from", json.valueToTree(complete.from()));
        }
        return new PlannedTrial(
                index,
                configuration,
                seed,
                values,
                spec,
                complete.evaluation().everySteps(),
                complete.training().steps(),
                member,
                null,
                null);
    }

    /**
     * The base is valid, so the trial's values made the error: the path the field lies in, or,
     * when the error is elsewhere (a cadence beyond a swept step count), every path of the trial.
     */
    private void blame(Map<String, SpacePath> paths, Map<String, JsonNode> values, String field, String message) {
        for (Map.Entry<String, SpacePath> e : paths.entrySet()) {
            if (e.getValue().covers(field)) {
                // No message: the path itself names no field, whatever its value.
                error(
                        field(e.getKey()),
                        message == null ? NOT_A_FIELD : "value " + values.get(e.getKey()) + ": " + message);
                return;
            }
        }
        String what = message == null ? NOT_A_FIELD : message;
        for (String path : values.keySet()) {
            error(field(path), "with " + values + ": " + field + " " + what);
        }
        if (values.isEmpty()) {
            error(prefixed("base", field), what);
        }
    }

    static String field(String path) {
        return "space[\"" + path + "\"]";
    }

    private static String prefixed(String prefix, String field) {
        return field == null || field.isEmpty() ? prefix : prefix + "." + field;
    }

    private static String jsonPath(JacksonException e) {
        return FieldPath.of(e.getPath());
    }

    private static String shortMessage(JacksonException e) {
        String message = e.getOriginalMessage();
        if (message != null && message.startsWith("Unrecognized property")) {
            return NOT_A_FIELD;
        }
        return "has the wrong type for the job spec";
    }
}
