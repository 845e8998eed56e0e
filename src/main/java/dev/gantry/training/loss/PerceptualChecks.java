package dev.gantry.training.loss;

import dev.gantry.training.config.ConfigViolation;
import dev.gantry.training.config.DataConfig;
import dev.gantry.training.config.FeatureNetworkInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code perceptual}'s parameters against its network and the data: fields relative to the term. */
final class PerceptualChecks {

    private PerceptualChecks() {}

    static List<ConfigViolation> problems(TermDescriptor.Values v, TermContext context) {
        List<ConfigViolation> out = new ArrayList<>();
        DataConfig data = context.data();
        String id = v.text("network");
        if (data != null && !data.images()) {
            out.add(new ConfigViolation(
                    "params.network",
                    "perceptual compares images in a pretrained network; " + data.dataset()
                            + " holds 2-D points: use perceptual-random"));
            return out;
        }
        FeatureNetworkInfo info = context.networks().get(id);
        if (info == null) {
            out.add(new ConfigViolation(
                    "params.network",
                    "no READY feature network '" + shown(id) + "'; upload one (POST /api/v1/feature-networks)"));
            return out;
        }
        String name = info.descriptor().name();
        int channels = info.descriptor().input().channels();
        if (data != null && data.channels() != channels && !(data.channels() == 1 && channels == 3)) {
            out.add(new ConfigViolation(
                    "params.network",
                    name + " takes " + channels + " input channel" + (channels == 1 ? "" : "s")
                            + "; the images have " + data.channels()
                            + " (grayscale is repeated to 3 channels, colour is never reduced to 1)"));
        }
        boolean gram = v.get("gram") != 0;
        for (Map.Entry<String, Double> layer : v.weights("layers").entrySet()) {
            String field = "params.layers." + layer.getKey();
            if (!info.descriptor().outputs().contains(layer.getKey())) {
                out.add(new ConfigViolation(
                        field,
                        "is not an output of " + name + "; it has "
                                + info.descriptor().outputs()));
                continue;
            }
            if (data == null) {
                continue;
            }
            Optional<List<Long>> shape = info.shape(layer.getKey(), data.resolution());
            if (shape.isEmpty()) {
                int side = info.inputSide(data.resolution());
                out.add(new ConfigViolation(
                        field,
                        name + " was not validated at " + side + "×" + side + ", the side images of "
                                + data.resolution() + "×" + data.resolution() + " reach it at"));
            } else if (gram && shape.get().size() != 3) {
                out.add(new ConfigViolation(
                        "params.gram",
                        "Gram matrices need (C, H, W) feature maps; " + layer.getKey() + " gives " + shape.get()
                                + " per image"));
            }
        }
        return out;
    }

    private static String shown(String id) {
        return id.length() <= 64 ? id : id.substring(0, 64) + "…";
    }
}
