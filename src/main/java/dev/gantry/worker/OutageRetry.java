package dev.gantry.worker;

import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.retry.RetryListener;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.core.retry.Retryable;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Carries a worker's database writes through an outage (a PostgreSQL restart, a failover): the
 * write is retried with backoff for as long as the job's lease lasts. Past that the lease has
 * expired and the job belongs to a new run, so giving up loses nothing that was still ours.
 */
final class OutageRetry {

    private static final Logger log = LoggerFactory.getLogger(OutageRetry.class);

    private final RetryTemplate template;

    OutageRetry(Duration leaseDuration) {
        this.template = new RetryTemplate(RetryPolicy.builder()
                .predicate(OutageRetry::isOutage)
                .maxRetries(Long.MAX_VALUE)
                .timeout(leaseDuration)
                .delay(Duration.ofMillis(100))
                .multiplier(2)
                .maxDelay(Duration.ofSeconds(2))
                .build());
        this.template.setRetryListener(new RetryListener() {
            @Override
            public void onRetryFailure(RetryPolicy policy, Retryable<?> retryable, Throwable failure) {
                log.warn("Database unreachable; retrying: {}", failure.getMessage());
            }
        });
    }

    /**
     * Connection-level failures only: a constraint violation or bad SQL will not heal by waiting.
     * Spring reports some of them outside the data-access hierarchy: a transaction that cannot
     * begin, or one whose rollback fails on a dead connection ({@code TransactionSystemException}
     * under JPA); those count when a connection failure is their cause (SQLState class 08 or 57P).
     * A failed rollback also counts when the failure it was rolling back for was an outage: on a
     * connection the pool has already closed, the rollback's own error ("Connection is closed")
     * carries no SQLState.
     */
    static boolean isOutage(Throwable e) {
        if (e instanceof TransientDataAccessException
                || e instanceof DataAccessResourceFailureException
                || e instanceof RecoverableDataAccessException
                || e instanceof CannotCreateTransactionException) {
            return true;
        }
        if (e instanceof TransactionSystemException rollback
                && rollback.getApplicationException() != null
                && isOutage(rollback.getApplicationException())) {
            return true;
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && isOutage(sql.getSQLState())) {
                return true;
            }
            if (cause instanceof java.net.ConnectException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Class 08 (connection exceptions) and 57P (the server shutting down or starting: {@code
     * 57P01} "terminating connection due to administrator command" is what a restart sends to
     * every open session).
     */
    private static boolean isOutage(String sqlState) {
        return sqlState != null && (sqlState.startsWith("08") || sqlState.startsWith("57P"));
    }

    <T> T call(Supplier<T> write) {
        return template.invoke(write);
    }

    void run(Runnable write) {
        template.invoke(write);
    }
}
