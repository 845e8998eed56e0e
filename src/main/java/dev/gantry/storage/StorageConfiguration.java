package dev.gantry.storage;

import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * The {@link ObjectStore} bean. Today always a folder at {@code gantry.storage.folder}.
 *
 * <p>An S3 store will be a second bean method here, chosen when {@code gantry.storage.s3.bucket}
 * is set; callers depend only on {@link ObjectStore}. Until it exists, setting S3 properties fails
 * the start rather than silently keeping checkpoints on a pod's local disk, where they would be
 * lost with the pod.
 */
@Configuration(proxyBeanMethods = false)
class StorageConfiguration {

    static final String S3_BUCKET_PROPERTY = "gantry.storage.s3.bucket";

    @Bean
    ObjectStore objectStore(@Value("${gantry.storage.folder}") Path folder, Environment environment) {
        if (StringUtils.hasText(environment.getProperty(S3_BUCKET_PROPERTY))) {
            throw new IllegalStateException(S3_BUCKET_PROPERTY
                    + " is set, but this build has no S3 object store yet; unset it to use the folder store at "
                    + folder);
        }
        return new FolderObjectStore(folder);
    }
}
