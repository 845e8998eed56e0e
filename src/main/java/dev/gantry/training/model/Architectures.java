package dev.gantry.training.model;

import ai.djl.ndarray.NDManager;
import dev.gantry.training.config.ConfigViolation;
import dev.gantry.training.config.DataConfig;
import dev.gantry.training.config.ModelConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps {@code model.architecture} to networks: the one place that knows which architectures exist,
 * what data each takes, and how their checkpoints are told apart. Seed the engine before each
 * build: initial weights come from libtorch's generator.
 */
public final class Architectures {

    public static final String MLP = "mlp";

    public static final List<String> NAMES = List.of(MLP);

    public static final int MAX_HIDDEN_LAYERS = 16;

    private Architectures() {}

    /** @param classes classes of the data, for conditional models; 0 otherwise */
    public static Network generator(ModelConfig model, DataConfig data, int classes, NDManager manager) {
        return switch (model.architecture()) {
            case MLP -> MlpNetworks.generator(model, manager);
            default -> throw unknown(model);
        };
    }

    public static Network discriminator(ModelConfig model, DataConfig data, int classes, NDManager manager) {
        return switch (model.architecture()) {
            case MLP -> MlpNetworks.discriminator(model, manager);
            default -> throw unknown(model);
        };
    }

    /** The perceptual loss's frozen random feature network for this data, {@code layers} deep. */
    public static Network features(DataConfig data, int layers, NDManager manager) {
        if (data.images()) {
            throw new IllegalArgumentException("no feature network for images yet");
        }
        return MlpNetworks.features(layers, manager);
    }

    /** Feature taps of the discriminator, which {@code layer} parameters of terms index. */
    public static int discriminatorFeatureLayers(ModelConfig model, DataConfig data) {
        return switch (model.architecture()) {
            case MLP -> model.hiddenLayers();
            default -> 0;
        };
    }

    /**
     * Identifies the shape of both networks; a checkpoint only loads into an equal signature. The
     * {@code mlp} signature is the one checkpoints have carried since the first version.
     */
    public static String signature(ModelConfig model, DataConfig data, int classes) {
        return switch (model.architecture()) {
            case MLP -> MlpNetworks.signature(model);
            default -> throw unknown(model);
        };
    }

    /** The model's violations for this data, under {@code model.*} paths. */
    public static List<ConfigViolation> validate(ModelConfig model, DataConfig data) {
        List<ConfigViolation> out = new ArrayList<>();
        if (!NAMES.contains(model.architecture())) {
            out.add(new ConfigViolation("model.architecture", "must be one of " + NAMES));
            return out;
        }
        range(out, "model.latentDim", model.latentDim(), 1, 1024);
        if (MLP.equals(model.architecture())) {
            if (data.images()) {
                out.add(new ConfigViolation(
                        "model.architecture", "mlp is for 2-D points; " + data.dataset() + " holds images"));
            }
            range(out, "model.hiddenUnits", model.hiddenUnits(), 1, 8192);
            range(out, "model.hiddenLayers", model.hiddenLayers(), 1, MAX_HIDDEN_LAYERS);
            zero(out, "model.width", model.width(), "applies to convolutional architectures, not mlp");
            if (model.conditional()) {
                out.add(new ConfigViolation("model.conditional", "mlp is unconditional"));
            }
            if (model.discriminatorBatchNorm()) {
                out.add(new ConfigViolation("model.discriminatorNorm", "mlp has no batch normalization"));
            }
        }
        return out;
    }

    static void range(List<ConfigViolation> out, String field, long value, long min, long max) {
        if (value < min || value > max) {
            out.add(new ConfigViolation(field, "must be between " + min + " and " + max));
        }
    }

    static void zero(List<ConfigViolation> out, String field, long value, String why) {
        if (value != 0) {
            out.add(new ConfigViolation(field, why));
        }
    }

    private static IllegalArgumentException unknown(ModelConfig model) {
        return new IllegalArgumentException("unknown architecture: " + model.architecture());
    }
}
