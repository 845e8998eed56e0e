package dev.gantry.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testsupport.TestS3;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class StorageConfigurationTest {

    @TempDir
    Path dataDir;

    final ApplicationContextRunner context =
            new ApplicationContextRunner().withUserConfiguration(StorageConfiguration.class);

    @Test
    void the_object_store_is_a_folder_store_at_the_configured_folder() {
        Path folder = dataDir.resolve("objects");

        context.withPropertyValues("gantry.storage.folder=" + folder).run(ctx -> {
            ObjectStore store = ctx.getBean(ObjectStore.class);
            store.put("k", new byte[] {1});

            assertThat(store).isInstanceOf(FolderObjectStore.class);
            assertThat(folder.resolve("k")).hasBinaryContent(new byte[] {1});
        });
    }

    @Test
    void a_bucket_makes_it_an_s3_store_with_credentials_from_the_default_chain() {
        TestS3 s3 = TestS3.get(); // its key is in this JVM's aws.* system properties
        String bucket = s3.newBucket();

        context.withPropertyValues("gantry.storage.folder=" + dataDir.resolve("objects"))
                .withPropertyValues(s3.properties(bucket, "gantry").toArray(String[]::new))
                .run(ctx -> {
                    ObjectStore store = ctx.getBean(ObjectStore.class);
                    store.put("jobs/1/k", new byte[] {1});

                    assertThat(store).isInstanceOf(S3ObjectStore.class);
                    assertThat(s3.describe(bucket)).containsExactly("gantry/jobs/1/k (1 bytes)");
                    assertThat(dataDir.resolve("objects")).doesNotExist();
                });
    }

    @Test
    void a_bucket_that_cannot_be_used_fails_the_start_naming_it() {
        TestS3 s3 = TestS3.get();

        context.withPropertyValues("gantry.storage.folder=" + dataDir.resolve("objects"))
                .withPropertyValues(s3.properties("no-such-bucket", "").toArray(String[]::new))
                .run(ctx -> assertThat(ctx)
                        .hasFailed()
                        .getFailure()
                        .hasStackTraceContaining("S3 bucket 'no-such-bucket' does not exist"));
    }

    @Test
    void a_part_size_s3_would_refuse_fails_the_start() {
        TestS3 s3 = TestS3.get();

        context.withPropertyValues("gantry.storage.folder=" + dataDir.resolve("objects"))
                .withPropertyValues(s3.properties(s3.newBucket(), "").toArray(String[]::new))
                .withPropertyValues("gantry.storage.s3.part-size=1MB")
                .run(ctx -> assertThat(ctx)
                        .hasFailed()
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("part size must be between 5MB and 2GB"));
    }
}
