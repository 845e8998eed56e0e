package dev.gantry.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/** Element-wise activations, as layers. */
public enum Nonlinearity implements Layer {
    RELU {
        @Override
        public NDArray forward(NDArray x, Pass pass) {
            return Activation.relu(x);
        }
    },
    /** LeakyReLU with slope 0.2 for x < 0, the GAN discriminators' choice since DCGAN. */
    LEAKY_RELU {
        @Override
        public NDArray forward(NDArray x, Pass pass) {
            return Activation.leakyRelu(x, LEAKY_SLOPE);
        }
    },
    TANH {
        @Override
        public NDArray forward(NDArray x, Pass pass) {
            return x.tanh();
        }
    };

    public static final float LEAKY_SLOPE = 0.2f;
}
