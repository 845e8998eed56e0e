package dev.gantry.sweep;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sweeps, their trials and their rungs in PostgreSQL. Plain SQL rather than JPA: the driver locks
 * sweeps with {@code SKIP LOCKED} and reads trials joined with their jobs.
 */
@Repository
class SweepRepository {

    static final String EARLY_STOPPED = "EARLY_STOPPED";
    static final String EXPLOITED = "EXPLOITED";

    private static final String SWEEP_COLUMNS =
            "id, project_id, name, state, request, created_at, finished_at, updated_at";

    private static final String TRIALS = """
            SELECT t.sweep_id, t.trial, t.configuration, t.seed, t.params, t.eval_every, t.steps, t.job_id,
                   t.skipped_reason, t.member, t.parent_trial, t.parent_step, j.state AS job_state, j.step AS job_step, j.failure_reason
              FROM sweep_trials t LEFT JOIN jobs j ON j.id = t.job_id
             WHERE t.sweep_id = ANY(:sweeps)
             ORDER BY t.sweep_id, t.trial
            """;

    private final JdbcClient jdbc;
    private final JsonMapper json;

    SweepRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    void insert(UUID id, UUID project, SweepRequest settings, List<SweepPlanner.PlannedTrial> trials) {
        jdbc.sql("""
                        INSERT INTO sweeps (id, project_id, name, state, request, parallel_trials, created_at, updated_at)
                        VALUES (:id, :project, :name, 'RUNNING', :request::json, :parallel, now(), now())
                        """)
                .param("id", id)
                .param("project", project)
                .param("name", settings.name())
                .param("request", json.writeValueAsString(settings))
                .param("parallel", settings.parallelTrials())
                .update();
        trials.forEach(t -> insert(id, t));
    }

    /** A trial: one planned with the sweep, or a PBT replacement (with its parent) added by the driver. */
    void insert(UUID sweep, SweepPlanner.PlannedTrial t) {
        jdbc.sql("""
                        INSERT INTO sweep_trials (sweep_id, trial, configuration, seed, params, spec, eval_every, steps,
                                                  member, parent_trial, parent_step)
                        VALUES (:sweep, :trial, :configuration, :seed, :params::json, :spec::jsonb, :evalEvery, :steps,
                                :member, :parent, :parentStep)
                        """)
                .param("sweep", sweep)
                .param("trial", t.trial())
                .param("configuration", t.configuration())
                .param("seed", t.seed())
                .param("params", json.writeValueAsString(t.params()))
                .param("spec", json.writeValueAsString(t.spec()))
                .param("evalEvery", t.evalEvery())
                .param("steps", t.steps())
                .param("member", t.member())
                .param("parent", t.parentTrial())
                .param("parentStep", t.parentStep())
                .update();
    }

    Optional<Sweep> find(UUID id) {
        return jdbc.sql("SELECT " + SWEEP_COLUMNS + " FROM sweeps WHERE id = :id")
                .param("id", id)
                .query(this::mapSweep)
                .optional();
    }

    List<Sweep> list(UUID project, int limit) {
        return jdbc.sql("SELECT " + SWEEP_COLUMNS
                        + " FROM sweeps WHERE project_id = :project ORDER BY created_at DESC, id DESC LIMIT :limit")
                .param("project", project)
                .param("limit", limit)
                .query(this::mapSweep)
                .list();
    }

    List<UUID> running() {
        return jdbc.sql("SELECT id FROM sweeps WHERE state = 'RUNNING' ORDER BY created_at, id")
                .query(UUID.class)
                .list();
    }

    /**
     * Locks a running sweep for this transaction, or answers empty when another server's driver
     * holds it (or it is no longer running). NO KEY UPDATE, so trial rows can still be written
     * in a nested transaction without waiting on this one.
     */
    Optional<Sweep> lockRunning(UUID id) {
        return jdbc.sql("SELECT " + SWEEP_COLUMNS
                        + " FROM sweeps WHERE id = :id AND state = 'RUNNING' FOR NO KEY UPDATE SKIP LOCKED")
                .param("id", id)
                .query(this::mapSweep)
                .optional();
    }

