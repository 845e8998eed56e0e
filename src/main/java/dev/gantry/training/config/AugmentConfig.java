package dev.gantry.training.config;

import java.util.List;

/**
 * Differentiable augmentation of every image D sees, real and generated alike (DiffAugment, Zhao
 * et al. 2020), optionally with the adaptive probability of ADA (Karras et al. 2020).
 *
 * @param policy augmentations in the order applied: {@code color}, {@code translation}, {@code
 *     cutout}; empty is off
 * @param adaptive each augmentation applies to an image with probability p, which rises while D is
 *     too sure of the real images (r_t = E[sign D(real)] above {@code target}) and falls otherwise;
 *     when false every augmentation applies to every image
 * @param interval D updates between two adjustments of p
 * @param kimg thousands of real images over which p could move from 0 to 1 (the speed)
 */
public record AugmentConfig(List<String> policy, boolean adaptive, double target, int interval, double kimg) {

    public static final AugmentConfig OFF = new AugmentConfig(List.of(), false, 0.6, 4, 500);

    public AugmentConfig {
        policy = List.copyOf(policy);
    }

    public boolean isOn() {
        return !policy.isEmpty();
    }
}
