package dev.gantry.features;

import dev.gantry.training.config.FeatureNetworkDescriptor;
import dev.gantry.training.config.FeatureProbe;
import java.time.Instant;
import java.util.List;

/**
 * A feature network as the API shows it.
 *
 * @param probes once READY: each declared output's shape per image at each input side it was
 *     validated at
 * @param parameters once READY: the module's parameter count (0 for a frozen module)
 */
public record FeatureNetworkView(
        String id,
        String name,
        FeatureNetworkState state,
        String failureReason,
        FeatureNetworkDescriptor descriptor,
        List<FeatureProbe> probes,
        Long parameters,
        long moduleBytes,
        String moduleSha256,
        Instant createdAt,
        Instant updatedAt) {}
