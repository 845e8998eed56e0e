package dev.gantry.training.model;

import ai.djl.ndarray.NDManager;
import dev.gantry.training.config.ConfigViolation;
import dev.gantry.training.config.DataConfig;
import dev.gantry.training.config.ModelConfig;
import dev.gantry.training.config.TaskConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Maps {@code model.architecture} to networks: the one place that knows which architectures exist,
 * what data each takes, and how their checkpoints are told apart. Seed the engine before each
 * build: initial weights come from libtorch's generator.
 *
 * <ul>
 *   <li>{@code mlp}: 2-D points ({@link MlpNetworks}).
 *   <li>{@code dcgan}: images at 32×32 or 64×64 ({@link DcganNetworks}).
 *   <li>{@code resnet}: SNGAN's ResNets for 32×32 images ({@link ResnetNetworks}).
 *   <li>{@code srresnet}: SRGAN's generator and the DCGAN discriminator, for super-resolution
 *       ({@link SrResNetNetworks}).
 * </ul>
 */
public final class Architectures {

    public static final String MLP = "mlp";
    public static final String DCGAN = "dcgan";
    public static final String RESNET = "resnet";
    public static final String SRRESNET = "srresnet";

    public static final List<String> NAMES = List.of(MLP, DCGAN, RESNET, SRRESNET);

    /** Residual blocks of {@code srresnet} ({@code model.hiddenLayers}), at most. */
    public static final int MAX_SR_BLOCKS = 32;

    public static final int MAX_HIDDEN_LAYERS = 16;

    /** {@code model.width} of the convolutional architectures. */
    public static final int MIN_WIDTH = 1;

    public static final int MAX_WIDTH = 256;

    private static final Set<Integer> DCGAN_RESOLUTIONS = Set.of(32, 64);
    private static final Set<Integer> RESNET_RESOLUTIONS = Set.of(32);

    private Architectures() {}

    /** @param classes classes of the data, for conditional models; 0 otherwise */
    public static Network generator(ModelConfig model, DataConfig data, int classes, NDManager manager) {
        return generator(model, data, TaskConfig.GENERATION, classes, manager);
    }

    public static Network generator(
            ModelConfig model, DataConfig data, TaskConfig task, int classes, NDManager manager) {
        return switch (model.architecture()) {
            case SRRESNET -> SrResNetNetworks.generator(model, data, task.scale(), manager);
            case MLP -> MlpNetworks.generator(model, manager);
            case DCGAN -> DcganNetworks.generator(model, data, conditionalClasses(model, classes), manager);
            case RESNET -> ResnetNetworks.generator(model, data, conditionalClasses(model, classes), manager);
            default -> throw unknown(model);
        };
    }

    public static Network discriminator(ModelConfig model, DataConfig data, int classes, NDManager manager) {
        return switch (model.architecture()) {
            case MLP -> MlpNetworks.discriminator(model, manager);
            case DCGAN, SRRESNET ->
                DcganNetworks.discriminator(model, data, conditionalClasses(model, classes), manager);
            case RESNET -> ResnetNetworks.discriminator(model, data, conditionalClasses(model, classes), manager);
            default -> throw unknown(model);
        };
    }

    /** The perceptual loss's frozen random feature network for this data, {@code layers} deep. */
    public static Network features(DataConfig data, int layers, NDManager manager) {
        return data.images()
                ? ImageFeatureNetworks.build(data, layers, manager)
                : MlpNetworks.features(layers, manager);
    }

    /** Feature taps of the discriminator, which {@code layer} parameters of terms index. */
    public static int discriminatorFeatureLayers(ModelConfig model, DataConfig data) {
        return switch (model.architecture()) {
            case MLP -> model.hiddenLayers();
            case DCGAN, SRRESNET -> DcganNetworks.stages(data.resolution());
            case RESNET -> 4;
            default -> 0;
        };
    }

    /**
     * Identifies the shape of both networks; a checkpoint only loads into an equal signature. The
     * {@code mlp} signature is the one checkpoints have carried since the first version; the
     * others name every field that changes a tensor's shape or name.
     */
    public static String signature(ModelConfig model, DataConfig data, int classes) {
        return signature(model, data, TaskConfig.GENERATION, classes);
    }

