package dev.gantry.testsupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Whether a Docker engine is reachable, for the Testcontainers variants of the suite. Where none
 * is (these machines), a class marked {@link Required} is skipped, counted as skipped, with the
 * reason printed, never silently: the embedded PostgreSQL and S3Proxy run the same tests.
 */
public final class Docker implements ExecutionCondition {

    private static Boolean available;

    /** Skips the class, printing why, unless Docker runs here. */
    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @ExtendWith(Docker.class)
    public @interface Required {
        /** What the class tests, and what covers it where it is skipped. */
        String value();
    }

    public static synchronized boolean available() {
        if (available == null) {
            boolean found;
            try {
                found = DockerClientFactory.instance().isDockerAvailable();
            } catch (RuntimeException | LinkageError e) {
                found = false;
            }
            available = found;
        }
        return available;
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (context.getTestMethod().isPresent()) {
            return ConditionEvaluationResult.enabled("class already decided");
        }
        if (available()) {
            return ConditionEvaluationResult.enabled("Docker engine found");
        }
        String what =
                context.getRequiredTestClass().getAnnotation(Required.class).value();
        String reason = "No Docker engine found: skipped "
                + context.getRequiredTestClass().getSimpleName() + ", " + what;
        System.out.println("[SKIPPED] " + reason);
        return ConditionEvaluationResult.disabled(reason);
    }
}
