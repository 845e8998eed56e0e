package dev.gantry.job;

import static dev.gantry.job.JobSpecDefaults.or;

import dev.gantry.artifact.Artifact;
import dev.gantry.artifact.ArtifactKind;
import dev.gantry.artifact.Artifacts;
import dev.gantry.artifact.BestBy;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Checks a fork ({@code from}) against its parent and pins the checkpoint it starts from. The
 * checkpoint holds the networks and the optimizers' moments by parameter name and nothing of the
 * loss, so the loss (its type, terms and weights), the learning rates and the rest may change;
 * what the checkpoint's tensors are shaped by may not.
 */
@Component
class JobForks {

    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final JobRepository jobs;
    private final Artifacts artifacts;

    JobForks(JobRepository jobs, Artifacts artifacts) {
        this.jobs = jobs;
        this.artifacts = artifacts;
    }

    /**
     * @param spec a complete spec
     * @param found its parent, {@link #parent}
     * @return the spec with {@code from.step} the checkpoint's step
     * @throws InvalidRequestException naming {@code from.job}, {@code from.step} or the field that
     *     differs from the parent's
     */
    JobSpec pin(JobSpec spec, Optional<Job> found) {
        JobSpec.From from = spec.from();
        if (from == null) {
            return spec;
        }
        // Another project's job is as unknown as none.
        Job parent = found.orElseThrow(() -> invalid("from.job", "names no job of this project"));
        List<FieldError> errors = new ArrayList<>();
        JobSpec p = parent.spec();
        same(errors, "dataset", p.dataset(), spec.dataset());
        same(errors, "task", p.task(), spec.task());
        same(errors, "data", p.data(), spec.data());
        same(errors, "model", p.model(), spec.model());
        same(errors, "superResolution.scale", scale(p), scale(spec));
        if ((p.training().emaDecay() > 0) != (spec.training().emaDecay() > 0)) {
            errors.add(new FieldError(
                    "training.emaDecay",
                    "must be " + (p.training().emaDecay() > 0 ? "above 0" : "0")
                            + " like the parent's: its checkpoints "
                            + (p.training().emaDecay() > 0 ? "hold" : "hold no")
                            + " moving average of the generator"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestException(errors);
        }
        Artifact checkpoint = checkpoint(parent, from);
        if (spec.training().steps() <= checkpoint.step()) {
            throw invalid(
                    "training.steps",
                    "must be more than " + checkpoint.step() + ", the step of the checkpoint the fork starts from");
        }
        return spec.withFrom(
                new JobSpec.From(parent.id().toString(), JsonNodeFactory.instance.numberNode(checkpoint.step())));
    }

    /**
     * The job a fork names, if it is one of this project's; empty for a spec that is no fork.
     */
    Optional<Job> parent(UUID project, JobSpec.From from) {
        return from != null
                        && from.job() != null
                        && UUID_TEXT.matcher(from.job()).matches()
                ? jobs.find(UUID.fromString(from.job()))
                        .filter(j -> jobs.projectOf(j.id()).equals(project))
                : Optional.empty();
    }

    /**
     * The spec with every model field it leaves out taken from the parent's, since a fork
     * continues the parent's networks: defaults that follow the loss (spectral norm beside hinge)
     * must not change them. A spec without a parent, or on another dataset than its parent's, is
     * returned as it is, so that {@link #pin} reports what is wrong with it, not a model field the
     * client never wrote.
     */
    static JobSpec inheritModel(JobSpec spec, Optional<Job> parent) {
        Optional<JobSpec.Model> parentModel = parent.map(Job::spec)
                .filter(p -> Objects.equals(p.dataset(), spec.dataset()))
                .map(JobSpec::model);
        if (parentModel.isEmpty()) {
            return spec;
        }
        JobSpec.Model p = parentModel.get();
        JobSpec.Model m =
                spec.model() != null ? spec.model() : new JobSpec.Model(null, null, null, null, null, null, null, null);
        return spec.withModel(new JobSpec.Model(
                or(m.architecture(), p.architecture()),
                or(m.latentDim(), p.latentDim()),
                or(m.hiddenUnits(), p.hiddenUnits()),
                or(m.hiddenLayers(), p.hiddenLayers()),
                or(m.width(), p.width()),
                or(m.spectralNorm(), p.spectralNorm()),
                or(m.conditional(), p.conditional()),
                or(m.discriminatorNorm(), p.discriminatorNorm())));
    }

    private Artifact checkpoint(Job parent, JobSpec.From from) {
        List<Artifact> all = artifacts.list(ArtifactKind.CHECKPOINT, parent.id());
        if (all.isEmpty()) {
            throw invalid("from.job", "job " + parent.id() + " has no checkpoint yet");
        }
        if (from.step() == null
                || from.step().isNull()
                || from.step().asString("").equals("latest")) {
            return all.get(all.size() - 1);
        }
        if (from.step().isString() && from.step().asString().equals("best")) {
            JobSpec.KeepBest best = parent.spec().checkpoints().keepBest();
            if (best == null) {
                throw invalid("from.step", "'best' needs checkpoints.keepBest in the parent's spec");
            }
            return artifacts
                    .best(parent.id(), BestBy.of(best.metric(), best.goal(), best.count()))
                    .orElseThrow(
                            () -> invalid("from.step", "no checkpoint of the parent has a value of " + best.metric()));
        }
        if (from.step().isIntegralNumber()) {
            long step = from.step().asLong();
            return all.stream()
                    .filter(a -> a.step() == step)
                    .findFirst()
                    .orElseThrow(() -> invalid(
                            "from.step",
                            "matches no checkpoint of the parent: its checkpoints are at steps "
                                    + all.stream().map(Artifact::step).toList()));
        }
        throw invalid("from.step", "must be a checkpoint's step, \"latest\" or \"best\"");
    }

    private static Integer scale(JobSpec spec) {
        return spec.superResolution() == null ? null : spec.superResolution().scale();
    }

    private static void same(List<FieldError> errors, String field, Object parent, Object child) {
        if (!Objects.equals(parent, child)) {
            errors.add(new FieldError(
                    field, "must be the parent's, " + parent + ": a fork continues the parent's networks"));
        }
    }

    private static InvalidRequestException invalid(String field, String message) {
        return new InvalidRequestException(List.of(new FieldError(field, message)));
    }
}
