package dev.gantry.security;

import java.util.UUID;

public class ProjectNotFoundException extends RuntimeException {

    public ProjectNotFoundException(String id) {
        super("No project with id " + (id == null || id.length() <= 64 ? id : id.substring(0, 64) + "…"));
    }

    public ProjectNotFoundException(UUID id) {
        this(String.valueOf(id));
    }
}
