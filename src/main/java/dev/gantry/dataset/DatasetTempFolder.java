package dev.gantry.dataset;

import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Where uploads are received and decoded: {@code <id>.upload} and {@code <id>.tensor}, deleted
 * when their dataset is READY or FAILED, and swept at start-up after a crash.
 */
@Component
class DatasetTempFolder {

    private final Path path;

    DatasetTempFolder(DatasetProperties settings, @Value("${gantry.data-dir}") Path dataDir) {
        this.path = settings.tempFolder() == null || settings.tempFolder().isBlank()
                ? dataDir.resolve("tmp").resolve("datasets")
                : Path.of(settings.tempFolder());
    }

    Path path() {
        return path;
    }
}
