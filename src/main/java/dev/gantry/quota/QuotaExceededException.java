package dev.gantry.quota;

/**
 * A request that would take a project past one of its quotas. The answer names the quota, its
 * limit and what is used, so a client can tell which one to wait for or ask an owner to raise.
 *
 * @see Quota
 */
public class QuotaExceededException extends RuntimeException {

    private final Quota quota;
    private final long limit;
    private final long used;

    public QuotaExceededException(Quota quota, long limit, long used, String message) {
        super(message);
        this.quota = quota;
        this.limit = limit;
        this.used = used;
    }

    public Quota quota() {
        return quota;
    }

    public long limit() {
        return limit;
    }

    public long used() {
        return used;
    }
}
