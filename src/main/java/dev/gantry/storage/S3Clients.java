package dev.gantry.storage;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** Builds the S3 client of {@code gantry.storage.s3.*}. */
public final class S3Clients {

    private S3Clients() {}

    /** With credentials from the SDK's default chain. */
    public static S3Client create(StorageProperties.S3 settings) {
        return create(settings, DefaultCredentialsProvider.builder().build());
    }

    public static S3Client create(StorageProperties.S3 settings, AwsCredentialsProvider credentials) {
        if (settings.maxAttempts() < 1) {
            throw new IllegalArgumentException(
                    "gantry.storage.s3.max-attempts must be at least 1, not " + settings.maxAttempts());
        }
        S3ClientBuilder builder = S3Client.builder()
                .credentialsProvider(credentials)
                .region(region(settings))
                .forcePathStyle(settings.pathStyle())
                // Content-MD5 on every upload instead of the SDK's newer checksum trailers
                // (aws-chunked bodies), which several S3-compatible stores still refuse; MD5 is
                // checked by all of them.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(settings.maxAttempts())
                        .build()));
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        return builder.build();
    }

    private static Region region(StorageProperties.S3 settings) {
        if (settings.region() != null && !settings.region().isBlank()) {
            return Region.of(settings.region());
        }
        try {
            return DefaultAwsRegionProviderChain.builder().build().getRegion();
        } catch (SdkClientException e) {
            if (settings.endpoint() != null) {
                // MinIO, Ceph and S3Proxy accept any region; AWS's own default is the usual choice.
                return Region.US_EAST_1;
            }
            throw new IllegalStateException(
                    "No AWS region: set gantry.storage.s3.region (or AWS_REGION) for bucket " + settings.bucket(), e);
        }
    }
}
