package dev.gantry.dataset;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How an upload holds its images; the API and the database spell them in lower case. */
public enum DatasetFormat {
    /** A ZIP of PNG and JPEG files; sub-folders are classes. */
    ZIP,
    /** MNIST's IDX: an images file (raw or gzip), or a ZIP of it and a labels file. */
    IDX,
    /** A NumPy uint8 array (N,H,W) or (N,H,W,C), or a ZIP of images.npy and labels.npy. */
    NPY;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<DatasetFormat> parse(String id) {
        return Arrays.stream(values()).filter(f -> f.id().equals(id)).findFirst();
    }
}
