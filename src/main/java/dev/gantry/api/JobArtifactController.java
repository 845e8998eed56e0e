package dev.gantry.api;

import dev.gantry.artifact.Artifact;
import dev.gantry.artifact.ArtifactKind;
import dev.gantry.artifact.Artifacts;
import dev.gantry.artifact.BestBy;
import dev.gantry.job.Job;
import dev.gantry.job.JobService;
import dev.gantry.job.JobSpec;
import dev.gantry.metrics.MetricQuery;
import dev.gantry.security.Access;
import dev.gantry.security.ResourceType;
import dev.gantry.security.Role;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
    private final MetricQuery metrics;

    JobArtifactController(JobService jobs, Artifacts artifacts, MetricQuery metrics) {
        this.jobs = jobs;
        this.artifacts = artifacts;
        this.metrics = metrics;
    }

    /**
     * @param metrics a checkpoint's {@code eval/*} values, measured at its step (absent for samples
     *     and for checkpoints taken between evaluations)
     * @param best true on the best checkpoint by the job's {@code checkpoints.keepBest} metric
     */
    record ArtifactResponse(
            long step,
            long sizeBytes,
            String sha256,
            Instant createdAt,
            String url,
            Map<String, Double> metrics,
            Boolean best) {}

    @Access(role = Role.VIEWER, resource = ResourceType.JOB)
    @GetMapping("/api/v1/jobs/{id}/checkpoints")
    List<ArtifactResponse> checkpoints(@PathVariable UUID id) {
        Job job = jobs.get(id);
        List<Artifact> all = artifacts.list(ArtifactKind.CHECKPOINT, id);
        Map<Long, Map<String, Double>> values =
                metrics.evaluationsAt(id, all.stream().map(Artifact::step).toList());
        JobSpec.KeepBest keepBest = job.spec().checkpoints().keepBest();
        Long best = keepBest == null
                ? null
                : artifacts
                        .best(id, BestBy.of(keepBest.metric(), keepBest.goal(), keepBest.count()))
                        .map(Artifact::step)
                        .orElse(null);
        return all.stream()
                .map(a -> new ArtifactResponse(
                        a.step(),
                        a.sizeBytes(),
                        a.sha256(),
                        a.createdAt(),
                        "/api/v1/jobs/" + id + "/checkpoints/" + a.step(),
                        values.get(a.step()),
                        best == null ? null : best == a.step()))
                .toList();
    }

    @Access(role = Role.VIEWER, resource = ResourceType.JOB)
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

    @Access(role = Role.VIEWER, resource = ResourceType.JOB)
    @GetMapping("/api/v1/jobs/{id}/samples")
    List<ArtifactResponse> samples(@PathVariable UUID id) {
        return list(ArtifactKind.SAMPLE, id, "samples");
    }

    @Access(role = Role.VIEWER, resource = ResourceType.JOB)
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
                        "/api/v1/jobs/" + id + "/" + path + "/" + a.step(),
                        null,
                        null))
                .toList();
    }
}
