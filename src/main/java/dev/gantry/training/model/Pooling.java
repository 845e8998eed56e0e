package dev.gantry.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/** Spatial pooling of N×C×H×W maps. */
enum Pooling implements Layer {
    /** Σ over H and W, (n, c, h, w) → (n, c): SNGAN's discriminators pool this way before the last linear. */
    GLOBAL_SUM {
        @Override
        public NDArray forward(NDArray x, Pass pass) {
            return x.sum(SPATIAL);
        }
    },
    /** Mean of each 2×2 window, stride 2, {@code F.avg_pool2d(x, 2)}: SNGAN's discriminator blocks downsample this way. */
    AVERAGE_2X2 {
        @Override
        public NDArray forward(NDArray x, Pass pass) {
            return JniUtils.avgPool((PtNDArray) x, WINDOW, WINDOW, NO_PADDING, false, true);
        }
    };

    private static final int[] SPATIAL = {2, 3};
    private static final Shape WINDOW = new Shape(2, 2);
    private static final Shape NO_PADDING = new Shape(0, 0);
}
