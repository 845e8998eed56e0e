package dev.gantry.api;

import dev.gantry.security.Access;
import dev.gantry.security.Caller;
import dev.gantry.security.ResourceType;
import dev.gantry.security.Role;
import dev.gantry.sweep.Sweep;
import dev.gantry.sweep.SweepAnalysis;
import dev.gantry.sweep.SweepRequest;
import dev.gantry.sweep.SweepService;
import dev.gantry.sweep.SweepState;
import dev.gantry.sweep.SweepTrial;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.CacheControl;
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
import tools.jackson.databind.JsonNode;

/** Sweeps: a base spec and a search space, run as ordinary jobs, with their analysis. */
@RestController
@RequestMapping(path = "/api/v1/sweeps")
class SweepController {

    private static final MediaType CSV = new MediaType("text", "csv");

    private final SweepService sweeps;

    SweepController(SweepService sweeps) {
        this.sweeps = sweeps;
    }

    /**
     * @param rungs early stopping's rungs, or PBT's decision steps, for the trials' evaluation
     *     cadence: rung k at evaluation {@code evaluations}, step {@code step}; empty without either
     */
    record SweepResponse(
            UUID id,
            String name,
            SweepState state,
            SweepRequest request,
            List<SweepService.Rung> rungs,
            Counts counts,
            List<TrialResponse> trials,
            Instant createdAt,
            Instant finishedAt,
            Instant updatedAt) {}

    record Counts(int trials, int pending, int active, int ended, int earlyStopped, int exploited) {}

    /**
     * @param job the trial's job, once submitted; its {@code failure.reason} is {@code
     *     EARLY_STOPPED} when early stopping cancelled it, {@code EXPLOITED} when PBT replaced it
     * @param rungs the trial's objective at each rung (PBT: decision step) it reached, and what was
     *     decided there
     * @param member PBT: the member of the population it trains
     * @param parent PBT: for a replacement, the trial whose checkpoint at {@code step} it forks
     */
    record TrialResponse(
            int trial,
            int configuration,
            long seed,
            Map<String, JsonNode> params,
            UUID job,
            String state,
            long step,
            long steps,
            String reason,
            String skipped,
            List<SweepService.RungRecord> rungs,
            Integer member,
            Parent parent) {}

    record Parent(int trial, long step) {}

    record SweepListResponse(List<SweepSummary> sweeps) {}

    record SweepSummary(
            UUID id,
            String name,
            SweepState state,
            SweepRequest.Objective objective,
            Counts counts,
            Instant createdAt,
            Instant finishedAt) {}

    @Access(role = Role.EDITOR)
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<SweepResponse> create(@RequestBody SweepRequest request, Caller caller) {
        Sweep sweep = sweeps.create(caller.projectId(), request);
        return ResponseEntity.status(HttpStatus.CREATED)
                .location(URI.create("/api/v1/sweeps/" + sweep.id()))
                .body(response(sweep));
    }

    @Access(role = Role.VIEWER)
    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    SweepListResponse list(@RequestParam(defaultValue = "50") int pageSize, Caller caller) {
        List<Sweep> list = sweeps.list(caller.projectId(), pageSize);
        Map<UUID, List<SweepTrial>> trials = sweeps.trials(list);
        return new SweepListResponse(list.stream()
                .map(s -> new SweepSummary(
                        s.id(),
                        s.name(),
                        s.state(),
                        s.request().objective(),
                        counts(trials.get(s.id())),
                        s.createdAt(),
                        s.finishedAt()))
                .toList());
    }

    @Access(role = Role.VIEWER, resource = ResourceType.SWEEP)
    @GetMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    SweepResponse get(@PathVariable UUID id) {
        return response(sweeps.get(id));
    }

    @Access(role = Role.EDITOR, resource = ResourceType.SWEEP)
    @PostMapping(path = "/{id}/cancel", produces = MediaType.APPLICATION_JSON_VALUE)
    SweepResponse cancel(@PathVariable UUID id) {
        return response(sweeps.cancel(id));
    }

    @Access(role = Role.VIEWER, resource = ResourceType.SWEEP)
    @GetMapping(path = "/{id}/analysis", produces = MediaType.APPLICATION_JSON_VALUE)
    SweepAnalysis analysis(@PathVariable UUID id) {
        return sweeps.analysis(id);
    }

    /** The same analysis as a table, by {@code Accept: text/csv} on {@code analysis} or at {@code analysis.csv}. */
    @Access(role = Role.VIEWER, resource = ResourceType.SWEEP)
    @GetMapping(path = "/{id}/analysis", produces = "text/csv")
    ResponseEntity<String> analysisCsvByAccept(@PathVariable UUID id) {
        return csv(id);
    }

    @Access(role = Role.VIEWER, resource = ResourceType.SWEEP)
    @GetMapping(path = "/{id}/analysis.csv", produces = "text/csv")
    ResponseEntity<String> analysisCsv(@PathVariable UUID id) {
        return csv(id);
    }

    private ResponseEntity<String> csv(UUID id) {
        return ResponseEntity.ok()
                .contentType(new MediaType(CSV, StandardCharsets.UTF_8))
                .header("Content-Disposition", "attachment; filename=\"sweep-" + id + "-analysis.csv\"")
                .body(sweeps.analysisCsv(id));
    }

    @Access(role = Role.VIEWER, resource = ResourceType.SWEEP)
    @GetMapping(path = "/{id}/analysis.png", produces = MediaType.IMAGE_PNG_VALUE)
    ResponseEntity<byte[]> analysisPng(@PathVariable UUID id) {
        return ResponseEntity.ok()
                .contentType(MediaType.IMAGE_PNG)
                .cacheControl(CacheControl.noStore())
                .body(sweeps.analysisPng(id));
    }

    private SweepResponse response(Sweep sweep) {
        List<SweepTrial> trials = sweeps.trials(sweep.id());
        Map<Integer, List<SweepService.RungRecord>> rungs = sweeps.rungRecords(sweep.id());
        return new SweepResponse(
                sweep.id(),
                sweep.name(),
                sweep.state(),
                sweep.request(),
                sweeps.rungs(sweep, trials),
                counts(trials),
                trials.stream()
                        .map(t -> new TrialResponse(
                                t.trial(),
                                t.configuration(),
                                t.seed(),
                                t.params(),
                                t.jobId(),
                                t.jobState(),
                                t.step(),
                                t.steps(),
                                t.failureReason(),
                                t.skippedReason(),
                                rungs.getOrDefault(t.trial(), List.of()),
                                t.member(),
                                t.parentTrial() == null ? null : new Parent(t.parentTrial(), t.parentStep())))
                        .toList(),
                sweep.createdAt(),
                sweep.finishedAt(),
                sweep.updatedAt());
    }

    private static Counts counts(List<SweepTrial> trials) {
        int pending = 0, active = 0, ended = 0, stopped = 0, exploited = 0;
        for (SweepTrial t : trials) {
            if (t.pending()) {
                pending++;
            } else if (t.active()) {
                active++;
            } else {
                ended++;
            }
            if (t.earlyStopped()) {
                stopped++;
            }
            if (t.exploited()) {
                exploited++;
            }
        }
        return new Counts(trials.size(), pending, active, ended, stopped, exploited);
    }
}
