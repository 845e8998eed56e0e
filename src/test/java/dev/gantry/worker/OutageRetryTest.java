package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/** Which failures a worker waits out: a lost connection, however Spring wraps it; nothing else. */
class OutageRetryTest {

    @Test
    void a_lost_connection_is_an_outage_however_it_is_wrapped() {
        assertThat(OutageRetry.isOutage(new DataAccessResourceFailureException("down")))
                .isTrue();
        assertThat(OutageRetry.isOutage(new CannotCreateTransactionException("Could not open JDBC Connection")))
                .isTrue();
        // JPA's rollback on a connection PostgreSQL closed during a restart.
        TransactionSystemException rollback = new TransactionSystemException(
                "JDBC rollback failed", new RuntimeException(new SQLException("I/O error", "08006")));
        assertThat(OutageRetry.isOutage(rollback)).isTrue();
        // What a restart sends every open session before it closes them.
        TransactionSystemException shutdown = new TransactionSystemException(
                "JDBC rollback failed",
                new SQLException("FATAL: terminating connection due to administrator command", "57P01"));
        assertThat(OutageRetry.isOutage(shutdown)).isTrue();
        // TransactionTemplate's rollback after an I/O error, on a connection Hikari had closed
        // meanwhile: the rollback's error has no SQLState, the failure it rolled back for is the outage.
        TransactionSystemException closed =
                new TransactionSystemException("JDBC rollback failed", new SQLException("Connection is closed"));
        closed.initApplicationException(new DataAccessResourceFailureException(
                "PreparedStatementCallback", new SQLException("An I/O error occurred", "08006")));
        assertThat(OutageRetry.isOutage(closed)).isTrue();
    }

    @Test
    void errors_that_waiting_cannot_heal_are_not() {
        assertThat(OutageRetry.isOutage(new DuplicateKeyException("twice"))).isFalse();
        assertThat(OutageRetry.isOutage(
                        new TransactionSystemException("commit failed", new SQLException("serialization", "40001"))))
                .isFalse();
        assertThat(OutageRetry.isOutage(new IllegalStateException("bug"))).isFalse();
        // A failed rollback after a real error is still that error.
        TransactionSystemException afterBug =
                new TransactionSystemException("JDBC rollback failed", new SQLException("Connection is closed"));
        afterBug.initApplicationException(new DuplicateKeyException("twice"));
        assertThat(OutageRetry.isOutage(afterBug)).isFalse();
    }
}
