package dev.gantry.training.loss;

import dev.gantry.training.config.TermConfig;
import dev.gantry.training.model.Network;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Everything the service and the trainer know about one term: its name, the side it acts on, its
 * parameters with their defaults and bounds, and how to build it. The validator, {@link
 * GanObjective} and the catalog the API serves all read this one record.
 *
 * @param constraint a constraint rather than a loss (weight clipping): nothing to weigh, so its
 *     weight must be 1 and it cannot be adaptive
 * @param inputGradient the term differentiates D with respect to its input (double backprop),
 *     which batch statistics in D would make wrong: per-sample gradients then mix the batch
 */
public record TermDescriptor(
        String name,
        Side side,
        boolean constraint,
        boolean inputGradient,
        List<TermParam> params,
        String description,
        Factory factory) {

    /** Builds the term from its parameter values. */
    @FunctionalInterface
    public interface Factory {
        /**
         * @param featureNetworks the perceptual loss's frozen feature network with the given number of
         *     layers, seeded by the caller
         */
        LossTerm create(Values values, IntFunction<Network> featureNetworks);
    }

    /** A term's parameter values, the catalog's defaults filling what the config left out. */
    public record Values(TermDescriptor descriptor, TermConfig config) {

        public double get(String name) {
            Double given = config.params().get(name);
            if (given != null) {
                return given;
            }
            return descriptor.params().stream()
                    .filter(p -> p.name().equals(name))
                    .findFirst()
                    .orElseThrow(() ->
                            new IllegalArgumentException("term " + descriptor.name() + " has no parameter " + name))
                    .defaultValue();
        }

        /** A parameter the catalog only lets be a whole number. */
        public int whole(String name) {
            return (int) get(name);
        }
    }

    public TermDescriptor {
        params = List.copyOf(params);
    }

    public LossTerm create(TermConfig config, IntFunction<Network> featureNetworks) {
        return factory.create(new Values(this, config), featureNetworks);
    }

    public double param(TermConfig config, String name) {
        return new Values(this, config).get(name);
    }
}
