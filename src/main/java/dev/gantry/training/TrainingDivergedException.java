package dev.gantry.training;

/** A loss became NaN or infinite; the run cannot continue from this state. */
public class TrainingDivergedException extends RuntimeException {

    private final long step;
    private final String metric;

    public TrainingDivergedException(long step, String metric, double value) {
        super(metric + " became " + value + " at step " + step);
        this.step = step;
        this.metric = metric;
    }

    /** The step whose loss diverged; the last checkpoint is from before it. */
    public long step() {
        return step;
    }

    public String metric() {
        return metric;
    }
}
