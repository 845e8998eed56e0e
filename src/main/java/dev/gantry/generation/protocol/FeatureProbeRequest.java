package dev.gantry.generation.protocol;

import dev.gantry.training.config.FeatureNetworkDescriptor;
import java.util.List;

/**
 * Validate an uploaded feature network: load the module (the frame's body), run a probe batch at
 * each side, record each declared output's shape. Answered {@code OK} with a {@link
 * FeatureProbeReport} as the body, or {@code FAILED} with the reason the module is refused.
 */
public record FeatureProbeRequest(FeatureNetworkDescriptor descriptor, List<Integer> sides) {}
