package dev.gantry.storage;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Where objects are stored ({@code gantry.storage.*}): a folder, or an S3 bucket when
 * {@code gantry.storage.s3.bucket} is set.
 *
 * @param folder root of the folder store (also the default when S3 is off)
 * @param putAttempts tries of each artifact write before a save fails ({@code artifact.Artifacts})
 * @param putBackoff pause after the first failed try, doubled after each further one
 * @param s3 the S3 store's settings
 */
@ConfigurationProperties("gantry.storage")
public record StorageProperties(
        Path folder,
        @DefaultValue("5") int putAttempts,
        @DefaultValue("500ms") Duration putBackoff,
        @DefaultValue S3 s3) {

    /**
     * The S3 store. Credentials are not settings: they come from the AWS SDK's default chain
     * (environment, system properties, profile files, container or instance role), so no secret
     * is ever in a property, a log line or a child's command line.
     *
     * @param bucket the bucket; setting it switches the store to S3
     * @param prefix prepended to every key ({@code gantry/} stores {@code jobs/…} as
     *     {@code gantry/jobs/…}), so several deployments can share a bucket
     * @param endpoint another S3 API than AWS's (MinIO, Ceph, S3Proxy), such as
     *     {@code http://minio:9000}
     * @param region the signing region; unset, the SDK's region chain decides, and with an
     *     endpoint and no region anywhere {@code us-east-1}
     * @param pathStyle {@code http://host/bucket/key} addressing, which MinIO and most
     *     self-hosted stores need, instead of {@code http://bucket.host/key}
     * @param partSize objects larger than this go up in parts of this size (S3 allows 5 MB to
     *     5 GB, and 10 000 parts); it is also the most memory one upload holds at a time
     * @param maxAttempts tries of each S3 request on a network error, throttling or a 5xx
     */
    public record S3(
            String bucket,
            @DefaultValue("") String prefix,
            URI endpoint,
            String region,
            @DefaultValue("false") boolean pathStyle,
            @DefaultValue("8MB") DataSize partSize,
            @DefaultValue("4") int maxAttempts) {

        public boolean enabled() {
            return bucket != null && !bucket.isBlank();
        }
    }

    /**
     * The command-line arguments that give a child process (a local worker) these same
     * settings, so it reads and writes the objects its server does. Every component of this
     * record is written out; a test binds them back and compares.
     */
    public List<String> childArguments() {
        List<String> args = new ArrayList<>();
        args.add("--gantry.storage.folder=" + folder.toAbsolutePath());
        args.add("--gantry.storage.put-attempts=" + putAttempts);
        args.add("--gantry.storage.put-backoff=" + putBackoff.toMillis() + "ms");
        if (s3.enabled()) {
            args.add("--gantry.storage.s3.bucket=" + s3.bucket());
            args.add("--gantry.storage.s3.prefix=" + s3.prefix());
            if (s3.endpoint() != null) {
                args.add("--gantry.storage.s3.endpoint=" + s3.endpoint());
            }
            if (s3.region() != null) {
                args.add("--gantry.storage.s3.region=" + s3.region());
            }
            args.add("--gantry.storage.s3.path-style=" + s3.pathStyle());
            args.add("--gantry.storage.s3.part-size=" + s3.partSize().toBytes() + "B");
            args.add("--gantry.storage.s3.max-attempts=" + s3.maxAttempts());
        }
        return args;
    }

    /**
     * Environment variables that carry this JVM's AWS system properties (credentials, profile,
     * region) to a child. A child inherits the server's environment, profile files and instance
     * role anyway; only {@code -Daws.accessKeyId=…} and the like would be lost, and they go by
     * environment rather than the command line, where {@code ps} would show them.
     */
    public static Map<String, String> childEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String[] pair : AWS_SYSTEM_PROPERTIES) {
            String value = System.getProperty(pair[0]);
            if (value != null) {
                env.put(pair[1], value);
            }
        }
        return env;
    }

    /** The SDK's own names ({@code SdkSystemSetting}): system property, environment variable. */
    private static final String[][] AWS_SYSTEM_PROPERTIES = {
        {"aws.accessKeyId", "AWS_ACCESS_KEY_ID"},
        {"aws.secretAccessKey", "AWS_SECRET_ACCESS_KEY"},
        {"aws.sessionToken", "AWS_SESSION_TOKEN"},
        {"aws.profile", "AWS_PROFILE"},
        {"aws.sharedCredentialsFile", "AWS_SHARED_CREDENTIALS_FILE"},
        {"aws.configFile", "AWS_CONFIG_FILE"},
        {"aws.region", "AWS_REGION"}
    };
}
