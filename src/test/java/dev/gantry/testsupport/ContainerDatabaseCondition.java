package dev.gantry.testsupport;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Registered by the {@code postgres-16} Surefire execution only (extension auto-detection is on
 * there alone): when {@link TestDatabase} is to run on a container image and no Docker engine is
 * reachable, each class of that run is skipped, counted, with the reason printed. The default
 * execution ran the same classes on the embedded binaries.
 */
public final class ContainerDatabaseCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String image = System.getProperty(TestDatabase.IMAGE_PROPERTY);
        if (image == null || image.isBlank()) {
            return ConditionEvaluationResult.enabled("embedded PostgreSQL");
        }
        if (context.getTestMethod().isPresent() || Docker.available()) {
            return ConditionEvaluationResult.enabled("PostgreSQL in a " + image + " container");
        }
        String reason = "No Docker engine found: skipped "
                + context.getRequiredTestClass().getSimpleName() + " on " + image
                + " (it ran on the embedded PostgreSQL in the default test run)";
        System.out.println("[SKIPPED] " + reason);
        return ConditionEvaluationResult.disabled(reason);
    }
}
