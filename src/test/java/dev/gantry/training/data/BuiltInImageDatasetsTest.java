package dev.gantry.training.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class BuiltInImageDatasetsTest {

    @Test
    void each_image_set_matches_its_listed_info() {
        for (String name : List.of("digits", "shapes")) {
            BuiltInDatasets.Info info = BuiltInDatasets.find(name).orElseThrow();
            ImageTensor images = BuiltInDatasets.images(name);
            assertEquals(BuiltInDatasets.Kind.IMAGES, info.kind());
            assertEquals(info.count(), images.count(), name);
            assertEquals(info.channels(), images.channels(), name);
            assertEquals(info.height(), images.height(), name);
            assertEquals(info.width(), images.width(), name);
            assertEquals(info.classNames(), images.classNames(), name);
        }
    }

    @Test
    void a_set_is_generated_once_per_process() {
        assertSame(BuiltInDatasets.images("digits"), BuiltInDatasets.images("digits"));
    }

    @Test
    void point_sets_and_unknown_names_have_no_images() {
        assertThrows(IllegalArgumentException.class, () -> BuiltInDatasets.images("ring8"));
        assertThrows(IllegalArgumentException.class, () -> BuiltInDatasets.images("cifar10"));
    }
}
