package dev.gantry.features;

import dev.gantry.training.config.FeatureNetworkDescriptor;
import dev.gantry.training.config.FeatureProbe;
import java.util.List;

/**
 * Validates a module in a process that runs libtorch (the API process never loads one): loads it,
 * runs a probe batch at each side, records each declared output's shape. Implemented by the
 * generation processes ({@code generation.GenerationFeatureValidator}).
 */
public interface FeatureNetworkValidator {

    /**
     * @param failure why the module is refused (it does not load, throws, gives wrong shapes or
     *     non-finite values, crashed or hung the process), or {@code null} when it passed
     */
    record Result(List<FeatureProbe> probes, long parameters, String failure) {}

    /** No process could take the validation now; the caller tries again later. */
    final class Unavailable extends RuntimeException {
        public Unavailable(String message) {
            super(message);
        }
    }

    /** @throws Unavailable when every process stayed busy or none is running */
    Result validate(byte[] module, FeatureNetworkDescriptor descriptor, List<Integer> sides);
}
