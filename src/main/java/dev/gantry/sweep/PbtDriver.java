package dev.gantry.sweep;

import dev.gantry.job.JobService;
import io.micrometer.core.instrument.Counter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One PBT pass over a sweep, inside the driver's transaction that holds its lock. A member that
 * has reached a decision step (its checkpoint there is recorded, which the worker does only after
 * writing the step's evaluation) gets its value recorded {@code WAITING}. The values at a step are
 * decided once {@code quorum} of them are recorded there, or every member that still can be, so
 * the first to arrive are not judged against nobody; after that each newcomer is judged on
 * arrival, against every value recorded there. A bottom member still running is cancelled as
 * {@code EXPLOITED} and its replacement stored as a pending trial, which the driver submits like
 * any other. Everything it reads is in the rows, so a later pass, or another server, carries on.
 */
final class PbtDriver {

    private static final Logger log = LoggerFactory.getLogger(PbtDriver.class);

    private final SweepRepository sweeps;
    private final JobService jobs;
    private final Counter exploited;

    PbtDriver(SweepRepository sweeps, JobService jobs, Counter exploited) {
        this.sweeps = sweeps;
        this.jobs = jobs;
        this.exploited = exploited;
    }

    /** @return the replacements stored */
    int apply(Sweep sweep, List<SweepTrial> trials) {
        SweepRequest r = sweep.request();
        Map<Integer, SweepTrial> byTrial = new LinkedHashMap<>();
        // A member's current trial is its newest: a replacement has a higher number than the one it replaced.
        Map<Integer, SweepTrial> current = new HashMap<>();
        for (SweepTrial t : trials) {
            byTrial.put(t.trial(), t);
            current.put(t.member(), t);
        }
        // decision index -> trial -> value and decision, in the order recorded
        TreeMap<Integer, Map<Integer, SweepRepository.Rung>> recorded = new TreeMap<>();
        Set<Integer> replaced = new HashSet<>();
        for (SweepRepository.Rung rung : sweeps.rungs(sweep.id())) {
            recorded.computeIfAbsent(rung.rung(), k -> new LinkedHashMap<>()).put(rung.trial(), rung);
            if (rung.decision().equals("EXPLOIT")) {
                replaced.add(rung.trial());
            }
        }
        for (SweepTrial t : trials) {
            if (t.jobId() != null && !replaced.contains(t.trial())) {
                recordReached(sweep, t, recorded);
            }
        }
        int firstNew = trials.size();
        int nextTrial = firstNew;
        for (Map.Entry<Integer, Map<Integer, SweepRepository.Rung>> e : recorded.entrySet()) {
            int k = e.getKey();
            Map<Integer, SweepRepository.Rung> at = e.getValue();
            if (at.values().stream().noneMatch(v -> v.decision().equals("WAITING"))) {
                continue;
            }
            long step = at.values().iterator().next().step();
            if (!quorate(at, current.values(), step, r.pbt().quorum())) {
                continue;
            }
            Map<Integer, Double> values = new LinkedHashMap<>();
            at.forEach((trial, v) -> values.put(trial, v.value()));
            for (SweepRepository.Rung waiting : new ArrayList<>(at.values())) {
                if (!waiting.decision().equals("WAITING")) {
                    continue;
                }
                SweepTrial trial = byTrial.get(waiting.trial());
                String decision = decision(sweep, trial, waiting.value(), values, nextTrial);
                if (!sweeps.decide(sweep.id(), k, trial.trial(), decision)) {
                    continue;
                }
                if (decision.equals("EXPLOIT")) {
                    SweepTrial replacement = replace(sweep, trial, k, step, values, byTrial, nextTrial++);
                    current.put(trial.member(), replacement);
                    byTrial.put(replacement.trial(), replacement);
                    sweeps.forgetAfter(sweep.id(), trial.trial(), k);
                    recorded.tailMap(k, false).values().forEach(later -> later.remove(trial.trial()));
                }
            }
        }
        return nextTrial - firstNew;
    }

    /**
     * Whether the values recorded at a step may be judged: {@code quorum} of them, or as many as
     * there will ever be (no member is still pending, or running short of the step).
     */
    private static boolean quorate(
            Map<Integer, SweepRepository.Rung> at, Collection<SweepTrial> current, long step, int quorum) {
        long expected = current.stream()
                .filter(t -> (t.pending() || t.active()) && !at.containsKey(t.trial()) && t.startStep() < step)
                .count();
        return at.size() >= Math.min(quorum, at.size() + expected);
    }

    /** Records the trial's value at each decision step it has reached and not yet recorded. */
    private void recordReached(Sweep sweep, SweepTrial t, Map<Integer, Map<Integer, SweepRepository.Rung>> recorded) {
        SweepRequest.Objective objective = sweep.request().objective();
        List<Long> steps = Pbt.decisionSteps(Pbt.intervalSteps(sweep.request().pbt(), t.evalEvery()), t.steps());
        for (int k = 0; k < steps.size(); k++) {
            long step = steps.get(k);
            if (step <= t.startStep() || recorded.getOrDefault(k, Map.of()).containsKey(t.trial())) {
                continue;
            }
            if (!sweeps.hasCheckpoint(t.jobId(), step)) {
                return;
            }
            List<double[]> points = sweeps.points(t.jobId(), objective.metric(), step);
            if (points.isEmpty() || points.get(points.size() - 1)[0] != step) {
                // Checkpointed without the metric at the step (a metric the job does not report):
                // the member cannot be judged, here or later.
                return;
            }
            SweepRepository.Rung rung =
                    new SweepRepository.Rung(k, t.trial(), step, points.get(points.size() - 1)[1], "WAITING");
            sweeps.record(sweep.id(), rung);
            recorded.computeIfAbsent(k, x -> new LinkedHashMap<>()).put(t.trial(), rung);
        }
    }

    private String decision(Sweep sweep, SweepTrial trial, double value, Map<Integer, Double> values, int trials) {
        String state = sweeps.lockJobState(trial.jobId());
        if (!state.equals("QUEUED") && !state.equals("RUNNING")) {
            return "ENDED";
        }
        boolean maximize = sweep.request().objective().goal().equals("max");
        boolean bottom =
                Pbt.inBottom(value, values.values(), sweep.request().pbt().quantile(), maximize);
        // Replacements count against budget.trials; once it is spent the bottom goes on.
        return bottom && trials < sweep.request().budget().trials() ? "EXPLOIT" : "CONTINUE";
    }

    /** Cancels the member's trial and stores its replacement, a fork of a top member at the step. */
    private SweepTrial replace(
            Sweep sweep,
            SweepTrial loser,
            int k,
            long step,
            Map<Integer, Double> values,
            Map<Integer, SweepTrial> byTrial,
            int index) {
        SweepRequest r = sweep.request();
        boolean maximize = r.objective().goal().equals("max");
        SplittableRandom random = Pbt.random(r.randomSeed(), loser.trial(), step);
        List<Integer> top = Pbt.top(values, r.pbt().quantile(), maximize);
        int parentTrial = top.get(random.nextInt(top.size()));
        SweepTrial parent = byTrial.get(parentTrial);
        Map<String, JsonNode> params = Pbt.explore(parent.params(), r.space(), r.pbt(), random);
        ObjectNode spec = (ObjectNode) sweeps.spec(sweep.id(), parentTrial);
        params.forEach((path, value) -> SpacePath.parse(path).orElseThrow().set(spec, value));
        spec.put("name", sweep.name() + "-t" + index);
        ObjectNode from = spec.putObject("from");
        from.put("job", parent.jobId().toString());
        from.put("step", step);
        sweeps.insert(
                sweep.id(),
                new SweepPlanner.PlannedTrial(
                        index,
                        index,
                        parent.seed(),
                        params,
                        spec,
                        parent.evalEvery(),
                        parent.steps(),
                        loser.member(),
                        parentTrial,
                        step));
        long evaluation = step / loser.evalEvery();
        jobs.cancel(
                loser.jobId(),
                SweepRepository.EXPLOITED,
                "PBT decision " + k + " (evaluation " + evaluation + ", step " + step + "): "
                        + r.objective().metric() + " " + values.get(loser.trial()) + " is in the bottom "
                        + Pbt.quantileCount(values.size(), r.pbt().quantile()) + " of " + values.size()
                        + "; replaced by trial " + index + ", a fork of trial " + parentTrial + " at step " + step);
        exploited.increment();
        log.info(
                "Sweep {}: trial {} exploited at step {}; trial {} forks trial {}",
                sweep.id(),
                loser.trial(),
                step,
                index,
                parentTrial);
        return new SweepTrial(
                index,
                index,
                parent.seed(),
                params,
                parent.evalEvery(),
                parent.steps(),
                null,
                null,
                0,
                null,
                null,
                loser.member(),
                parentTrial,
                step);
    }
}
