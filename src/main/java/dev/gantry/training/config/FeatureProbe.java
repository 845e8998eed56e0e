package dev.gantry.training.config;

import java.util.List;
import java.util.Map;

/**
 * What a feature network gave on its validation's probe batch at one input side: each declared
 * output's shape per sample (without the batch axis), e.g. {@code relu2_2 → [128, 112, 112]}.
 *
 * @param side the side of the module's input: the descriptor's size, or for a network without one
 *     each resolution jobs train at
 */
public record FeatureProbe(int side, Map<String, List<Long>> shapes) {

    public FeatureProbe {
        shapes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(shapes));
    }

    /** The same with the shapes in the outputs' order (jsonb keeps keys in its own order, not as written). */
    public FeatureProbe inOrder(List<String> outputs) {
        Map<String, List<Long>> ordered = new java.util.LinkedHashMap<>();
        outputs.stream().filter(shapes::containsKey).forEach(o -> ordered.put(o, shapes.get(o)));
        shapes.forEach(ordered::putIfAbsent);
        return new FeatureProbe(side, ordered);
    }
}
