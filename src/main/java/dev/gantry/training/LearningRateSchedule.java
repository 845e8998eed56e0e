package dev.gantry.training;

import dev.gantry.training.config.OptimizerConfig;

/**
 * The learning rate of each training step. {@code linear} is CycleGAN's linear policy (Zhu et al.
 * 2017): with N steps and decay start d, the updates of step t (1-based) use
 *
 * <pre>
 * lr(t) = lr                        for t ≤ d + 1
 * lr(t) = lr · (N − t + 1)/(N − d)  for t > d + 1
 * </pre>
 *
 * <p>that is lr·λ(t − 1) with λ(k) = (N − k)/(N − d) for k > d: exactly what {@code
 * torch.optim.lr_scheduler.LambdaLR} gives when {@code scheduler.step()} follows each {@code
 * optimizer.step()}, since update t then sees λ of the k = t − 1 scheduler steps taken before it.
 * So the last step still trains (at lr/(N − d)) and the rate reaches 0 only after it. All
 * discriminator updates of a step share the step's rate. A function of the step alone: nothing
 * to checkpoint.
 */
final class LearningRateSchedule {

    private final double learningRate;
    private final boolean linear;
    private final long decayStartStep;
    private final long steps;

    LearningRateSchedule(OptimizerConfig config, int steps) {
        this.learningRate = config.learningRate();
        this.linear = OptimizerConfig.LINEAR.equals(config.schedule());
        this.decayStartStep = config.decayStartStep();
        this.steps = steps;
    }

    boolean isConstant() {
        return !linear;
    }

    /** The learning rate of the updates of {@code step} (1-based). */
    double at(long step) {
        long completed = step - 1;
        if (!linear || completed <= decayStartStep) {
            return learningRate;
        }
        return learningRate * (steps - completed) / (steps - decayStartStep);
    }
}
