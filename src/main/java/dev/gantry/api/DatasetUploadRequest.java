package dev.gantry.api;

import dev.gantry.dataset.DatasetService;
import dev.gantry.dataset.DatasetView;
import dev.gantry.dataset.InvalidUploadException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.tomcat.util.http.fileupload.FileItemIterator;
import org.apache.tomcat.util.http.fileupload.FileItemStream;
import org.apache.tomcat.util.http.fileupload.FileUpload;
import org.apache.tomcat.util.http.fileupload.servlet.ServletRequestContext;
import org.springframework.http.MediaType;

/**
 * Reads a dataset upload from the request as it arrives, in one of two shapes:
 *
 * <ul>
 *   <li>a raw body ({@code application/zip} or {@code application/octet-stream}) with {@code
 *       ?name=…} and an optional {@code &format=…};
 *   <li>{@code multipart/form-data} with the fields {@code name} and optional {@code format} (or
 *       the same in the query) <em>before</em> the {@code file} part, which must be the last part.
 * </ul>
 *
 * <p>The multipart body is parsed as a stream with Tomcat's own copy of Commons FileUpload: the
 * Servlet part API would spool a 2 GB file to disk before the handler could count, hash or refuse
 * a byte of it. The query string is parsed here too, because {@code getParameter} on a multipart
 * request makes the container parse (and spool) the whole body.
 */
final class DatasetUploadRequest {

    static final String APPLICATION_ZIP = "application/zip";

    private static final Set<String> KNOWN = Set.of("name", "format");
    private static final int MAX_FIELD_BYTES = 1_000;

    private DatasetUploadRequest() {}

    static DatasetView handle(HttpServletRequest request, DatasetService datasets, UUID project) throws IOException {
        Map<String, String> fields = query(request.getQueryString());
        String contentType =
                request.getContentType() == null ? "" : request.getContentType().toLowerCase(Locale.ROOT);
        if (!contentType.startsWith(MediaType.MULTIPART_FORM_DATA_VALUE)) {
            return datasets.upload(new DatasetService.Upload(
                    project,
                    fields.get("name"),
                    fields.get("format"),
                    request.getContentLengthLong(),
                    request.getInputStream(),
                    () -> {}));
        }
        FileUpload parser = new FileUpload();
        parser.setSizeMax(-1);
        parser.setFileSizeMax(-1);
        FileItemIterator parts;
        try {
            parts = parser.getItemIterator(new ServletRequestContext(request));
            while (parts.hasNext()) {
                FileItemStream part = parts.next();
                String field = part.getFieldName() == null ? "" : part.getFieldName();
                if (field.equals("file")) {
                    return datasets.upload(new DatasetService.Upload(
                            project,
                            fields.get("name"),
                            fields.get("format"),
                            -1,
                            part.openStream(),
                            () -> end(parts)));
                }
                if (!KNOWN.contains(field)) {
                    throw new InvalidUploadException(
                            field, "is not a known part; the parts are name, format (optional) and file (last)");
                }
                put(fields, field, text(part));
            }
        } catch (InvalidUploadException e) {
            throw e;
        } catch (IOException e) {
            throw new InvalidUploadException("file", "the multipart body is malformed: " + e.getMessage());
        }
        throw new InvalidUploadException("file", "is required: a multipart part named 'file' (the last part)");
    }

    /** After the file: nothing but the closing boundary. */
    private static void end(FileItemIterator parts) throws IOException {
        boolean more;
        try {
            more = parts.hasNext();
        } catch (IOException e) {
            throw new InvalidUploadException(
                    "file", "the multipart body is malformed after the file: " + e.getMessage());
        }
        if (more) {
            String field = parts.next().getFieldName();
            throw new InvalidUploadException(
                    field == null ? "" : field, "comes after the file part; 'file' must be the last part");
        }
    }

    private static String text(FileItemStream part) throws IOException {
        try (InputStream in = part.openStream()) {
            byte[] bytes = in.readNBytes(MAX_FIELD_BYTES + 1);
            if (bytes.length > MAX_FIELD_BYTES) {
                throw new InvalidUploadException(part.getFieldName(), "is longer than " + MAX_FIELD_BYTES + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** Strict: each parameter once, known names only, valid percent-escapes. */
    private static Map<String, String> query(String query) {
        Map<String, String> values = new HashMap<>();
        if (query == null || query.isEmpty()) {
            return values;
        }
        for (String pair : query.split("&", -1)) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq), "the query string");
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), name);
            if (!KNOWN.contains(name)) {
                throw new InvalidUploadException(name, "is not a known parameter; they are name and format");
            }
            put(values, name, value);
        }
        return values;
    }

    private static void put(Map<String, String> values, String name, String value) {
        if (values.put(name, value) != null) {
            throw new InvalidUploadException(name, "is given twice");
        }
    }

    private static String decode(String text, String field) {
        try {
            String decoded = URLDecoder.decode(text, StandardCharsets.UTF_8);
            if (decoded.indexOf('\uFFFD') >= 0) {
                throw new IllegalArgumentException("not UTF-8");
            }
            return decoded;
        } catch (IllegalArgumentException e) {
            throw new InvalidUploadException(field, "has a broken or non-UTF-8 percent-escape");
        }
    }
}
