package dev.gantry.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * The rollup blocks and raw step ranges that tile a step range exactly, coarsest first: the
 * range's whole blocks of the coarsest level that fits a bucket, then, at each end, the whole
 * blocks of the next finer level, and so on down to the raw points of the last partial block of
 * the finest level. Every block lies inside one bucket (a bucket's width is a power of two no
 * smaller than the block's), so a bucket's lowest and highest point are the lowest and highest
 * among its tiles. Each end costs at most seven blocks per level and 63 raw points, so a
 * range that starts or ends anywhere reads hardly more than an aligned one.
 */
final class Tiling {

    private final List<long[]> blocks = new ArrayList<>();
    private final List<long[]> raw = new ArrayList<>();

    private Tiling() {}

    /**
     * @param bucketLevel the buckets' width is 2^bucketLevel steps; no block wider than that is used
     */
    static Tiling of(long firstStep, long lastStep, int bucketLevel) {
        int top = -1;
        while (top + 1 < MetricQuery.LEVELS.length && MetricQuery.LEVELS[top + 1] <= bucketLevel) {
            top++;
        }
        Tiling tiling = new Tiling();
        tiling.tile(firstStep, lastStep, top);
        return tiling;
    }

    private void tile(long from, long to, int levelIndex) {
        if (from > to) {
            return;
        }
        if (levelIndex < 0) {
            raw.add(new long[] {from, to});
            return;
        }
        int level = MetricQuery.LEVELS[levelIndex];
        long size = 1L << level;
        long firstBlock = -Math.floorDiv(-from, size);
        long lastBlock = Math.floorDiv(to + 1, size) - 1;
        if (firstBlock > lastBlock) {
            tile(from, to, levelIndex - 1);
            return;
        }
        blocks.add(new long[] {level, firstBlock, lastBlock});
        tile(from, firstBlock * size - 1, levelIndex - 1);
        tile((lastBlock + 1) * size, to, levelIndex - 1);
    }

    int[] levels() {
        return blocks.stream().mapToInt(b -> (int) b[0]).toArray();
    }

    long[] firstBlocks() {
        return blocks.stream().mapToLong(b -> b[1]).toArray();
    }

    long[] lastBlocks() {
        return blocks.stream().mapToLong(b -> b[2]).toArray();
    }

    long[] rawFrom() {
        return raw.stream().mapToLong(r -> r[0]).toArray();
    }

    long[] rawTo() {
        return raw.stream().mapToLong(r -> r[1]).toArray();
    }
}
