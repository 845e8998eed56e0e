package dev.gantry.training;

/**
 * Derives every seed of a run from (run seed, step, purpose). Each step re-seeds from scratch, so
 * what happens at step k depends only on the state at k − 1 and not on how many random numbers
 * earlier steps drew: that is what makes a resumed run reproduce an uninterrupted one bitwise.
 */
final class StepSeeds {

    static final long TRAIN = 0x5472_6169_6eL;
    static final long INIT_GENERATOR = 0x4765_6e49L;
    static final long INIT_DISCRIMINATOR = 0x4469_7349L;
    static final long INIT_FEATURES = 0x4665_6149L;
    static final long EVALUATION = 0x4576_616cL;
    static final long REAL_PLOT = 0x506c_6f74L;
    static final long EVALUATION_REAL = 0x4576_5265L;
    static final long KID_SUBSETS = 0x4b49_4453L;

    private StepSeeds() {}

    static long of(long seed, long step, long purpose) {
        return mix(seed ^ mix(step * 0x9E37_79B9_7F4A_7C15L + purpose));
    }

    /** SplitMix64's finalizer: a bijection that spreads nearby inputs over all 64 bits. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }

    /** libtorch's seed is an int in DJL's API. */
    static int engineSeed(long seed) {
        return (int) (seed ^ (seed >>> 32));
    }
}
