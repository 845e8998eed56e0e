package dev.gantry.job;

import dev.gantry.training.TrainingCatalog;
import dev.gantry.training.config.DataShape;
import dev.gantry.training.config.FeatureNetworkInfo;
import dev.gantry.training.config.TaskConfig;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a submitted spec field by field and reports every problem at once, each under the JSON
 * path the client wrote, so a client can fix its whole request in one round trip. Absent fields
 * are fine: defaults fill them later.
 *
 * <p>Here: the service's own rules (names, priority, cadences, limits) and the catalog's names.
 * The training rules (ranges, term parameters, combinations that cannot work) are
 * {@link TrainingCatalog#validate}'s alone, run on the completed spec and reported under the
 * same JSON paths.
 */
public final class JobSpecValidator {

    static final long MAX_STEPS = 10_000_000;
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private final List<FieldError> errors = new ArrayList<>();
    private final Duration maxRuntime;

    private JobSpecValidator(Duration maxRuntime) {
        this.maxRuntime = maxRuntime;
    }

    /**
     * @param maxRuntime the largest run-time limit a spec may ask for
     * @param datasets resolves the spec's dataset
     * @param featureNetworks resolves {@code evaluation.featureNetwork}
     * @return what the spec's dataset holds
     * @throws InvalidRequestException naming every bad field
     */
    public static DataShape validate(JobSpec spec, Duration maxRuntime, JobDatasets datasets) {
        return validate(spec, maxRuntime, datasets, JobFeatureNetworks.NONE);
    }

    /**
     * @param networks resolves the feature networks the spec names
     * @see #validate(JobSpec, Duration, JobDatasets)
     */
    public static DataShape validate(
            JobSpec spec, Duration maxRuntime, JobDatasets datasets, JobFeatureNetworks networks) {
        JobSpecValidator v = new JobSpecValidator(maxRuntime);
        v.check(spec);
        Map<String, FeatureNetworkInfo> resolved = v.resolveNetworks(spec, networks);
        DataShape shape = null;
        if (spec != null && spec.dataset() != null) {
            try {
                shape = datasets.require(spec.dataset());
            } catch (InvalidRequestException e) {
                v.errors.addAll(e.errors());
            }
        }
        if (spec != null) {
            // Without a dataset, check the rest against the kind of data the spec asks for.
            boolean images = spec.data() != null && spec.data().resolution() != null;
            v.checkTrainingRules(
                    spec,
                    shape != null ? shape : images ? new DataShape(true, 3, 0, 0, 0) : DataShape.POINTS,
                    resolved);
            if (shape != null) {
                v.checkEvaluation(spec, shape, resolved);
            }
        }
        if (!v.errors.isEmpty()) {
            throw new InvalidRequestException(v.errors);
        }
        return shape;
    }

    private void check(JobSpec spec) {
        if (spec == null) {
            reject("", "a job spec is required");
            return;
        }
        if (spec.name() != null && !NAME.matcher(spec.name()).matches()) {
            reject("name", "must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (spec.dataset() == null) {
            reject(
                    "dataset",
                    "is required: a built-in dataset (" + TrainingCatalog.builtInDatasets()
                            + ") or the id of an uploaded one");
        }
        range("priority", spec.priority(), -100, 100);
        oneOf("task", spec.task(), TrainingCatalog.TASKS);
        checkModel(spec.model());
        checkLoss(spec.loss());
        if (spec.optimizer() != null) {
            checkOptimizer("optimizer.generator", spec.optimizer().generator());
            checkOptimizer("optimizer.discriminator", spec.optimizer().discriminator());
        }
        checkTraining(spec.training());
        if (spec.checkpoints() != null) {
            range("checkpoints.everySteps", spec.checkpoints().everySteps(), 1, MAX_STEPS);
            range("checkpoints.keepLast", spec.checkpoints().keepLast(), 1, 1000);
            JobSpec.KeepBest best = spec.checkpoints().keepBest();
            if (best != null) {
                if (best.metric() == null) {
                    reject("checkpoints.keepBest.metric", "is required: an eval/* metric the job reports");
                }
                oneOf("checkpoints.keepBest.goal", best.goal(), List.of("min", "max"));
                range("checkpoints.keepBest.count", best.count(), 1, 100);
            }
        }
        if (spec.evaluation() != null) {
            range("evaluation.everySteps", spec.evaluation().everySteps(), 1, MAX_STEPS);
            range("evaluation.samples", spec.evaluation().samples(), 100, 100_000);
        }
        checkLimits(spec.limits());
    }

    /**
     * The READY networks the spec's terms and its evaluation name; the others are reported under
     * the field that names them.
     */
    private Map<String, FeatureNetworkInfo> resolveNetworks(JobSpec spec, JobFeatureNetworks networks) {
        Map<String, FeatureNetworkInfo> out = new HashMap<>();
        String evaluationNetwork = spec == null || spec.evaluation() == null
                ? null
                : spec.evaluation().featureNetwork();
        if (evaluationNetwork != null) {
            try {
                out.put(evaluationNetwork, networks.require(evaluationNetwork));
            } catch (JobFeatureNetworks.Unusable e) {
                reject("evaluation.featureNetwork", e.getMessage());
            }
        }
        if (spec == null
                || spec.loss() == null
                || spec.loss().terms() == null
                || spec.loss().terms().size() > 16) {
            return out;
        }
        for (int i = 0; i < spec.loss().terms().size(); i++) {
            JobSpec.Term term = spec.loss().terms().get(i);
            if (term == null || term.type() == null || term.params() == null) {
                continue;
            }
            for (String param : TrainingCatalog.featureNetworkParams(term.type())) {
                if (term.params().get(param) instanceof String id && !id.isEmpty() && !out.containsKey(id)) {
                    try {
                        out.put(id, networks.require(id));
                    } catch (JobFeatureNetworks.Unusable e) {
                        reject("loss.terms[" + i + "].params." + param, e.getMessage());
                    }
                }
            }
        }
        return out;
    }

    private void checkTrainingRules(JobSpec spec, DataShape shape, Map<String, FeatureNetworkInfo> networks) {
        List<FieldError> found;
        try {
            found = TrainingConfigs.violations(JobSpecDefaults.complete(spec, maxRuntime, shape), shape, networks);
        } catch (RuntimeException e) {
            if (errors.isEmpty()) {
                throw e;
            }
            // A spec the field checks refused may not even map (a null term, steps past int).
            return;
        }
        Set<String> reported = new HashSet<>();
        errors.forEach(error -> reported.add(error.field()));
        // A default derived from a bad value (every cadence is capped by training.steps) must not
        // produce an error about a field the client never wrote: the field it did write explains
        // it. Alone, such an error is kept: a 400 beats storing a job that cannot run.
        boolean clientErrors = !errors.isEmpty();
        found.stream()
                .filter(error -> !reported.contains(error.field()))
                .filter(error -> !clientErrors || written(spec, error.field()))
                .forEach(errors::add);
    }

    /** Whether the client's own spec has a value at a field path such as {@code loss.terms[1].weight}. */
    static boolean written(Object spec, String path) {
        Object node = spec;
        for (String part : path.isEmpty() ? new String[0] : path.split("\\.")) {
            int bracket = part.indexOf('[');
            node = member(node, bracket < 0 ? part : part.substring(0, bracket));
            while (bracket >= 0 && node != null) {
                int close = part.indexOf(']', bracket);
                int index = Integer.parseInt(part.substring(bracket + 1, close));
                node = node instanceof List<?> list && index < list.size() ? list.get(index) : null;
                bracket = part.indexOf('[', close);
            }
            if (node == null) {
                return false;
            }
        }
        return true;
    }

    private static Object member(Object node, String name) {
        if (node instanceof Map<?, ?> map) {
            return map.get(name);
        }
        if (node == null || !node.getClass().isRecord()) {
            return null;
        }
        for (RecordComponent component : node.getClass().getRecordComponents()) {
            if (component.getName().equals(name)) {
                try {
                    return component.getAccessor().invoke(node);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return null;
    }

    /** What needs the dataset's shape: which metrics the job reports, and whether a network fits it. */
    private void checkEvaluation(JobSpec spec, DataShape shape, Map<String, FeatureNetworkInfo> networks) {
        String network = spec.evaluation() == null ? null : spec.evaluation().featureNetwork();
        String output = spec.evaluation() == null ? null : spec.evaluation().featureOutput();
        if (network != null && !shape.images()) {
            reject(
                    "evaluation.featureNetwork",
                    "feature networks measure images; " + quote(spec.dataset()) + " holds 2-D points");
        }
        if (output != null && network == null) {
            reject("evaluation.featureOutput", "needs evaluation.featureNetwork");
        } else if (output != null
                && networks.containsKey(network)
                && !networks.get(network).descriptor().outputs().contains(output)) {
            reject(
                    "evaluation.featureOutput",
                    "feature network " + network + " has no output '" + quote(output) + "'; it has "
                            + networks.get(network).descriptor().outputs());
        }
        JobSpec.KeepBest best =
                spec.checkpoints() == null ? null : spec.checkpoints().keepBest();
        if (best == null || best.metric() == null) {
            return;
        }
        List<String> reported = TrainingCatalog.evaluationMetrics(
                spec.dataset(), shape, network != null, TaskConfig.SUPER_RESOLUTION_TYPE.equals(spec.task()));
        if (!reported.contains(best.metric())) {
            reject(
                    "checkpoints.keepBest.metric",
                    "'" + quote(best.metric()) + "' is not reported by this job; it reports " + reported
                            + (shape.images() && network == null
                                    ? " (FID, KID, precision and recall need evaluation.featureNetwork)"
                                    : ""));
        } else if (best.goal() == null
                && TrainingCatalog.metricGoal(best.metric()).isEmpty()) {
            reject("checkpoints.keepBest.goal", "is required for " + best.metric() + ": min or max");
        }
        JobSpec complete = JobSpecDefaults.complete(spec, maxRuntime, shape);
        long checkpointEvery = complete.checkpoints().everySteps();
        long evaluationEvery = complete.evaluation().everySteps();
        if (checkpointEvery % evaluationEvery != 0) {
            reject(
                    "checkpoints.keepBest",
                    "ranks checkpoints by a value measured at their step: checkpoints.everySteps ("
                            + checkpointEvery + ") must be a multiple of evaluation.everySteps (" + evaluationEvery
                            + ")");
        }
    }

    private void checkLimits(JobSpec.Limits limits) {
        if (limits != null) {
            range("limits.maxRuntimeSeconds", limits.maxRuntimeSeconds(), 1, maxRuntime.toSeconds());
        }
    }

    private void checkModel(JobSpec.Model model) {
        if (model == null) {
            return;
        }
        oneOf("model.architecture", model.architecture(), TrainingCatalog.architectures());
        oneOf("model.discriminatorNorm", model.discriminatorNorm(), List.of("batch", "none"));
    }

    private void checkLoss(JobSpec.Loss loss) {
        if (loss == null) {
            return;
        }
        if (loss.adversarial() != null) {
            oneOf("loss.adversarial.type", loss.adversarial().type(), TrainingCatalog.adversarialLosses());
        }
        if (loss.terms() == null) {
            return;
        }
        if (loss.terms().size() > 16) {
            reject("loss.terms", "at most 16 terms");
            return;
        }
        for (int i = 0; i < loss.terms().size(); i++) {
            checkTerm("loss.terms[" + i + "]", loss.terms().get(i));
        }
        long distinct = loss.terms().stream()
                .filter(t -> t != null && t.type() != null)
                .map(JobSpec.Term::type)
                .distinct()
                .count();
        if (distinct
                < loss.terms().stream()
                        .filter(t -> t != null && t.type() != null)
                        .count()) {
            reject("loss.terms", "each term type may appear once");
        }
    }

    private void checkTerm(String path, JobSpec.Term term) {
        if (term == null) {
            reject(path, "must be an object");
            return;
        }
        if (term.type() == null) {
            reject(path + ".type", "is required; one of " + sorted(TrainingCatalog.terms()));
            return;
        }
        oneOf(path + ".type", term.type(), TrainingCatalog.terms());
    }

    private void checkOptimizer(String path, JobSpec.Optimizer optimizer) {
        if (optimizer == null) {
            return;
        }
        oneOf(path + ".type", optimizer.type(), TrainingCatalog.OPTIMIZERS);
        oneOf(path + ".schedule", optimizer.schedule(), TrainingCatalog.SCHEDULES);
        range(path + ".decayStartStep", optimizer.decayStartStep(), 0, MAX_STEPS);
    }

    private void checkTraining(JobSpec.Training training) {
        if (training == null) {
            return;
        }
        range("training.steps", training.steps(), 1, MAX_STEPS);
        range("training.seed", training.seed(), 0, Long.MAX_VALUE);
    }

    private boolean oneOf(String path, String value, Collection<String> allowed) {
        if (value != null && !allowed.contains(value)) {
            reject(path, "unknown value '" + quote(value) + "'; one of " + sorted(allowed));
            return false;
        }
        return true;
    }

    private void range(String path, Number value, long min, long max) {
        if (value != null && (value.longValue() < min || value.longValue() > max)) {
            reject(path, "must be between " + min + " and " + max);
        }
    }

    /** Echoes at most the start of a value: a megabyte of input is not worth a megabyte of answer. */
    static String quote(String value) {
        return value.length() <= 64 ? value : value.substring(0, 64) + "…";
    }

    private static List<String> sorted(Collection<String> names) {
        return names.stream().sorted().toList();
    }

    private void reject(String field, String message) {
        errors.add(new FieldError(field, message));
    }
}
