package dev.gantry.storage;

import dev.gantry.testsupport.Docker;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.util.unit.DataSize;
import org.testcontainers.containers.MinIOContainer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/** The {@link ObjectStore} contract on the S3 store against MinIO in a container, where Docker runs. */
@Docker.Required("the S3 contract on MinIO (the folder store and S3Proxy run the same contract)")
class MinioStoreContractTest extends ObjectStoreContract {

    static MinIOContainer minio;
    static S3Client admin;
    static int buckets;

    @BeforeAll
    static void startMinio() {
        minio = new MinIOContainer("minio/minio:RELEASE.2025-04-22T22-12-26Z");
        minio.start();
        admin = S3Clients.create(settings("unused"), credentials());
    }

    @AfterAll
    static void stopMinio() {
        if (admin != null) {
            admin.close();
        }
        if (minio != null) {
            minio.stop();
        }
    }

    static StorageProperties.S3 settings(String bucket) {
        return new StorageProperties.S3(
                bucket, "gantry", java.net.URI.create(minio.getS3URL()), "us-east-1", true, DataSize.ofMegabytes(5), 4);
    }

    static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(minio.getUserName(), minio.getPassword()));
    }

    @Override
    ObjectStore newStore() {
        String bucket = "contract-" + (++buckets);
        admin.createBucket(b -> b.bucket(bucket));
        return new S3ObjectStore(S3Clients.create(settings(bucket), credentials()), bucket, "gantry", 5L << 20);
    }

    @Override
    int largeSize() {
        return 12 * 1024 * 1024;
    }

    @Override
    void damage(ObjectStore store, String key, Damage damage) {
        // MinIO keeps objects in its own erasure-coded format inside the container; there is no
        // plain file to damage. S3Proxy's variant covers this case.
        Assumptions.abort("MinIO's backing files cannot be damaged from outside its container");
    }

    @Override
    List<String> leftovers(ObjectStore store) {
        S3ObjectStore s3Store = (S3ObjectStore) store;
        return admin.listMultipartUploads(b -> b.bucket(s3Store.bucket())).uploads().stream()
                .map(u -> "pending upload of " + u.key())
                .toList();
    }
}
