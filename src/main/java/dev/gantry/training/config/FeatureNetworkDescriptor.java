package dev.gantry.training.config;

import java.util.List;

/**
 * What an uploaded feature network (a TorchScript module) takes and gives, as its uploader
 * describes it. The module's {@code forward(x)} returns a dict of named tensors, one per output;
 * {@code x} is what {@link Input} makes of Gantry's images. Boxed fields: a field the uploader left
 * out is {@code null}, which {@code TrainingCatalog.validateFeatureNetwork} reports by name.
 *
 * @param name a short name for listings, as dataset names
 * @param outputs the named outputs a job may use, e.g. VGG19's {@code relu1_2 … relu5_4} or
 *     Inception's {@code pool3}
 */
public record FeatureNetworkDescriptor(String name, Input input, List<String> outputs) {

    /**
     * How Gantry's images (N, C, H, W in [−1, 1]) become the module's input: grayscale repeated to
     * three channels when the network takes three, values mapped linearly from [−1, 1] onto {@code
     * range}, resized to {@code size} × {@code size} by {@code resize} when a size is given, then
     * (x − mean) / std per channel.
     *
     * @param channels 1 or 3
     * @param size the side the network needs; {@code null} when it takes images at their own size
     *     (fully convolutional), which the validation then probes at every trainable resolution
     * @param resize {@code nearest}, {@code bilinear}, {@code bicubic} or {@code area}: PyTorch's
     *     {@code F.interpolate} modes, corners not aligned, bilinear and bicubic antialiased (as PIL
     *     and torchvision's {@code Resize} resize); only with a size
     * @param range the pixel values the network was trained on: [0, 1] for torchvision's models,
     *     [0, 255] for Caffe's
     * @param mean per channel, subtracted after the range mapping and the resize
     * @param std per channel, divided by last
     */
    public record Input(
            Integer channels, Integer size, String resize, List<Double> range, List<Double> mean, List<Double> std) {}
}
