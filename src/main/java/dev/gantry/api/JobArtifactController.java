package dev.gantry.api;

import dev.gantry.artifact.ArtifactKind;
import dev.gantry.artifact.Artifacts;
import dev.gantry.job.JobService;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.core.io.InputStreamResource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Checkpoints and sample images of a job: listed from PostgreSQL, streamed from the object store. */
@RestController
class JobArtifactController {

    private final JobService jobs;
    private final Artifacts artifacts;

    JobArtifactController(JobService jobs, Artifacts artifacts) {
        this.jobs = jobs;
        this.artifacts = artifacts;
    }

    record ArtifactResponse(long step, long sizeBytes, String sha256, Instant createdAt, String url) {}

    @GetMapping("/api/v1/jobs/{id}/checkpoints")
    List<ArtifactResponse> checkpoints(@PathVariable UUID id) {
        return list(ArtifactKind.CHECKPOINT, id, "checkpoints");
    }

    @GetMapping("/api/v1/jobs/{id}/checkpoints/{step}")
    ResponseEntity<InputStreamResource> checkpoint(@PathVariable UUID id, @PathVariable long step) {
        InputStream in = artifacts.open(ArtifactKind.CHECKPOINT, id, step);
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .header(
                        HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment()
                                .filename("job-" + id + "-step-" + step + ".ckpt")
                                .build()
                                .toString())
                .body(new InputStreamResource(in));
    }

    @GetMapping("/api/v1/jobs/{id}/samples")
    List<ArtifactResponse> samples(@PathVariable UUID id) {
        return list(ArtifactKind.SAMPLE, id, "samples");
    }

    @GetMapping("/api/v1/jobs/{id}/samples/{step}")
    ResponseEntity<InputStreamResource> sample(@PathVariable UUID id, @PathVariable long step) {
        return ResponseEntity.ok()
                .contentType(MediaType.IMAGE_PNG)
                .body(new InputStreamResource(artifacts.open(ArtifactKind.SAMPLE, id, step)));
    }

    private List<ArtifactResponse> list(ArtifactKind kind, UUID id, String path) {
        jobs.get(id);
        return artifacts.list(kind, id).stream()
                .map(a -> new ArtifactResponse(
                        a.step(),
                        a.sizeBytes(),
                        a.sha256(),
                        a.createdAt(),
                        "/api/v1/jobs/" + id + "/" + path + "/" + a.step()))
                .toList();
    }
}
