package dev.gantry.events;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The {@code stream_events} table (V13): rows written by triggers (for metric points, by
 * {@code MetricWriter}'s statement, V16) in the transaction of each
 * change, placed in commit order by {@link #place}, read by position.
 */
@Component
public class EventLog {

    private static final String COLUMNS = "position, project_id, job_id, type, data::text AS data, "
            + "CASE WHEN type = 'state' THEN data ->> 'state' END AS state";

    // Oldest first, so events a transaction wrote in order keep that order.
    private static final String PLACE = """
            UPDATE stream_events e SET position = :head + n.rank
              FROM (SELECT id, row_number() OVER (ORDER BY id) AS rank
                      FROM stream_events WHERE position IS NULL ORDER BY id LIMIT :limit) n
             WHERE e.id = n.id
            """;

    private final JdbcClient jdbc;

    EventLog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Gives the committed rows without a position the next ones, oldest first, and notifies the
     * servers of the new head.
     *
     * @return how many rows were placed (at most {@code limit}: call again while it is full)
     */
    @Transactional
    public int place(int limit) {
        // Most rounds find nothing: a read on the partial index, not a lock and a write.
        if (!jdbc.sql("SELECT EXISTS (SELECT 1 FROM stream_events WHERE position IS NULL)")
                .query(Boolean.class)
                .single()) {
            return 0;
        }
        // The head's row lock serialises rounds across servers. Taken in its own statement: the
        // next one then reads with a snapshot from after the previous round committed, so it
        // cannot place a row twice, and every position it gives is above every visible one.
        long head = jdbc.sql("SELECT last_position FROM stream_head FOR UPDATE")
                .query(Long.class)
                .single();
        int placed = jdbc.sql(PLACE).param("head", head).param("limit", limit).update();
        if (placed > 0) {
            jdbc.sql("UPDATE stream_head SET last_position = :last")
                    .param("last", head + placed)
                    .update();
            jdbc.sql("SELECT pg_notify('gantry_stream', :last)")
                    .param("last", String.valueOf(head + placed))
                    .query(String.class)
                    .single();
        }
        return placed;
    }

    public long head() {
        return jdbc.sql("SELECT last_position FROM stream_head")
                .query(Long.class)
                .single();
    }

    /** Every project's events after {@code position}, for a server's fan-out. */
    public List<StreamEvent> after(long position, int limit) {
        return jdbc.sql("SELECT " + COLUMNS
                        + " FROM stream_events WHERE position > :after ORDER BY position LIMIT :limit")
                .param("after", position)
                .param("limit", limit)
                .query(EventLog::event)
                .list();
    }

    public List<StreamEvent> afterForJob(UUID job, long position, int limit) {
        return afterFor("job_id", job, position, limit);
    }

    public List<StreamEvent> afterForProject(UUID project, long position, int limit) {
        return afterFor("project_id", project, position, limit);
    }

    /** @param column {@code job_id} or {@code project_id}, a constant: never a caller's text */
    private List<StreamEvent> afterFor(String column, UUID owner, long position, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM stream_events WHERE " + column + " = :owner"
                        + " AND position > :after ORDER BY position LIMIT :limit")
                .param("owner", owner)
                .param("after", position)
                .param("limit", limit)
                .query(EventLog::event)
                .list();
    }

    /**
     * The job's state as of {@code position}: its last state event up to there, or, when the log
     * holds none (pruned), its state now.
     */
    public Optional<String> stateAt(UUID job, long position) {
        Optional<String> logged = jdbc.sql("""
                        SELECT data ->> 'state' FROM stream_events
                         WHERE job_id = :job AND type = 'state' AND position <= :position
                         ORDER BY position DESC LIMIT 1
                        """)
                .param("job", job)
                .param("position", position)
                .query(String.class)
                .optional();
        if (logged.isPresent()) {
            return logged;
        }
        return jdbc.sql("SELECT state FROM jobs WHERE id = :job")
                .param("job", job)
                .query(String.class)
                .optional();
    }

    /**
     * Deletes placed events older than {@code retention}, by the database's clock, which stamped
     * them; the head stays, so positions never repeat.
     */
    public int prune(Duration retention) {
        return jdbc.sql("DELETE FROM stream_events WHERE at < now() - :millis * interval '1 millisecond'"
                        + " AND position IS NOT NULL")
                .param("millis", retention.toMillis())
                .update();
    }

    private static StreamEvent event(ResultSet rs, int row) throws SQLException {
        return new StreamEvent(
                rs.getLong("position"),
                rs.getObject("project_id", UUID.class),
                rs.getObject("job_id", UUID.class),
                rs.getString("type"),
                rs.getString("data"),
                rs.getString("state"));
    }
}
