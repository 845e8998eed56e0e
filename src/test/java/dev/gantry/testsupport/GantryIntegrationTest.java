package dev.gantry.testsupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;

/** The server on a random port, on the shared test PostgreSQL, without local worker or generation processes. */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"gantry.worker.local-count=0", "gantry.generation.local-count=0"})
@ContextConfiguration(initializers = TestDatabaseInitializer.class)
public @interface GantryIntegrationTest {}
