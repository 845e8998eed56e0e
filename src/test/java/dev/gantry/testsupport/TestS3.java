package dev.gantry.testsupport;

import dev.gantry.storage.S3Clients;
import dev.gantry.storage.S3ObjectStore;
import dev.gantry.storage.StorageProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.springframework.util.unit.DataSize;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3 API for tests: S3Proxy, started once per test JVM on a loopback port, storing objects
 * as files under a temp folder, and checking every request's AWS signature against one access
 * key (so a process that did not get the credentials is refused, as AWS would refuse it).
 */
public final class TestS3 {

    public static final String ACCESS_KEY = "gantry-test-access";
    public static final String SECRET_KEY = "gantry-test-secret-0123456789";
    public static final String REGION = "us-east-1";

    private static TestS3 instance;
    private static int buckets;

    private final S3Proxy proxy;
    private final Path root;
    private final URI endpoint;
    private final S3Client admin;

    private TestS3(S3Proxy proxy, Path root) {
        this.proxy = proxy;
        this.root = root;
        this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        this.admin = S3Clients.create(settings("unused", ""), credentials());
    }

    /** The shared server; also puts its key into this JVM's AWS system properties (the default chain's second source). */
    public static synchronized TestS3 get() {
        if (instance == null) {
            try {
                Path root = Files.createTempDirectory("gantry-test-s3");
                S3Proxy proxy = S3Proxy.builder()
                        .blobStore(new FilesystemNio2BlobStore(root.toString()))
                        .endpoint(URI.create("http://127.0.0.1:0"))
                        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                        .build();
                proxy.start();
                while (!proxy.getState().equals("STARTED")) {
                    Thread.onSpinWait();
                }
                instance = new TestS3(proxy, root);
                System.setProperty("aws.accessKeyId", ACCESS_KEY);
                System.setProperty("aws.secretAccessKey", SECRET_KEY);
            } catch (Exception e) {
                throw new IllegalStateException("S3Proxy did not start", e);
            }
        }
        return instance;
    }

    public static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }

    public URI endpoint() {
        return endpoint;
    }

    /** A new, empty bucket. */
    public synchronized String newBucket() {
        String bucket = "test-" + (++buckets) + "-" + ProcessHandle.current().pid();
        admin.createBucket(b -> b.bucket(bucket));
        return bucket;
    }

    public StorageProperties.S3 settings(String bucket, String prefix) {
        return new StorageProperties.S3(bucket, prefix, endpoint, REGION, true, DataSize.ofMegabytes(5), 4);
    }

    /** A store on a new bucket, with 5 MB parts. */
    public S3ObjectStore newStore(String prefix) {
        String bucket = newBucket();
        return new S3ObjectStore(S3Clients.create(settings(bucket, prefix), credentials()), bucket, prefix, 5L << 20);
    }

    /** Spring properties that make a server (or a worker) store into the bucket. */
    public List<String> properties(String bucket, String prefix) {
        return List.of(
                "gantry.storage.s3.bucket=" + bucket,
                "gantry.storage.s3.prefix=" + prefix,
                "gantry.storage.s3.endpoint=" + endpoint,
                "gantry.storage.s3.region=" + REGION,
                "gantry.storage.s3.path-style=true");
    }

    /** The environment that gives a child process the credentials. */
    public static Map<String, String> environment() {
        return Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY);
    }

    public S3Client client() {
        return admin;
    }

    /** The file S3Proxy keeps an object's bytes in, to damage it as a failing disk would. */
    public Path file(String bucket, String objectKey) {
        return root.resolve(bucket).resolve(objectKey);
    }

    /** Every object in the bucket, as {@code key (size bytes)}, in key order. */
    public List<String> describe(String bucket) {
        List<String> out = new ArrayList<>();
        for (S3Object o : admin.listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
            out.add(o.key() + " (" + o.size() + " bytes)");
        }
        return out;
    }

    /** Multipart uploads begun and neither completed nor aborted. */
    public int pendingUploads(String bucket) {
        return admin.listMultipartUploads(b -> b.bucket(bucket)).uploads().size();
    }

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (instance != null) {
                try {
                    instance.proxy.stop();
                } catch (Exception e) {
                    throw new UncheckedIOException(new IOException(e));
                }
            }
        }));
    }
}
