package dev.gantry.testsupport;

import org.springframework.jdbc.core.simple.JdbcClient;

/** The local worker process that holds a job, to signal it. */
public final class Workers {

    private Workers() {}

    /** The pid in the job's {@code worker_id} ({@code <host>-<pid>-<suffix>}). */
    public static long pid(JdbcClient jdbc, String jobId) {
        String worker = jdbc.sql("SELECT worker_id FROM jobs WHERE id = ?::uuid")
                .param(jobId)
                .query(String.class)
                .single();
        String[] parts = worker.split("-");
        return Long.parseLong(parts[parts.length - 2]);
    }
}
