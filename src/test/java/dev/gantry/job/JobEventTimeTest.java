package dev.gantry.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** {@code job_events.at} orders the audit trail as the rows were inserted, not as their transactions began. */
class JobEventTimeTest {

    private final DataSource db = TestDatabase.migrated();

    @Test
    void an_event_written_late_by_an_early_transaction_is_stamped_after_the_events_before_it() throws Exception {
        UUID job = UUID.randomUUID();
        try (Connection setup = db.getConnection();
                Statement s = setup.createStatement()) {
            s.execute("INSERT INTO jobs (id, project_id, name, state, spec, total_steps)"
                    + " VALUES ('" + job
                    + "', '00000000-0000-0000-0000-000000000001', 'j', 'QUEUED', '{}', 1)");
        }
        try (Connection early = db.getConnection();
                Connection late = db.getConnection()) {
            // The early transaction begins (a cancel waiting on a row lock, a worker's long flush)...
            early.setAutoCommit(false);
            try (Statement s = early.createStatement()) {
                s.execute("SELECT 1");
            }
            // ...another one records an event and commits...
            insertEvent(late, job, "FIRST");
            // ...and only then does the early one write its event.
            insertEvent(early, job, "SECOND");
            early.commit();
        }

        List<String> byId = types(job, "id");
        List<String> byTime = types(job, "at, id DESC");
        assertThat(byId).containsExactly("FIRST", "SECOND");
        assertThat(byTime).isEqualTo(byId);
    }

    private static void insertEvent(Connection c, UUID job, String type) throws Exception {
        try (PreparedStatement s =
                c.prepareStatement("INSERT INTO job_events (job_id, attempt, type) VALUES (?, 1, ?)")) {
            s.setObject(1, job);
            s.setString(2, type);
            s.executeUpdate();
        }
    }

    // Ties in time are broken against id, so equal stamps would fail the comparison too.
    private List<String> types(UUID job, String order) throws Exception {
        List<String> types = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement s =
                        c.prepareStatement("SELECT type FROM job_events WHERE job_id = ? ORDER BY " + order)) {
            s.setObject(1, job);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    types.add(rs.getString(1));
                }
            }
        }
        return types;
    }
}
