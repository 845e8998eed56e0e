package dev.gantry.training.data;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Images as training data, already fitted to the networks' resolution and channels ({@link
 * ImageFitting}), scaled from [0, 255] to [−1, 1] as they are drawn. Each sample is an index
 * drawn uniformly with replacement, so a step's batch depends only on the step's generator.
 */
public final class ImageData implements TrainingData {

    private final ImageTensor images;
    /** Samples are drawn from the first {@code drawn} images; the rest are held out. */
    private final int drawn;

    /** @param images already at the resolution and channels the networks see */
    public ImageData(ImageTensor images) {
        this(images, images.count());
    }

    private ImageData(ImageTensor images, int drawn) {
        if (images.count() == 0) {
            throw new IllegalArgumentException("the dataset holds no images");
        }
        this.images = images;
        this.drawn = drawn;
    }

    /**
     * The same images with the last {@code count} held out: they are never drawn, and {@link
     * #heldOut()} returns them (a fixed validation split, the same on every run of the dataset).
     */
    public ImageData holdingOut(int count) {
        if (count < 1 || count >= images.count()) {
            throw new IllegalArgumentException("cannot hold out " + count + " of " + images.count() + " images");
        }
        return new ImageData(images, images.count() - count);
    }

    /** The held-out images, in dataset order; none unless {@link #holdingOut}. */
    public ImageTensor heldOut() {
        int count = images.count() - drawn;
        int size = images.imageBytes();
        byte[] pixels = java.util.Arrays.copyOfRange(images.pixels(), drawn * size, images.count() * size);
        int[] labels = images.labeled() ? java.util.Arrays.copyOfRange(images.labels(), drawn, images.count()) : null;
        return new ImageTensor(
                count, images.channels(), images.height(), images.width(), pixels, labels, images.classNames());
    }

    public ImageTensor images() {
        return images;
    }

    @Override
    public long[] sampleShape() {
        return new long[] {images.channels(), images.height(), images.width()};
    }

    @Override
    public List<String> classNames() {
        return images.classNames();
    }

    @Override
    public void sample(RandomGenerator rng, int count, float[] out, int[] labels) {
        int size = images.imageBytes();
        byte[] pixels = images.pixels();
        for (int i = 0; i < count; i++) {
            int index = rng.nextInt(drawn);
            int from = index * size;
            int to = i * size;
            for (int j = 0; j < size; j++) {
                out[to + j] = toUnit(pixels[from + j]);
            }
            if (labels != null && images.labeled()) {
                labels[i] = images.labels()[index];
            }
        }
    }

    /** 0 → −1, 255 → 1: x/127.5 − 1, as torchvision's ToTensor then Normalize(0.5, 0.5) gives. */
    static float toUnit(byte value) {
        return (value & 0xff) / 127.5f - 1f;
    }
}
