package dev.gantry.training.config;

import java.util.List;
import java.util.Optional;

/**
 * A validated ({@code READY}) feature network as the loss catalog checks terms against it.
 *
 * @param id the upload's id, which specs name
 * @param sha256 of the module's bytes
 * @param probes its outputs' shapes at each side it was probed at
 */
public record FeatureNetworkInfo(
        String id, String sha256, FeatureNetworkDescriptor descriptor, List<FeatureProbe> probes) {

    public FeatureNetworkInfo {
        probes = List.copyOf(probes);
    }

    /**
     * The module's input side for images of this resolution: the descriptor's size (images are
     * resized to it), or the resolution itself for a network that takes any size.
     */
    public int inputSide(int resolution) {
        Integer size = descriptor.input().size();
        return size != null ? size : resolution;
    }

    /** An output's shape per sample for images of this resolution; empty when not probed there. */
    public Optional<List<Long>> shape(String output, int resolution) {
        int side = inputSide(resolution);
        return probes.stream()
                .filter(p -> p.side() == side)
                .findFirst()
                .map(p -> p.shapes().get(output));
    }
}
