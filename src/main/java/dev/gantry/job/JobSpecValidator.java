package dev.gantry.job;

import dev.gantry.training.TrainingCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a submitted spec field by field and reports every problem at once, each under the JSON
 * path the client wrote, so a client can fix its whole request in one round trip. Absent fields
 * are fine: defaults fill them later.
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
     * @throws InvalidRequestException naming every bad field
     */
    public static void validate(JobSpec spec, Duration maxRuntime) {
        JobSpecValidator v = new JobSpecValidator(maxRuntime);
        v.check(spec);
        if (!v.errors.isEmpty()) {
            throw new InvalidRequestException(v.errors);
        }
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
            reject("dataset", "is required; one of " + sorted(TrainingCatalog.DATASETS));
        } else {
            oneOf("dataset", spec.dataset(), TrainingCatalog.DATASETS);
        }
        range("priority", spec.priority(), -100, 100);
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
        }
        if (spec.evaluation() != null) {
            range("evaluation.everySteps", spec.evaluation().everySteps(), 1, MAX_STEPS);
            range("evaluation.samples", spec.evaluation().samples(), 100, 100_000);
        }
        checkLimits(spec.limits());
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
        oneOf("model.architecture", model.architecture(), TrainingCatalog.ARCHITECTURES);
        range("model.latentDim", model.latentDim(), 1, 1024);
        range("model.hiddenUnits", model.hiddenUnits(), 1, 8192);
        range("model.hiddenLayers", model.hiddenLayers(), 1, 16);
    }

    private void checkLoss(JobSpec.Loss loss) {
        if (loss == null) {
            return;
        }
        if (loss.adversarial() != null) {
            oneOf("loss.adversarial.type", loss.adversarial().type(), TrainingCatalog.ADVERSARIAL_LOSSES);
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
        long distinct = loss.terms().stream().filter(t -> t != null && t.type() != null)
                .map(JobSpec.Term::type).distinct().count();
        if (distinct < loss.terms().stream().filter(t -> t != null && t.type() != null).count()) {
            reject("loss.terms", "each term type may appear once");
        }
    }

    private void checkTerm(String path, JobSpec.Term term) {
        if (term == null) {
            reject(path, "must be an object");
            return;
        }
        if (term.type() == null) {
            reject(path + ".type", "is required; one of " + sorted(TrainingCatalog.TERMS));
            return;
        }
        if (!oneOf(path + ".type", term.type(), TrainingCatalog.TERMS)) {
            return;
        }
        if (TrainingCatalog.UNWEIGHTED_TERMS.contains(term.type())) {
            if (term.weight() != null && term.weight() != 1.0) {
                reject(path + ".weight", term.type() + " is a constraint, not a loss: its weight must be 1");
            }
        } else if (term.weight() != null
                && !(Double.isFinite(term.weight()) && term.weight() >= 0 && term.weight() <= 1e6)) {
            reject(path + ".weight", "must be a finite number between 0 and 1e6");
        }
        Set<String> allowed = TrainingCatalog.TERM_PARAMS.getOrDefault(term.type(), Map.of()).keySet();
        if (term.params() != null) {
            for (Map.Entry<String, Double> param : term.params().entrySet()) {
                String paramPath = path + ".params." + param.getKey();
                if (!allowed.contains(param.getKey())) {
                    reject(paramPath, "unknown parameter of " + term.type() + "; known: " + sorted(allowed));
                } else if (param.getValue() == null || !Double.isFinite(param.getValue()) || param.getValue() <= 0) {
                    reject(paramPath, "must be a finite number greater than 0");
                }
            }
        }
    }

    private void checkOptimizer(String path, JobSpec.Optimizer optimizer) {
        if (optimizer == null) {
            return;
        }
        oneOf(path + ".type", optimizer.type(), TrainingCatalog.OPTIMIZERS);
        if (optimizer.learningRate() != null
                && !(optimizer.learningRate() > 0 && optimizer.learningRate() <= 1)) {
            reject(path + ".learningRate", "must be greater than 0 and at most 1");
        }
        beta(path + ".beta1", optimizer.beta1());
        beta(path + ".beta2", optimizer.beta2());
    }

    private void checkTraining(JobSpec.Training training) {
        if (training == null) {
            return;
        }
        range("training.steps", training.steps(), 1, MAX_STEPS);
        range("training.batchSize", training.batchSize(), 1, 65_536);
        range("training.discriminatorSteps", training.discriminatorSteps(), 1, 100);
        range("training.seed", training.seed(), 0, Long.MAX_VALUE);
    }

    private void beta(String path, Double value) {
        if (value != null && !(value >= 0 && value < 1)) {
            reject(path, "must be at least 0 and less than 1");
        }
    }

    private boolean oneOf(String path, String value, Set<String> allowed) {
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
    private static String quote(String value) {
        return value.length() <= 64 ? value : value.substring(0, 64) + "…";
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }

    private void reject(String field, String message) {
        errors.add(new FieldError(field, message));
    }
}
