package dev.gantry.training.loss;

import dev.gantry.training.config.ConfigViolation;
import dev.gantry.training.config.TermConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the service and the trainer know about one term: its name, the side it acts on, its
 * parameters with their kinds, defaults and rules, the checks that span its parameters and the
 * run (a feature network's outputs, the data's channels), and how to build it. The validator,
 * {@link GanObjective} and the catalog the API serves all read this one record.
 *
 * @param constraint a constraint rather than a loss (weight clipping): nothing to weigh, so its
 *     weight must be 1 and it cannot be adaptive
 * @param inputGradient the term differentiates D with respect to its input (double backprop),
 *     which batch statistics in D would make wrong: per-sample gradients then mix the batch
 * @param check run once every parameter passed its own rule
 */
public record TermDescriptor(
        String name,
        Side side,
        boolean constraint,
        boolean inputGradient,
        List<TermParam> params,
        String description,
        Factory factory,
        Check check) {

    /** Builds the term from its parameter values. */
    @FunctionalInterface
    public interface Factory {
        LossTerm create(Values values, TermResources resources);
    }

    /** Problems across parameters, or of parameters against the run; fields relative to the term. */
    @FunctionalInterface
    public interface Check {
        List<ConfigViolation> problems(Values values, TermContext context);

        Check NONE = (v, c) -> List.of();
    }

    /** A term's parameter values, the catalog's defaults filling what the config left out. */
    public record Values(TermDescriptor descriptor, TermConfig config) {

        private Object value(String name) {
            Object given = config.params().get(name);
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

        /** A number parameter. */
        public double get(String name) {
            return (Double) value(name);
        }

        /** A parameter the catalog only lets be a whole number. */
        public int whole(String name) {
            return (int) get(name);
        }

        public String text(String name) {
            return (String) value(name);
        }

        /** An object of names to numbers, in the order given; empty when absent. */
        public Map<String, Double> weights(String name) {
            Map<String, Double> out = new LinkedHashMap<>();
            if (value(name) instanceof Map<?, ?> map) {
                map.forEach((k, v) -> out.put((String) k, (Double) v));
            }
            return out;
        }

        public boolean has(String name) {
            return config.params().get(name) != null;
        }
    }

    public TermDescriptor {
        params = List.copyOf(params);
    }

    /** A term whose parameters are checked one by one only. */
    public TermDescriptor(
            String name,
            Side side,
            boolean constraint,
            boolean inputGradient,
            List<TermParam> params,
            String description,
            Factory factory) {
        this(name, side, constraint, inputGradient, params, description, factory, Check.NONE);
    }

    public LossTerm create(TermConfig config, TermResources resources) {
        return factory.create(new Values(this, config), resources);
    }

    /** With random features only (perceptual-random), as tests build terms. */
    public LossTerm create(
            TermConfig config, java.util.function.IntFunction<dev.gantry.training.model.Network> features) {
        return create(config, TermResources.randomFeatures(features));
    }

    public double param(TermConfig config, String name) {
        return new Values(this, config).get(name);
    }
}
