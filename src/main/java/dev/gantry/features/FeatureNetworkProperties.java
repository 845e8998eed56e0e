package dev.gantry.features;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * @param maxModuleBytes largest TorchScript module accepted; it must also fit the generation
 *     process's heap, which receives it whole (VGG19's features are 80 MB, Inception v3's 100 MB)
 * @param maxDescriptorBytes largest descriptor JSON
 * @param validationQueue uploads waiting for validation, beyond which an upload gets 503
 * @param acquireWait how long one validation waits for a free generation process before it tries again
 * @param staleAfter a PROCESSING row whose server stopped renewing it this long is validated again
 *     by another server (or this one after a restart)
 * @param tempFolder where modules are received; default {@code <data-dir>/tmp/feature-networks}
 */
@ConfigurationProperties("gantry.features")
public record FeatureNetworkProperties(
        @DefaultValue("256MB") DataSize maxModuleBytes,
        @DefaultValue("64KB") DataSize maxDescriptorBytes,
        @DefaultValue("16") int validationQueue,
        @DefaultValue("30s") Duration acquireWait,
        @DefaultValue("3m") Duration staleAfter,
        String tempFolder) {

    public FeatureNetworkProperties {
        if (validationQueue < 1 || maxModuleBytes.toBytes() < 1 || maxDescriptorBytes.toBytes() < 1) {
            throw new IllegalArgumentException(
                    "gantry.features: validation-queue, max-module-bytes and max-descriptor-bytes must be >= 1");
        }
    }
}
