package dev.gantry.security;

/** A handler without an {@link Access} rule: refused rather than left open. */
public class MissingAccessRuleException extends RuntimeException {

    public MissingAccessRuleException() {
        super("This endpoint has no access rule and is closed");
    }
}
