package dev.gantry.training.data;

/**
 * SplitMix64 (Steele, Lea and Flood 2014), written out here rather than taken from the JDK, so that
 * the built-in image sets do not depend on how a JDK implements {@code nextDouble} or bounded
 * draws: every value below is pinned by integer arithmetic and one exact scaling.
 */
final class SeededRandom {

    private long state;

    SeededRandom(long seed) {
        this.state = seed;
    }

    /** A generator for item {@code index} of a set: items are independent of each other and of order. */
    static SeededRandom forItem(long setSeed, long index) {
        return new SeededRandom(mix(setSeed ^ mix(index * 0x9E37_79B9_7F4A_7C15L + 0x2545_F491_4F6C_DD1DL)));
    }

    long nextLong() {
        state += 0x9E37_79B9_7F4A_7C15L;
        return mix(state);
    }

    /** Uniform in [0, 1), 53 bits. */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    double uniform(double from, double to) {
        return from + (to - from) * nextDouble();
    }

    /** Uniform in [0, bound); the tiny modulo bias is irrelevant here and keeps it one draw. */
    int nextInt(int bound) {
        return (int) ((nextLong() >>> 1) % bound);
    }

    boolean nextBoolean() {
        return nextLong() < 0;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }
}
