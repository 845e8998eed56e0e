package dev.gantry.storage;

import dev.gantry.testsupport.TestS3;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * The {@link ObjectStore} contract on the S3 store against S3Proxy (a real S3 API over HTTP with
 * signature checks, objects in files), under a key prefix, with 5 MB parts.
 */
class S3ProxyStoreContractTest extends ObjectStoreContract {

    final TestS3 s3 = TestS3.get();

    @Override
    ObjectStore newStore() {
        return s3.newStore("gantry");
    }

    @Override
    int largeSize() {
        // Two full parts and a short third.
        return 12 * 1024 * 1024;
    }

    @Override
    void damage(ObjectStore store, String key, Damage damage) throws IOException {
        S3ObjectStore s3Store = (S3ObjectStore) store;
        BackendFiles.damage(s3.file(s3Store.bucket(), s3Store.prefix() + key), damage);
    }

    @Override
    List<String> leftovers(ObjectStore store) {
        S3ObjectStore s3Store = (S3ObjectStore) store;
        return s3.client().listMultipartUploads(b -> b.bucket(s3Store.bucket())).uploads().stream()
                .map(u -> "pending upload of " + u.key())
                .toList();
    }

    @AfterEach
    void closeStore() {
        ((S3ObjectStore) store).close();
    }
}
