package dev.gantry.sweep;

import java.util.UUID;

public class SweepNotFoundException extends RuntimeException {

    public SweepNotFoundException(UUID id) {
        super("No sweep with id " + id);
    }
}