    /** Waits for a driver that holds the sweep, so a cancel sees the trials it submitted. */
    Optional<Sweep> lock(UUID id) {
        return jdbc.sql("SELECT " + SWEEP_COLUMNS + " FROM sweeps WHERE id = :id FOR UPDATE")
                .param("id", id)
                .query(this::mapSweep)
                .optional();
    }

    boolean finish(UUID id, SweepState state) {
        return jdbc.sql("""
                        UPDATE sweeps SET state = :state, finished_at = now(), updated_at = now()
                         WHERE id = :id AND state = 'RUNNING'
                        """).param("id", id).param("state", state.name()).update() == 1;
    }

    /** The sweep trial a job runs, if it is one. */
    Optional<SweepService.TrialTag> tagOf(UUID job) {
        return jdbc.sql("SELECT sweep_id, trial, configuration, seed, params FROM sweep_trials WHERE job_id = :job")
                .param("job", job)
                .query((rs, n) -> new SweepService.TrialTag(
                        rs.getObject("sweep_id", UUID.class),
                        rs.getInt("trial"),
                        rs.getInt("configuration"),
                        rs.getLong("seed"),
                        json.readValue(rs.getString("params"), new TypeReference<Map<String, JsonNode>>() {})))
                .optional();
    }

    List<SweepTrial> trials(UUID sweep) {
        return jdbc.sql(TRIALS)
                .param("sweeps", new UUID[] {sweep})
                .query(this::mapTrial)
                .list();
    }

    /** The trials of several sweeps in one query, by sweep (a list page's counts). */
    Map<UUID, List<SweepTrial>> trials(List<UUID> sweeps) {
        Map<UUID, List<SweepTrial>> out = new LinkedHashMap<>();
        sweeps.forEach(s -> out.put(s, new ArrayList<>()));
        if (sweeps.isEmpty()) {
            return out;
        }
        jdbc.sql(TRIALS)
                .param("sweeps", sweeps.toArray(UUID[]::new))
                .query((rs, n) -> out.get(rs.getObject("sweep_id", UUID.class)).add(mapTrial(rs, n)))
                .list();
        return out;
    }

    /** The trial's spec as it is submitted. */
    JsonNode spec(UUID sweep, int trial) {
        return json.readTree(jdbc.sql("SELECT spec FROM sweep_trials WHERE sweep_id = :sweep AND trial = :trial")
                .param("sweep", sweep)
                .param("trial", trial)
                .query(String.class)
                .single());
    }

    /** @return false when the trial already has a job (a driver elsewhere got there first) */
    boolean attach(UUID sweep, int trial, UUID job) {
        return jdbc.sql("""
                        UPDATE sweep_trials SET job_id = :job
                         WHERE sweep_id = :sweep AND trial = :trial AND job_id IS NULL
                        """)
                        .param("sweep", sweep)
                        .param("trial", trial)
                        .param("job", job)
                        .update()
                == 1;
    }

    void skip(UUID sweep, int trial, String reason) {
        jdbc.sql("UPDATE sweep_trials SET skipped_reason = :reason WHERE sweep_id = :sweep AND trial = :trial")
                .param("sweep", sweep)
                .param("trial", trial)
                .param("reason", reason)
                .update();
    }

    /** Locks the job for the rest of the transaction and answers its state, so a cancel is decided on what it will change. */
    String lockJobState(UUID job) {
        return jdbc.sql("SELECT state FROM jobs WHERE id = :id FOR UPDATE")
                .param("id", job)
                .query(String.class)
                .single();
    }

    record Rung(int rung, int trial, long step, double value, String decision) {}

    List<Rung> rungs(UUID sweep) {
        return jdbc.sql(
                        "SELECT rung, trial, step, value, decision FROM sweep_rungs WHERE sweep_id = :sweep ORDER BY seq")
                .param("sweep", sweep)
                .query((rs, n) -> new Rung(
                        rs.getInt("rung"),
                        rs.getInt("trial"),
                        rs.getLong("step"),
                        rs.getDouble("value"),
                        rs.getString("decision")))
                .list();
    }

