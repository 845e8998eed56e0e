package dev.gantry.security;

import java.util.UUID;

public class KeyNotFoundException extends RuntimeException {

    public KeyNotFoundException(UUID id) {
        super("No API key with id " + id);
    }
}
