package dev.gantry.training.config;

/**
 * What the generator learns.
 *
 * <ul>
 *   <li>{@code generation}: samples from noise (and a class, for conditional models).
 *   <li>{@code super-resolution}: a high-resolution image from its area-downsampled copy, {@code
 *       scale} times smaller, with optional Gaussian noise of standard deviation {@code inputNoise}
 *       (in [−1, 1] units) on it. The real image is the target, so terms that compare sample i with
 *       real sample i (reconstruction, perceptual) compare an output with its own target. The last
 *       {@code validationImages} images of the dataset are held out for {@code eval/psnr} and
 *       {@code eval/ssim}.
 * </ul>
 */
public record TaskConfig(String type, int scale, double inputNoise, int validationImages) {

    public static final String GENERATION_TYPE = "generation";
    public static final String SUPER_RESOLUTION_TYPE = "super-resolution";

    public static final TaskConfig GENERATION = new TaskConfig(GENERATION_TYPE, 0, 0, 0);

    public static TaskConfig superResolution(int scale, double inputNoise, int validationImages) {
        return new TaskConfig(SUPER_RESOLUTION_TYPE, scale, inputNoise, validationImages);
    }

    public boolean superResolution() {
        return SUPER_RESOLUTION_TYPE.equals(type);
    }
}