    /** Decides a PBT value recorded as {@code WAITING}; false when another pass decided it first. */
    boolean decide(UUID sweep, int rung, int trial, String decision) {
        return jdbc.sql("""
                        UPDATE sweep_rungs SET decision = :decision
                         WHERE sweep_id = :sweep AND rung = :rung AND trial = :trial AND decision = 'WAITING'
                        """)
                        .param("sweep", sweep)
                        .param("rung", rung)
                        .param("trial", trial)
                        .param("decision", decision)
                        .update()
                == 1;
    }

    /** An exploited member's values after its decision step no longer speak for its member. */
    void forgetAfter(UUID sweep, int trial, int rung) {
        jdbc.sql("DELETE FROM sweep_rungs WHERE sweep_id = :sweep AND trial = :trial AND rung > :rung")
                .param("sweep", sweep)
                .param("trial", trial)
                .param("rung", rung)
                .update();
    }

    boolean hasCheckpoint(UUID job, long step) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM checkpoints WHERE job_id = :job AND step = :step)")
                .param("job", job)
                .param("step", step)
                .query(Boolean.class)
                .single();
    }

    void record(UUID sweep, Rung rung) {
        jdbc.sql("""
                        INSERT INTO sweep_rungs (sweep_id, rung, trial, step, value, decision)
                        VALUES (:sweep, :rung, :trial, :step, :value, :decision)
                        """)
                .param("sweep", sweep)
                .param("rung", rung.rung())
                .param("trial", rung.trial())
                .param("step", rung.step())
                .param("value", rung.value())
                .param("decision", rung.decision())
                .update();
    }

    /** A job's points of one metric up to a step, in step order. */
    List<double[]> points(UUID job, String metric, long toStep) {
        return jdbc.sql("""
                        SELECT step, value FROM metric_points
                         WHERE job_id = :job AND name = :name AND step <= :toStep ORDER BY step
                        """)
                .param("job", job)
                .param("name", metric)
                .param("toStep", toStep)
                .query((rs, n) -> new double[] {rs.getLong("step"), rs.getDouble("value")})
                .list();
    }

    record Point(UUID job, String name, long step, double value) {}

    /** Every {@code eval/} point of the jobs, by job, name and step. */
    List<Point> evalPoints(List<UUID> jobs) {
        if (jobs.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("""
                        SELECT job_id, name, step, value FROM metric_points
                         WHERE job_id = ANY(:jobs) AND name LIKE 'eval/%'
                         ORDER BY job_id, name, step
                        """)
                .param("jobs", jobs.toArray(UUID[]::new))
                .query((rs, n) -> new Point(
                        rs.getObject("job_id", UUID.class),
                        rs.getString("name"),
                        rs.getLong("step"),
                        rs.getDouble("value")))
                .list();
    }

    private Sweep mapSweep(ResultSet rs, int n) throws SQLException {
        return new Sweep(
                rs.getObject("id", UUID.class),
                rs.getObject("project_id", UUID.class),
                rs.getString("name"),
                SweepState.valueOf(rs.getString("state")),
                json.readValue(rs.getString("request"), SweepRequest.class),
                instant(rs, "created_at"),
                instant(rs, "finished_at"),
                instant(rs, "updated_at"));
    }

    private SweepTrial mapTrial(ResultSet rs, int n) throws SQLException {
        return new SweepTrial(
                rs.getInt("trial"),
                rs.getInt("configuration"),
                rs.getLong("seed"),
                json.readValue(rs.getString("params"), new TypeReference<Map<String, JsonNode>>() {}),
                rs.getLong("eval_every"),
                rs.getLong("steps"),
                rs.getObject("job_id", UUID.class),
                rs.getString("job_state"),
                rs.getLong("job_step"),
                rs.getString("failure_reason"),
                rs.getString("skipped_reason"),
                rs.getObject("member", Integer.class),
                rs.getObject("parent_trial", Integer.class),
                rs.getObject("parent_step", Long.class));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }
}
