package dev.gantry.storage;

import static org.assertj.core.api.Assertions.assertThat;

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
    void s3_settings_fail_the_start_instead_of_silently_storing_on_local_disk() {
        context.withPropertyValues(
                        "gantry.storage.folder=" + dataDir.resolve("objects"), "gantry.storage.s3.bucket=checkpoints")
                .run(ctx -> assertThat(ctx)
                        .hasFailed()
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("gantry.storage.s3.bucket"));
    }
}
