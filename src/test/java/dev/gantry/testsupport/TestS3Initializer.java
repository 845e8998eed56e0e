package dev.gantry.testsupport;

import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/** Points a test's Spring context at a new bucket of its own on {@link TestS3}, under the prefix {@code gantry/}. */
public class TestS3Initializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        TestS3 s3 = TestS3.get();
        TestPropertyValues.of(s3.properties(s3.newBucket(), "gantry/")).applyTo(context);
    }
}
