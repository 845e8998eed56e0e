package dev.gantry.dataset;

import dev.gantry.storage.ObjectStore;
import dev.gantry.storage.SharedObjects;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Dataset bytes in the object store, content-addressed: {@code datasets/uploads/<sha256>} and
 * {@code datasets/tensors/<sha256>}, each deleted with the last row naming it ({@link
 * SharedObjects}).
 */
@Component
class DatasetObjects extends SharedObjects {

    static final String UPLOADS = "datasets/uploads/";
    static final String TENSORS = "datasets/tensors/";

    DatasetObjects(ObjectStore store, JdbcClient jdbc) {
        super(store, jdbc, "SELECT count(*) FROM datasets WHERE upload_key = :key OR tensor_key = :key");
    }
}
