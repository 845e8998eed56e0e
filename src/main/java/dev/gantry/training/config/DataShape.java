package dev.gantry.training.config;

/**
 * What a dataset holds, as far as validation cares: the service knows it from the dataset's
 * record before a run starts, the trainer from the data itself.
 *
 * @param channels 1 or 3 for images, 0 for points
 * @param classes labelled classes; 0 when unlabeled
 */
public record DataShape(boolean images, int channels, int height, int width, int classes) {

    public static final DataShape POINTS = new DataShape(false, 0, 0, 0, 0);
}
