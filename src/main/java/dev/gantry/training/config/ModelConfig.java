package dev.gantry.training.config;

/**
 * Shape of both networks. Which fields apply depends on the architecture; the others are 0.
 *
 * <ul>
 *   <li>{@code mlp} (2-D points): the generator maps {@code latentDim} to 2 through {@code
 *       hiddenLayers} ReLU layers of {@code hiddenUnits}; the discriminator maps 2 to one logit
 *       through as many LeakyReLU(0.2) layers.
 *   <li>{@code dcgan} and {@code resnet} (images): {@code width} sets the channel counts; dcgan:
 *       DCGAN's ngf = ndf = width; resnet: ngf = 2·width, ndf = width (width 128 is SNGAN-32's
 *       256 and 128). hiddenUnits and hiddenLayers are 0.
 * </ul>
 *
 * @param spectralNorm spectral normalization (Miyato et al. 2018) of every discriminator layer
 * @param conditional class-conditional networks (conditional batch norm in G, a projection
 *     discriminator); needs labelled data
 * @param discriminatorNorm {@code batch} (batch normalization between D's layers, DCGAN) or
 *     {@code none}
 */
public record ModelConfig(
        String architecture,
        int latentDim,
        int hiddenUnits,
        int hiddenLayers,
        int width,
        boolean spectralNorm,
        boolean conditional,
        String discriminatorNorm) {

    public static final String NORM_BATCH = "batch";
    public static final String NORM_NONE = "none";

    /** The {@code mlp} model of 2-D points. */
    public static ModelConfig mlp(int latentDim, int hiddenUnits, int hiddenLayers, boolean spectralNorm) {
        return new ModelConfig("mlp", latentDim, hiddenUnits, hiddenLayers, 0, spectralNorm, false, NORM_NONE);
    }

    public boolean discriminatorBatchNorm() {
        return NORM_BATCH.equals(discriminatorNorm);
    }
}
