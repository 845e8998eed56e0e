package dev.gantry.security;

import java.util.UUID;

/** The project V9 creates: rows from before tenancy live there, and so does the first owner key. */
public final class Projects {

    public static final UUID DEFAULT_ID = UUID.fromString("00000000-0000-0000-0000-000000000001");

    private Projects() {}
}