    public static String signature(ModelConfig model, DataConfig data, TaskConfig task, int classes) {
        return switch (model.architecture()) {
            case SRRESNET ->
                "srresnet resolution=" + data.resolution() + " channels=" + data.channels() + " scale="
                        + task.scale() + " width=" + model.width() + " blocks=" + model.hiddenLayers()
                        + " discriminatorNorm=" + model.discriminatorNorm() + " spectralNorm="
                        + model.spectralNorm();
            case MLP -> MlpNetworks.signature(model);
            case DCGAN, RESNET ->
                model.architecture() + " resolution=" + data.resolution() + " channels=" + data.channels()
                        + " latentDim=" + model.latentDim() + " width=" + model.width() + " discriminatorNorm="
                        + model.discriminatorNorm() + " spectralNorm=" + model.spectralNorm() + " conditional="
                        + model.conditional() + " classes=" + conditionalClasses(model, classes);
            default -> throw unknown(model);
        };
    }

    /** The model's violations for this data, under {@code model.*} and {@code data.*} paths. */
    public static List<ConfigViolation> validate(ModelConfig model, DataConfig data) {
        List<ConfigViolation> out = new ArrayList<>();
        if (!NAMES.contains(model.architecture())) {
            out.add(new ConfigViolation("model.architecture", "must be one of " + NAMES));
            return out;
        }
        if (SRRESNET.equals(model.architecture())) {
            return validateSuperResolution(model, data);
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
            return out;
        }
        String name = model.architecture();
        if (!data.images()) {
            out.add(new ConfigViolation(
                    "model.architecture", name + " is for images; " + data.dataset() + " holds 2-D points"));
        } else {
            Set<Integer> resolutions = DCGAN.equals(name) ? DCGAN_RESOLUTIONS : RESNET_RESOLUTIONS;
            if (!resolutions.contains(data.resolution())) {
                out.add(new ConfigViolation(
                        "data.resolution",
                        name + " is built for " + sorted(resolutions) + ", not " + data.resolution()));
            }
        }
        range(out, "model.width", model.width(), MIN_WIDTH, MAX_WIDTH);
        String why = "applies to mlp, not " + name;
        zero(out, "model.hiddenUnits", model.hiddenUnits(), why);
        zero(out, "model.hiddenLayers", model.hiddenLayers(), why);
        if (RESNET.equals(name)) {
            if (!model.spectralNorm()) {
                out.add(new ConfigViolation(
                        "model.spectralNorm",
                        "resnet (SNGAN) normalizes every discriminator layer spectrally; must be true"));
            }
            if (model.discriminatorBatchNorm()) {
                out.add(new ConfigViolation(
                        "model.discriminatorNorm", "resnet's discriminator has no batch normalization; must be none"));
            }
        }
        return out;
    }

    private static List<ConfigViolation> validateSuperResolution(ModelConfig model, DataConfig data) {
        List<ConfigViolation> out = new ArrayList<>();
        String why = "the srresnet generator's input is the low-resolution image; must be 0";
        zero(out, "model.latentDim", model.latentDim(), why);
        zero(out, "model.hiddenUnits", model.hiddenUnits(), "applies to mlp, not srresnet");
        range(out, "model.hiddenLayers", model.hiddenLayers(), 1, MAX_SR_BLOCKS);
        range(out, "model.width", model.width(), MIN_WIDTH, MAX_WIDTH);
        if (model.conditional()) {
            out.add(new ConfigViolation("model.conditional", "super-resolution is not class-conditional"));
        }
        if (!data.images()) {
            out.add(new ConfigViolation(
                    "model.architecture", "srresnet is for images; " + data.dataset() + " holds 2-D points"));
        } else if (!DCGAN_RESOLUTIONS.contains(data.resolution())) {
            out.add(new ConfigViolation(
                    "data.resolution",
                    "srresnet is built for " + sorted(DCGAN_RESOLUTIONS) + ", not " + data.resolution()));
        }
        return out;
    }

    private static int conditionalClasses(ModelConfig model, int classes) {
        if (!model.conditional()) {
            return 0;
        }
        if (classes < 2) {
            throw new IllegalArgumentException("a conditional model needs at least 2 classes, got " + classes);
        }
        return classes;
    }

    private static List<Integer> sorted(Set<Integer> values) {
        return values.stream().sorted().toList();
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
