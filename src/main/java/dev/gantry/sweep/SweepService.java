package dev.gantry.sweep;

import dev.gantry.job.FieldError;
import dev.gantry.job.InvalidRequestException;
import dev.gantry.job.JobService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.IntStream;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Creating, reading and cancelling sweeps; {@link SweepDriver} runs their trials. */
@Service
public class SweepService {

    public static final int MAX_PAGE_SIZE = 200;

    private final SweepRepository sweeps;
    private final JobService jobs;
    private final JsonMapper json;

    SweepService(SweepRepository sweeps, JobService jobs, JsonMapper json) {
        this.sweeps = sweeps;
        this.jobs = jobs;
        this.json = json;
    }

    /** Every trial's spec is checked as a submit would check it before anything is stored. */
    @Transactional
    public Sweep create(UUID project, SweepRequest request) {
        SweepPlanner.Plan plan = SweepPlanner.plan(request, json, spec -> jobs.complete(project, spec));
        UUID id = UUID.randomUUID();
        sweeps.insert(id, project, plan.settings(), plan.trials());
        return get(id);
    }

    public Sweep get(UUID id) {
        return sweeps.find(id).orElseThrow(() -> new SweepNotFoundException(id));
    }

    public List<SweepTrial> trials(UUID id) {
        get(id);
        return sweeps.trials(id);
    }

    /**
     * The stated rungs of early stopping, or PBT's decision steps, for the trials' evaluation
     * cadence (the first trial's).
     */
    public List<Rung> rungs(Sweep sweep, List<SweepTrial> trials) {
        SweepRequest.EarlyStopping stopping = sweep.request().earlyStopping();
        if (trials.isEmpty()) {
            return List.of();
        }
        SweepTrial first = trials.get(0);
        if (sweep.request().pbt() != null) {
            List<Long> steps =
                    Pbt.decisionSteps(Pbt.intervalSteps(sweep.request().pbt(), first.evalEvery()), first.steps());
            return IntStream.range(0, steps.size())
                    .mapToObj(k -> new Rung(k, steps.get(k) / first.evalEvery(), steps.get(k)))
                    .toList();
        }
        if (stopping == null) {
            return List.of();
        }
        List<Long> steps = Asha.rungSteps(stopping, first.evalEvery(), first.steps());
        List<Rung> out = new ArrayList<>();
        for (int k = 0; k < steps.size(); k++) {
            out.add(new Rung(k, Asha.evaluations(stopping, k), steps.get(k)));
        }
        return out;
    }

    /** What early stopping recorded for each trial, by trial, in the order it was recorded. */
    public Map<Integer, List<RungRecord>> rungRecords(UUID id) {
        Map<Integer, List<RungRecord>> out = new TreeMap<>();
        for (SweepRepository.Rung r : sweeps.rungs(id)) {
            out.computeIfAbsent(r.trial(), t -> new ArrayList<>())
                    .add(new RungRecord(r.rung(), r.step(), r.value(), r.decision()));
        }
        return out;
    }

    /**
     * @param decision {@code CONTINUE}, {@code STOP} (cancelled as {@code EARLY_STOPPED}) or
     *     {@code ENDED} (the trial had already ended; its value still counts for later trials); for
     *     PBT also {@code WAITING} (recorded, not yet judged) and {@code EXPLOIT} (cancelled as
     *     {@code EXPLOITED} and replaced)
     */
    public record RungRecord(int rung, long step, double value, String decision) {}

    /** Rung k: at the trial's evaluation number {@code evaluations}, which is training step {@code step}. */
    public record Rung(int rung, long evaluations, long step) {}

    public SweepAnalysis analysis(UUID id) {
        Sweep sweep = get(id);
        List<SweepTrial> trials = sweeps.trials(id);
        return SweepAnalysis.of(sweep, trials, sweeps.evalPoints(jobIds(trials)));
    }

    public String analysisCsv(UUID id) {
        return analysis(id).csv();
    }

    /** The objective against each swept parameter, and the curves of the best trials. */
    public byte[] analysisPng(UUID id) {
        Sweep sweep = get(id);
        List<SweepTrial> trials = sweeps.trials(id);
        List<SweepRepository.Point> points = sweeps.evalPoints(jobIds(trials));
        return SweepPlot.render(SweepAnalysis.of(sweep, trials, points), points);
    }

    private static List<UUID> jobIds(List<SweepTrial> trials) {
        return trials.stream().map(SweepTrial::jobId).filter(Objects::nonNull).toList();
    }

    /** A trial job's tag: its sweep, trial, configuration, seed and parameter values. */
    public record TrialTag(UUID sweep, int trial, int configuration, long seed, Map<String, JsonNode> params) {}

    public Optional<TrialTag> tagOf(UUID job) {
        return sweeps.tagOf(job);
    }

    /** The trials of each of the sweeps, for a list that shows their counts. */
    public Map<UUID, List<SweepTrial>> trials(List<Sweep> list) {
        return sweeps.trials(list.stream().map(Sweep::id).toList());
    }

    /** The project's sweeps, newest first. */
    public List<Sweep> list(UUID project, int pageSize) {
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw new InvalidRequestException(
                    List.of(new FieldError("pageSize", "must be between 1 and " + MAX_PAGE_SIZE)));
        }
        return sweeps.list(project, pageSize);
    }

    /**
     * No trial is submitted any more, and the queued and running ones are cancelled. The sweep's
     * row lock waits out a driver pass in progress, so a trial it has just submitted is cancelled
     * too; cancelling a cancelled sweep answers the same again.
     */
    @Transactional
    public Sweep cancel(UUID id) {
        Sweep sweep = sweeps.lock(id).orElseThrow(() -> new SweepNotFoundException(id));
        if (sweep.state() == SweepState.COMPLETED) {
            throw new SweepConflictException("Sweep " + id + " is COMPLETED and can no longer be cancelled");
        }
        sweeps.finish(id, SweepState.CANCELLED);
        for (SweepTrial trial : sweeps.trials(id)) {
            if (trial.jobId() != null) {
                String state = sweeps.lockJobState(trial.jobId());
                if (state.equals("QUEUED") || state.equals("RUNNING")) {
                    jobs.cancel(trial.jobId());
                }
            }
        }
        return get(id);
    }
}
