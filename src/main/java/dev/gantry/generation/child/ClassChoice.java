package dev.gantry.generation.child;

import java.util.List;

/** A request's class, given by index or by name, as an index into the checkpoint's class names. */
final class ClassChoice {

    private ClassChoice() {}

    /**
     * @return null when neither is given: the generator then cycles through the classes
     * @throws IllegalArgumentException naming what the generator takes instead
     */
    static Integer index(Integer index, String name, List<String> classNames) {
        if (index == null && name == null) {
            return null;
        }
        if (classNames.isEmpty()) {
            throw new IllegalArgumentException("the model is unconditional; it takes no class");
        }
        if (name != null) {
            int found = classNames.indexOf(name);
            if (found < 0) {
                throw new IllegalArgumentException(
                        "'" + name + "' is not a class of the model; its classes are " + classNames);
            }
            return found;
        }
        if (index < 0 || index >= classNames.size()) {
            throw new IllegalArgumentException("must be a class index between 0 and " + (classNames.size() - 1)
                    + " or a class name, one of " + classNames + "; got " + index);
        }
        return index;
    }
}
