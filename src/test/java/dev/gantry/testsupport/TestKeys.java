package dev.gantry.testsupport;

/** The owner key of every test server (src/test/resources/config/application.yml), in the default project. */
public final class TestKeys {

    public static final String OWNER = "gk_test-owner-key-0000000000000000000000000000";

    private TestKeys() {}
}
