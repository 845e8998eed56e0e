package dev.gantry.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

/** A local worker gets its server's storage settings as arguments: bound back, they are the same settings. */
class StoragePropertiesTest {

    @Test
    void child_arguments_of_an_s3_server_bind_back_to_every_setting_it_has() {
        StorageProperties server = new StorageProperties(
                Path.of("/var/gantry/objects"),
                7,
                Duration.ofMillis(1500),
                new StorageProperties.S3(
                        "checkpoints",
                        "team-a",
                        URI.create("http://minio:9000"),
                        "eu-west-1",
                        true,
                        DataSize.ofMegabytes(64),
                        9));

        assertThat(bind(server.childArguments())).isEqualTo(server);
    }

    @Test
    void child_arguments_of_a_folder_server_bind_back_and_leave_s3_off() {
        StorageProperties server = bind(List.of("--gantry.storage.folder=/data/objects"));

        List<String> arguments = server.childArguments();

        assertThat(arguments).noneMatch(a -> a.startsWith("--gantry.storage.s3."));
        assertThat(bind(arguments)).isEqualTo(server);
        assertThat(server.s3().enabled()).isFalse();
        assertThat(server.putAttempts()).isEqualTo(5);
    }

    @Test
    void an_s3_server_without_endpoint_or_region_passes_none_and_the_child_asks_the_same_chains() {
        StorageProperties server =
                bind(List.of("--gantry.storage.folder=/data/objects", "--gantry.storage.s3.bucket=b"));

        List<String> arguments = server.childArguments();

        assertThat(arguments).noneMatch(a -> a.contains("endpoint") || a.contains("region"));
        assertThat(bind(arguments)).isEqualTo(server);
    }

    @Test
    void aws_system_properties_go_to_the_child_as_environment_and_nothing_else_does() {
        System.setProperty("aws.sessionToken", "token-for-child");
        try {
            Map<String, String> env = StorageProperties.childEnvironment();

            assertThat(env).containsEntry("AWS_SESSION_TOKEN", "token-for-child");
            assertThat(env.keySet()).allMatch(k -> k.startsWith("AWS_"));
        } finally {
            System.clearProperty("aws.sessionToken");
        }
    }

    private static StorageProperties bind(List<String> arguments) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String argument : arguments) {
            int eq = argument.indexOf('=');
            properties.put(argument.substring(2, eq), argument.substring(eq + 1));
        }
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("gantry.storage", StorageProperties.class);
    }
}
