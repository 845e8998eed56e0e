package dev.gantry.job;

/** One rejected field of a request, by its JSON path, such as {@code loss.terms[1].weight}. */
public record FieldError(String field, String message) {}
