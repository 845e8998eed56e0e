package dev.gantry.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An {@link ObjectStore} in an S3 bucket (AWS, MinIO, Ceph, S3Proxy …), under an optional key
 * prefix. The store of a cluster: workers on other machines read and write the same objects.
 *
 * <p><b>Atomic replace</b> is S3's own: a PUT and a completed multipart upload replace the
 * object in one step, and a reader gets the old or the new object whole.
 *
 * <p><b>Streams of unknown length</b> (a 2 GB dataset upload) go up in parts: the first
 * {@code partSize} bytes are read into a buffer; a stream that ends within it is one PUT,
 * anything longer a multipart upload that reuses that one buffer for every part, so an upload
 * never holds more than one part in memory. A put that fails (the stream throws, a part is
 * refused) aborts its multipart upload, so the old object, or none, stays as it was and no
 * parts are left to pay for. A process killed mid-upload can still leave parts behind; a bucket
 * lifecycle rule ({@code AbortIncompleteMultipartUpload}) clears those.
 *
 * <p><b>Content checks.</b> Every PUT and part carries a {@code Content-MD5} that the server
 * checks before it stores anything, so bytes damaged on the way up are refused, not stored.
 * Reads are counted against the response's {@code Content-Length}: a connection that ends early
 * throws instead of looking like a shorter object. That the bytes are the ones saved is for the
 * callers to check, as they do on the folder store (size and SHA-256 recorded with the row).
 *
 * <p><b>Retries</b> of single requests (network errors, throttling, 5xx) are the SDK's, with the
 * client's retry strategy; a part's body is replayed from the buffer.
 */
