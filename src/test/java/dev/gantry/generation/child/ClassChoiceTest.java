package dev.gantry.generation.child;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A request's class against a checkpoint's class names; {@code ExportToPyTorchTest} takes a class
 * by name and by index through HTTP on a conditional DCGAN.
 */
class ClassChoiceTest {

    static final List<String> DIGITS = List.of("zero", "one", "two");

    @Test
    void a_class_is_found_by_name_or_by_index_and_none_cycles_through_them() {
        assertThat(ClassChoice.index(null, "two", DIGITS)).isEqualTo(2);
        assertThat(ClassChoice.index(1, null, DIGITS)).isEqualTo(1);
        assertThat(ClassChoice.index(null, null, DIGITS)).isNull();
        assertThat(ClassChoice.index(null, null, List.of())).isNull();
    }

    @Test
    void an_unknown_name_or_index_is_refused_naming_the_classes() {
        assertThatThrownBy(() -> ClassChoice.index(null, "Two", DIGITS))
                .hasMessage("'Two' is not a class of the model; its classes are [zero, one, two]");
        assertThatThrownBy(() -> ClassChoice.index(3, null, DIGITS))
                .hasMessageContaining("between 0 and 2")
                .hasMessageContaining("got 3");
        assertThatThrownBy(() -> ClassChoice.index(-1, null, DIGITS)).hasMessageContaining("got -1");
        assertThatThrownBy(() -> ClassChoice.index(0, null, List.of())).hasMessageContaining("unconditional");
    }
}
