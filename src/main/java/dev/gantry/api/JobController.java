package dev.gantry.api;

import dev.gantry.job.FieldError;
import dev.gantry.job.InvalidRequestException;
import dev.gantry.job.JobPage;
import dev.gantry.job.JobService;
import dev.gantry.job.JobSpec;
import dev.gantry.job.JobState;
import dev.gantry.security.Access;
import dev.gantry.security.Caller;
import dev.gantry.security.ResourceType;
import dev.gantry.security.Role;
import dev.gantry.sweep.SweepService;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

// Declared media types are checked before a handler runs: a client that cannot read JSON gets its
// 406 before a job is created, and a Content-Type that is not JSON (even */*) is a 415.
@RestController
@RequestMapping(path = "/api/v1/jobs", produces = MediaType.APPLICATION_JSON_VALUE)
class JobController {

    private final JobService jobs;
    private final SweepService sweeps;

    JobController(JobService jobs, SweepService sweeps) {
        this.jobs = jobs;
        this.sweeps = sweeps;
    }

    /** 201 for a new job; 200 with the same job when an Idempotency-Key repeats its request. */
    @Access(role = Role.EDITOR)
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<JobResponse> submit(@RequestBody JobSpec spec, HttpServletRequest request, Caller caller) {
        JobService.Submission submission = jobs.submit(caller.projectId(), spec, idempotencyKey(request));
        JobResponse body = JobResponse.of(submission.job());
        return ResponseEntity.status(submission.created() ? HttpStatus.CREATED : HttpStatus.OK)
                .location(URI.create("/api/v1/jobs/" + body.id()))
                .body(body);
    }

    /**
     * Read from the raw headers: Spring joins repeated headers into {@code a,b}, which would
     * silently become a third key. Two keys are a client bug, not a choice for us to make.
     */
    private static String idempotencyKey(HttpServletRequest request) {
        List<String> keys = Collections.list(request.getHeaders("Idempotency-Key"));
        if (keys.size() > 1) {
            throw new InvalidRequestException(
                    List.of(new FieldError("Idempotency-Key", "was sent " + keys.size() + " times; send it once")));
        }
        return keys.isEmpty() ? null : keys.get(0);
    }

    record JobListResponse(List<JobResponse> jobs, String nextPageToken) {}

    @Access(role = Role.VIEWER)
    @GetMapping
    JobListResponse list(
            @RequestParam(required = false) JobState state,
            @RequestParam(required = false) String name,
            @RequestParam(required = false) String pageToken,
            @RequestParam(defaultValue = "50") int pageSize,
            Caller caller) {
        JobPage page = jobs.list(caller.projectId(), state, name, pageToken, pageSize);
        return new JobListResponse(page.jobs().stream().map(JobResponse::of).toList(), page.nextPageToken());
    }

    @Access(role = Role.VIEWER, resource = ResourceType.JOB)
    @GetMapping("/{id}")
    JobResponse get(@PathVariable UUID id) {
        return JobResponse.of(jobs.get(id), sweeps.tagOf(id).orElse(null));
    }

    @Access(role = Role.EDITOR, resource = ResourceType.JOB)
    @PostMapping("/{id}/cancel")
    JobResponse cancel(@PathVariable UUID id) {
        return JobResponse.of(jobs.cancel(id));
    }

    @Access(role = Role.EDITOR, resource = ResourceType.JOB)
    @PostMapping("/{id}/resume")
    JobResponse resume(@PathVariable UUID id) {
        return JobResponse.of(jobs.resume(id));
    }
}
