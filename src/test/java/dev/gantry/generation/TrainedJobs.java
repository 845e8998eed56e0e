package dev.gantry.generation;

import dev.gantry.artifact.ArtifactKind;
import dev.gantry.artifact.Artifacts;
import dev.gantry.job.JobService;
import dev.gantry.job.TrainingConfigs;
import dev.gantry.testsupport.Http;
import dev.gantry.training.GanTraining;
import dev.gantry.training.TrainingListener;
import dev.gantry.training.config.TrainingConfig;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Jobs with real checkpoints and no worker: the job is submitted through the API, trained by the
 * training core in the test JVM from its stored spec, and its checkpoints stored as a worker
 * stores them. Generation then has something to draw from in a second, without a worker process.
 */
final class TrainedJobs {

    /** A small grid25 MLP, 200 steps, checkpoints at 100 and 200; emaDecay as given. */
    static String spec(String name, double emaDecay) {
        return """
                {"name": "%s", "dataset": "grid25",
                 "model": {"hiddenUnits": 32, "hiddenLayers": 2},
                 "training": {"steps": 200, "batchSize": 64, "seed": 3, "emaDecay": %s},
                 "checkpoints": {"everySteps": 100, "keepLast": 5},
                 "evaluation": {"everySteps": 200, "samples": 100}}
                """.formatted(name, emaDecay);
    }

    /** A submitted, trained job: its id, config and checkpoints by step. */
    record TrainedJob(UUID id, TrainingConfig config, Map<Long, byte[]> checkpoints) {}

    private TrainedJobs() {}

    static UUID submit(Http http, String spec) {
        return UUID.fromString(http.post("/api/v1/jobs", spec).json().get("id").asString());
    }

    static TrainedJob train(Http http, JobService jobs, Artifacts artifacts, String spec) {
        UUID id = submit(http, spec);
        TrainingConfig config = TrainingConfigs.from(jobs.get(id).spec());
        Map<Long, byte[]> checkpoints = new TreeMap<>();
        GanTraining.run(config, null, new TrainingListener() {
            @Override
            public void onCheckpoint(long step, byte[] checkpoint) {
                checkpoints.put(step, checkpoint);
            }
        });
        // Attempt 1 is the submitted job's: the artifact write is fenced on it, as a worker's is.
        checkpoints.forEach((step, bytes) -> artifacts.save(ArtifactKind.CHECKPOINT, id, 1, step, bytes, 5));
        return new TrainedJob(id, config, checkpoints);
    }
}
