package dev.gantry.training.data;

import dev.gantry.training.config.DataConfig;
import dev.gantry.training.config.DataShape;

/** Turns datasets into what a run trains on. */
public final class Datasets {

    private Datasets() {}

    /** A built-in dataset, fitted to the config's resolution and channels when it holds images. */
    public static TrainingData builtIn(DataConfig config) {
        BuiltInDatasets.Info info = BuiltInDatasets.find(config.dataset())
                .orElseThrow(() -> new IllegalArgumentException("unknown dataset: " + config.dataset()));
        if (info.kind() == BuiltInDatasets.Kind.POINTS) {
            return new PointData(SyntheticDatasets.byName(config.dataset()));
        }
        return images(BuiltInDatasets.images(config.dataset()), config);
    }

    /** Images fitted to the config's resolution and channels. */
    public static TrainingData images(ImageTensor images, DataConfig config) {
        return new ImageData(ImageFitting.fit(images, config.resolution(), config.channels()));
    }

    /** What validation needs to know of data a run was handed. */
    public static DataShape shape(TrainingData data) {
        long[] shape = data.sampleShape();
        if (shape.length == 1) {
            return DataShape.POINTS;
        }
        return new DataShape(true, (int) shape[0], (int) shape[1], (int) shape[2], data.classes());
    }
}
