package dev.gantry.security;

/** The caller's role in its project does not allow this (403); the resource itself is the caller's. */
public class ForbiddenException extends RuntimeException {

    public ForbiddenException(Role needed, Role has) {
        super("This needs the " + needed.name().toLowerCase(java.util.Locale.ROOT) + " role; the key has "
                + has.name().toLowerCase(java.util.Locale.ROOT));
    }
}
