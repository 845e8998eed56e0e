package dev.gantry.training.loss;

import java.util.function.DoubleFunction;

/**
 * One adversarial loss of the catalog.
 *
 * @param labelSmoothing the loss is a cross-entropy on a real target, so one-sided label smoothing
 *     applies to it
 * @param factory builds the loss from the label smoothing s (0 when it takes none)
 */
public record AdversarialDescriptor(
        String name, boolean labelSmoothing, String description, DoubleFunction<AdversarialLoss> factory) {

    public AdversarialLoss create(double smoothing) {
        return factory.apply(smoothing);
    }
}
