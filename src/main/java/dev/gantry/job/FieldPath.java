package dev.gantry.job;

import java.util.List;
import tools.jackson.core.JacksonException;

/** A field path in the API's form, {@code loss.terms[1].weight}, from where Jackson stopped. */
public final class FieldPath {

    private FieldPath() {}

    public static String of(List<JacksonException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference ref : references) {
            if (ref.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
