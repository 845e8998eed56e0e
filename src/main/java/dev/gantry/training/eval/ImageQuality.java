package dev.gantry.training.eval;

/**
 * Full-reference image quality, on images in [−1, 1] mapped to [0, 1] and clipped (the range an
 * 8-bit PNG of them shows):
 *
 * <ul>
 *   <li>PSNR = 10·log₁₀(1 / MSE) over all values of an image, in dB;
 *   <li>SSIM (Wang et al. 2004, "Image Quality Assessment: From Error Visibility to Structural
 *       Similarity"): means, variances and covariance under an 11×11 Gaussian window of σ 1.5,
 *       C₁ = (0.01)², C₂ = (0.03)², averaged over every window position that fits the image (the
 *       paper's "valid" filtering) and over channels.
 * </ul>
 *
 * Both are computed per image and averaged over images; a perfect image's PSNR is capped at 100 dB
 * so the mean stays finite.
 */
public final class ImageQuality {

    public static final double MAX_PSNR = 100;
    static final int WINDOW = 11;
    static final double SIGMA = 1.5;
    private static final double C1 = 0.01 * 0.01;
    private static final double C2 = 0.03 * 0.03;
    private static final double[] GAUSSIAN = gaussian();

    private ImageQuality() {}

    /** Mean PSNR of {@code count} images of {@code size} values each. */
    public static double psnr(float[] images, float[] references, int count) {
        int size = images.length / count;
        double sum = 0;
        for (int n = 0; n < count; n++) {
            double squared = 0;
            for (int i = n * size; i < (n + 1) * size; i++) {
                double d = unit(images[i]) - unit(references[i]);
                squared += d * d;
            }
            double mse = squared / size;
            sum += mse == 0 ? MAX_PSNR : Math.min(MAX_PSNR, 10 * Math.log10(1 / mse));
        }
        return sum / count;
    }

    /** Mean SSIM of {@code count} images of {@code channels × height × width}. */
    public static double ssim(float[] images, float[] references, int count, int channels, int height, int width) {
        if (height < WINDOW || width < WINDOW) {
            throw new IllegalArgumentException("SSIM needs images of at least " + WINDOW + "×" + WINDOW);
        }
        int plane = height * width;
        double sum = 0;
        for (int n = 0; n < count; n++) {
            double perImage = 0;
            for (int c = 0; c < channels; c++) {
                perImage += planeSsim(images, references, (n * channels + c) * plane, height, width);
            }
            sum += perImage / channels;
        }
        return sum / count;
    }

    private static double planeSsim(float[] x, float[] y, int offset, int height, int width) {
        double total = 0;
        int positions = 0;
        for (int top = 0; top + WINDOW <= height; top++) {
            for (int left = 0; left + WINDOW <= width; left++) {
                double mx = 0;
                double my = 0;
                double xx = 0;
                double yy = 0;
                double xy = 0;
                for (int i = 0; i < WINDOW; i++) {
                    for (int j = 0; j < WINDOW; j++) {
                        double w = GAUSSIAN[i] * GAUSSIAN[j];
                        int p = offset + (top + i) * width + left + j;
                        double a = unit(x[p]);
                        double b = unit(y[p]);
                        mx += w * a;
                        my += w * b;
                        xx += w * a * a;
                        yy += w * b * b;
                        xy += w * a * b;
                    }
                }
                double vx = xx - mx * mx;
                double vy = yy - my * my;
                double cov = xy - mx * my;
                total += (2 * mx * my + C1) * (2 * cov + C2) / ((mx * mx + my * my + C1) * (vx + vy + C2));
                positions++;
            }
        }
        return total / positions;
    }

    /** [−1, 1] → [0, 1], clipped. */
    static double unit(float value) {
        return Math.max(0, Math.min(1, (value + 1) / 2.0));
    }

    private static double[] gaussian() {
        double[] g = new double[WINDOW];
        double sum = 0;
        for (int i = 0; i < WINDOW; i++) {
            double d = i - WINDOW / 2;
            g[i] = Math.exp(-d * d / (2 * SIGMA * SIGMA));
            sum += g[i];
        }
        for (int i = 0; i < WINDOW; i++) {
            g[i] /= sum;
        }
        return g;
    }
}
