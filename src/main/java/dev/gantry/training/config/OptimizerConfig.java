package dev.gantry.training.config;

/**
 * Optimizer of one network. Only {@code adam} exists ({@code AdamOptimizer}, epsilon fixed at
 * 1e-8). The generator and the discriminator each have their own, so two learning rates (TTUR,
 * Heusel et al. 2017, "GANs Trained by a Two Time-Scale Update Rule Converge to a Local Nash
 * Equilibrium") need nothing more than two configs.
 *
 * @param learningRate the base learning rate
 * @param schedule {@code constant}, or {@code linear}: constant up to {@code decayStartStep}, then
 *     a linear decay to 0 (see {@code LearningRateSchedule})
 * @param decayStartStep the last step trained at the full learning rate; {@code 0} for {@code
 *     constant}
 */
public record OptimizerConfig(
        String type, double learningRate, double beta1, double beta2, String schedule, int decayStartStep) {

    public static final String CONSTANT = "constant";
    public static final String LINEAR = "linear";
}
