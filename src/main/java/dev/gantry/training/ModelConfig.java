package dev.gantry.training;

/**
 * Shape of both networks. For {@code mlp}: the generator maps {@code latentDim} to 2 through
 * {@code hiddenLayers} ReLU layers of {@code hiddenUnits}; the discriminator maps 2 to one logit
 * through the same number of LeakyReLU(0.2) layers.
 *
 * @param spectralNorm spectral normalization (Miyato et al. 2018) on every Linear of the
 *     discriminator
 */
public record ModelConfig(
        String architecture, int latentDim, int hiddenUnits, int hiddenLayers, boolean spectralNorm) {}
