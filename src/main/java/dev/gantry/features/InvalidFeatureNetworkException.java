package dev.gantry.features;

import java.util.List;

/** An upload refused before anything was kept (400), naming each field: {@code descriptor.input.channels}, {@code module}. */
public class InvalidFeatureNetworkException extends RuntimeException {

    public record Problem(String field, String message) {}

    private final List<Problem> problems;

    public InvalidFeatureNetworkException(List<Problem> problems) {
        super(problems.get(0).field() + " " + problems.get(0).message());
        this.problems = List.copyOf(problems);
    }

    public InvalidFeatureNetworkException(String field, String message) {
        this(List.of(new Problem(field, message)));
    }

    public List<Problem> problems() {
        return problems;
    }
}
