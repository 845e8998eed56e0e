package dev.gantry.storage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@link ObjectStore} bean: an S3 bucket when {@code gantry.storage.s3.bucket} is set, else
 * the folder at {@code gantry.storage.folder}. Callers depend only on {@link ObjectStore}.
 *
 * <p>The bucket is checked at start-up: a server or worker pointed at a bucket it cannot use
 * stops there, with the reason, instead of failing its first checkpoint.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(StorageProperties.class)
class StorageConfiguration {

    private static final Logger log = LoggerFactory.getLogger(StorageConfiguration.class);

    @Bean
    ObjectStore objectStore(StorageProperties properties) {
        StorageProperties.S3 s3 = properties.s3();
        if (!s3.enabled()) {
            return new FolderObjectStore(properties.folder());
        }
        S3ObjectStore store = new S3ObjectStore(
                S3Clients.create(s3), s3.bucket(), s3.prefix(), s3.partSize().toBytes());
        try {
            store.checkBucket();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        log.info(
                "Object store: S3 bucket {}{}{}",
                s3.bucket(),
                store.prefix().isEmpty() ? "" : " under " + store.prefix(),
                s3.endpoint() == null ? "" : " at " + s3.endpoint());
        return store;
    }
}