public final class S3ObjectStore implements ObjectStore, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(S3ObjectStore.class);

    /** S3's smallest part but the last. */
    public static final long MIN_PART_SIZE = 5L * 1024 * 1024;

    /** S3's most parts per upload; with the part size, the largest object a put takes. */
    static final int MAX_PARTS = 10_000;

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final int partSize;

    /**
     * @param prefix prepended to every key: empty, or segments that are a valid key, with or
     *     without a trailing {@code /}
     * @param partSize at least {@link #MIN_PART_SIZE}, at most {@link Integer#MAX_VALUE} - 8
     */
    public S3ObjectStore(S3Client s3, String bucket, String prefix, long partSize) {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("S3 bucket is empty");
        }
        if (partSize < MIN_PART_SIZE || partSize > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("S3 part size must be between 5MB and 2GB, not " + partSize + " bytes");
        }
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = normalizePrefix(prefix);
        this.partSize = (int) partSize;
    }

    static String normalizePrefix(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return "";
        }
        String trimmed = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        String problem = ObjectKeys.problem(trimmed);
        if (problem != null) {
            throw new InvalidObjectKeyException("S3 key prefix '" + prefix + "' is not a valid key: " + problem);
        }
        return trimmed + "/";
    }

    public String bucket() {
        return bucket;
    }

    /** The prefix every key is stored under, empty or ending in {@code /}. */
    public String prefix() {
        return prefix;
    }

    /**
     * Fails with a message that names the bucket and what is wrong (absent, forbidden,
     * unreachable), so a misconfigured server stops at start-up rather than at its first
     * checkpoint.
     */
    public void checkBucket() {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException e) {
            throw new IllegalStateException("S3 bucket '" + bucket + "' does not exist", e);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new IllegalStateException("S3 bucket '" + bucket + "' does not exist", e);
            }
            throw new IllegalStateException(
                    "S3 bucket '" + bucket + "' cannot be used: HTTP " + e.statusCode()
                            + (e.statusCode() == 403 ? " (access denied: check the credentials)" : ""),
                    e);
        } catch (SdkException e) {
            throw new IllegalStateException("S3 bucket '" + bucket + "' cannot be reached: " + e.getMessage(), e);
        }
    }

    @Override
    public void put(String key, InputStream content) throws IOException {
        String objectKey = objectKey(key);
        byte[] buffer = new byte[partSize];
        int n = content.readNBytes(buffer, 0, partSize);
        if (n < partSize) {
            try {
                s3.putObject(
                        b -> b.bucket(bucket)
                                .key(objectKey)
                                .contentLength((long) n)
                                .contentMD5(md5(buffer, n)),
                        body(buffer, n));
            } catch (SdkException e) {
                throw failed("put", key, e);
            }
            return;
        }
        putInParts(key, objectKey, buffer, content);
    }

    private void putInParts(String key, String objectKey, byte[] buffer, InputStream content) throws IOException {
        String uploadId;
        try {
            uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(objectKey))
                    .uploadId();
        } catch (SdkException e) {
            throw failed("put", key, e);
        }
        try {
            List<CompletedPart> parts = new ArrayList<>();
            int n = buffer.length;
            while (n > 0) {
                int partNumber = parts.size() + 1;
                if (partNumber > MAX_PARTS) {
                    throw new IOException("Object " + key + " is larger than " + MAX_PARTS + " parts of " + partSize
                            + " bytes (gantry.storage.s3.part-size)");
                }
                int length = n;
                String eTag = s3.uploadPart(
                                b -> b.bucket(bucket)
                                        .key(objectKey)
                                        .uploadId(uploadId)
                                        .partNumber(partNumber)
                                        .contentLength((long) length)
                                        .contentMD5(md5(buffer, length)),
                                body(buffer, length))
                        .eTag();
                parts.add(CompletedPart.builder()
                        .partNumber(partNumber)
                        .eTag(eTag)
                        .build());
                n = content.readNBytes(buffer, 0, buffer.length);
            }
            s3.completeMultipartUpload(
                    b -> b.bucket(bucket).key(objectKey).uploadId(uploadId).multipartUpload(u -> u.parts(parts)));
        } catch (IOException | RuntimeException | Error e) {
            abort(objectKey, uploadId, e);
            if (e instanceof SdkException sdk) {
                throw failed("put", key, sdk);
            }
            throw e;
        }
    }

    private void abort(String objectKey, String uploadId, Throwable cause) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(objectKey).uploadId(uploadId));
        } catch (SdkException e) {
            // The put fails anyway; the parts stay until a lifecycle rule clears them.
            log.warn("Could not abort the multipart upload of {} (upload {})", objectKey, uploadId, e);
            cause.addSuppressed(e);
        }
    }

    /** Replayable from the buffer on a retry, without copying it. */
    private static RequestBody body(byte[] buffer, int length) {
        return RequestBody.fromContentProvider(
                () -> new ByteArrayInputStream(buffer, 0, length), length, "application/octet-stream");
    }

    @Override
    public InputStream open(String key) {
        String objectKey = objectKey(key);
        try {
            ResponseInputStream<GetObjectResponse> in =
                    s3.getObject(b -> b.bucket(bucket).key(objectKey));
            return new LengthCheckedInputStream(in, in.response().contentLength(), key);
        } catch (NoSuchKeyException e) {
            throw new ObjectNotFoundException(key);
        } catch (SdkException e) {
            throw unchecked("open", key, e);
        }
    }

    @Override
    public boolean exists(String key) {
        return head(key) != null;
    }

    @Override
    public long size(String key) {
        HeadObjectResponse head = head(key);
        if (head == null) {
            throw new ObjectNotFoundException(key);
        }
        return head.contentLength();
    }

    /** Null when there is no object. */
    private HeadObjectResponse head(String key) {
        String objectKey = objectKey(key);
        try {
            return s3.headObject(b -> b.bucket(bucket).key(objectKey));
        } catch (NoSuchKeyException e) {
            return null;
        } catch (S3Exception e) {
            // A HEAD has no body to carry an error code: a 404 is all it says.
            if (e.statusCode() == 404 && !(e instanceof NoSuchBucketException)) {
                return null;
            }
            throw unchecked("head", key, e);
        } catch (SdkException e) {
            throw unchecked("head", key, e);
        }
    }

    @Override
    public void delete(String key) {
        String objectKey = objectKey(key);
        try {
            // S3 answers 204 for an absent key too.
            s3.deleteObject(b -> b.bucket(bucket).key(objectKey));
        } catch (SdkException e) {
            throw unchecked("delete", key, e);
        }
    }

    @Override
    public List<String> list(String keyPrefix) {
        ObjectKeys.requireValidPrefix(keyPrefix);
        List<String> keys = new ArrayList<>();
        try {
            for (S3Object object : s3.listObjectsV2Paginator(
                            b -> b.bucket(bucket).prefix(prefix + keyPrefix))
                    .contents()) {
                String key = object.key().substring(prefix.length());
                // Objects some other tool put under the prefix that no key can name (a console's
                // "folder/" marker, say) are not ours to report.
                if (ObjectKeys.problem(key) == null) {
                    keys.add(key);
                }
            }
        } catch (SdkException e) {
            throw unchecked("list", keyPrefix, e);
        }
        keys.sort(null);
        return keys;
    }

    @Override
    public void close() {
        s3.close();
    }

    private String objectKey(String key) {
        return prefix + ObjectKeys.requireValid(key);
    }

    private IOException failed(String operation, String key, SdkException e) {
        return new IOException(describe(operation, key, e), e);
    }

    private UncheckedIOException unchecked(String operation, String key, SdkException e) {
        return new UncheckedIOException(new IOException(describe(operation, key, e), e));
    }

    private String describe(String operation, String key, SdkException e) {
        return "S3 " + operation + " of '" + key + "' in bucket " + bucket + " failed: " + e.getMessage();
    }

    private static String md5(byte[] bytes, int length) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(bytes, 0, length);
            return Base64.getEncoder().encodeToString(md5.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
