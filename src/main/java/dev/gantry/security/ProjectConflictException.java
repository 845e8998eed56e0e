package dev.gantry.security;

public class ProjectConflictException extends RuntimeException {

    public ProjectConflictException(String message) {
        super(message);
    }
}
