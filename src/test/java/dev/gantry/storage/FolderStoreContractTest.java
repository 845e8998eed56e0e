package dev.gantry.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;

/** The {@link ObjectStore} contract on the folder store. */
class FolderStoreContractTest extends ObjectStoreContract {

    @TempDir
    Path root;

    @Override
    ObjectStore newStore() {
        return new FolderObjectStore(root);
    }

    @Override
    int largeSize() {
        return 4 * 1024 * 1024;
    }

    @Override
    void damage(ObjectStore store, String key, Damage damage) throws IOException {
        BackendFiles.damage(root.resolve(key), damage);
    }

    @Override
    List<String> leftovers(ObjectStore store) throws IOException {
        List<String> objects = store.list("");
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .map(f -> root.relativize(f).toString())
                    .filter(name -> !objects.contains(name))
                    .toList();
        }
    }
}
