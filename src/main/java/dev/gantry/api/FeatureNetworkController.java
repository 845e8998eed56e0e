package dev.gantry.api;

import dev.gantry.features.FeatureNetworkService;
import dev.gantry.features.FeatureNetworkView;
import dev.gantry.features.InvalidFeatureNetworkException;
import dev.gantry.security.Access;
import dev.gantry.security.Caller;
import dev.gantry.security.ResourceType;
import dev.gantry.security.Role;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.apache.tomcat.util.http.fileupload.FileItemIterator;
import org.apache.tomcat.util.http.fileupload.FileItemStream;
import org.apache.tomcat.util.http.fileupload.FileUpload;
import org.apache.tomcat.util.http.fileupload.servlet.ServletRequestContext;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Uploaded feature networks (TorchScript modules for the perceptual loss and the metrics). The
 * upload is {@code multipart/form-data} with a {@code descriptor} part (JSON) and then a {@code
 * module} part (the {@code .pt} file), read as a stream as dataset uploads are: Spring's multipart
 * support would spool the module to disk before anything could count or refuse it.
 */
@RestController
@RequestMapping(FeatureNetworkController.PATH)
class FeatureNetworkController {

    static final String PATH = "/api/v1/feature-networks";

    private final FeatureNetworkService networks;

    FeatureNetworkController(FeatureNetworkService networks) {
        this.networks = networks;
    }

    /** 201 with the new network, {@code PROCESSING}; poll it until {@code READY} or {@code FAILED}. */
    @Access(role = Role.EDITOR)
    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<FeatureNetworkView> upload(HttpServletRequest request, Caller caller) throws IOException {
        if (request.getQueryString() != null && !request.getQueryString().isEmpty()) {
            throw new InvalidFeatureNetworkException(
                    "", "takes no query parameters; send the parts descriptor and module");
        }
        FeatureNetworkView created = read(request, caller.projectId());
        return ResponseEntity.status(HttpStatus.CREATED)
                .location(URI.create(PATH + "/" + created.id()))
                .body(created);
    }

    private FeatureNetworkView read(HttpServletRequest request, UUID project) throws IOException {
        FileUpload parser = new FileUpload();
        parser.setSizeMax(-1);
        parser.setFileSizeMax(-1);
        byte[] descriptor = null;
        try {
            FileItemIterator parts = parser.getItemIterator(new ServletRequestContext(request));
            while (parts.hasNext()) {
                FileItemStream part = parts.next();
                String field = part.getFieldName() == null ? "" : part.getFieldName();
                switch (field) {
                    case "descriptor" -> {
                        if (descriptor != null) {
                            throw new InvalidFeatureNetworkException("descriptor", "is given twice");
                        }
                        descriptor = descriptor(part);
                    }
                    case "module" -> {
                        if (descriptor == null) {
                            throw new InvalidFeatureNetworkException(
                                    "descriptor", "is required before the module: a JSON part named 'descriptor'");
                        }
                        return networks.upload(new FeatureNetworkService.Upload(
                                project, descriptor, part.openStream(), () -> end(parts)));
                    }
                    default ->
                        throw new InvalidFeatureNetworkException(
                                field, "is not a known part; the parts are descriptor and module (last)");
                }
            }
        } catch (InvalidFeatureNetworkException e) {
            throw e;
        } catch (IOException e) {
            throw new InvalidFeatureNetworkException("module", "the multipart body is malformed: " + e.getMessage());
        }
        throw new InvalidFeatureNetworkException("module", "is required: a part named 'module' (the last part)");
    }

    private byte[] descriptor(FileItemStream part) throws IOException {
        long max = networks.maxDescriptorBytes();
        try (InputStream in = part.openStream()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            if (bytes.length > max) {
                throw new InvalidFeatureNetworkException(
                        "descriptor", "is larger than gantry.features.max-descriptor-bytes (" + max + " bytes)");
            }
            return bytes;
        }
    }

    /** After the module: nothing but the closing boundary. */
    private static void end(FileItemIterator parts) throws IOException {
        boolean more;
        try {
            more = parts.hasNext();
        } catch (IOException e) {
            throw new InvalidFeatureNetworkException(
                    "module", "the multipart body is malformed after the module: " + e.getMessage());
        }
        if (more) {
            String field = parts.next().getFieldName();
            throw new InvalidFeatureNetworkException(
                    field == null ? "" : field, "comes after the module part; 'module' must be the last part");
        }
    }

    record FeatureNetworkListResponse(List<FeatureNetworkView> featureNetworks) {}

    /** Newest first. */
    @Access(role = Role.VIEWER)
    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    FeatureNetworkListResponse list(Caller caller) {
        return new FeatureNetworkListResponse(networks.list(caller.projectId()));
    }

    @Access(role = Role.VIEWER, resource = ResourceType.FEATURE_NETWORK)
    @GetMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    FeatureNetworkView get(@PathVariable String id) {
        return networks.get(id);
    }

    @Access(role = Role.EDITOR, resource = ResourceType.FEATURE_NETWORK)
    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable String id) {
        networks.delete(id);
    }
}
