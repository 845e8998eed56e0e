package dev.gantry.api;

import dev.gantry.dataset.DatasetService;
import dev.gantry.dataset.DatasetView;
import dev.gantry.security.Access;
import dev.gantry.security.Caller;
import dev.gantry.security.ResourceType;
import dev.gantry.security.Role;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.util.List;
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
 * Datasets: built-in ones and uploads. The upload route reads the request body itself, as a
 * stream ({@link DatasetUploadRequest}): neither Spring's multipart support (which spools the
 * whole body to disk before the handler runs) nor its parameter binding (which would do the same
 * when asked for a form field) is used there.
 */
@RestController
@RequestMapping(DatasetController.PATH)
class DatasetController {

    static final String PATH = "/api/v1/datasets";

    private final DatasetService datasets;

    DatasetController(DatasetService datasets) {
        this.datasets = datasets;
    }

    /** 201 with the new dataset, {@code PROCESSING}; poll it until {@code READY} or {@code FAILED}. */
    @Access(role = Role.EDITOR)
    @PostMapping(
            consumes = {
                MediaType.MULTIPART_FORM_DATA_VALUE,
                DatasetUploadRequest.APPLICATION_ZIP,
                MediaType.APPLICATION_OCTET_STREAM_VALUE
            },
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<DatasetView> upload(HttpServletRequest request, Caller caller) throws IOException {
        DatasetView created = DatasetUploadRequest.handle(request, datasets, caller.projectId());
        return ResponseEntity.status(HttpStatus.CREATED)
                .location(URI.create(PATH + "/" + created.id()))
                .body(created);
    }

    record DatasetListResponse(List<DatasetView> datasets) {}

    /** Built-in sets first, then uploads, newest first. */
    @Access(role = Role.VIEWER)
    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    DatasetListResponse list(Caller caller) {
        return new DatasetListResponse(datasets.list(caller.projectId()));
    }

    @Access(role = Role.VIEWER, resource = ResourceType.DATASET)
    @GetMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    DatasetView get(@PathVariable String id) {
        return datasets.get(id);
    }

    // No `produces`: an error here is still answered as problem+json.
    @Access(role = Role.VIEWER, resource = ResourceType.DATASET)
    @GetMapping("/{id}/preview")
    ResponseEntity<byte[]> preview(@PathVariable String id) {
        return ResponseEntity.ok().contentType(MediaType.IMAGE_PNG).body(datasets.preview(id));
    }

    @Access(role = Role.EDITOR, resource = ResourceType.DATASET)
    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable String id) {
        datasets.delete(id);
    }
}
