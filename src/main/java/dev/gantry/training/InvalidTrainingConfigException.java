package dev.gantry.training;

import dev.gantry.training.config.ConfigViolation;
import java.util.List;
import java.util.stream.Collectors;

/** A run was started with a config that {@link TrainingCatalog#validate} rejects. */
public class InvalidTrainingConfigException extends IllegalArgumentException {

    private final List<ConfigViolation> violations;

    public InvalidTrainingConfigException(List<ConfigViolation> violations) {
        super(violations.stream().map(v -> v.field() + ": " + v.message()).collect(Collectors.joining("; ")));
        this.violations = List.copyOf(violations);
    }

    public List<ConfigViolation> violations() {
        return violations;
    }
}
