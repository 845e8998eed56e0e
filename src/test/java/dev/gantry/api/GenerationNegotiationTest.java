package dev.gantry.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.web.HttpMediaTypeNotAcceptableException;

/** {@code generate}'s choice of representation by {@code Accept}, for image and 2-D point jobs. */
class GenerationNegotiationTest {

    static final boolean IMAGES = true;
    static final boolean POINTS = false;

    @Test
    void png_when_anything_goes_and_npy_or_json_when_asked_for() throws Exception {
        assertThat(GenerationController.negotiate(null, IMAGES)).isEqualTo(MediaType.IMAGE_PNG);
        assertThat(GenerationController.negotiate("*/*", POINTS)).isEqualTo(MediaType.IMAGE_PNG);
        assertThat(GenerationController.negotiate("application/x-npy", IMAGES)).isEqualTo(GenerationController.NPY);
        assertThat(GenerationController.negotiate("application/octet-stream", IMAGES))
                .isEqualTo(MediaType.APPLICATION_OCTET_STREAM);
        assertThat(GenerationController.negotiate("application/json", POINTS)).isEqualTo(MediaType.APPLICATION_JSON);
        assertThat(GenerationController.negotiate("application/*", IMAGES)).isEqualTo(GenerationController.NPY);
    }

    @Test
    void the_clients_qualities_decide_and_q0_refuses() throws Exception {
        assertThat(GenerationController.negotiate("image/png;q=0.2, application/json;q=0.9", POINTS))
                .isEqualTo(MediaType.APPLICATION_JSON);
        assertThat(GenerationController.negotiate("image/png;q=0.2, application/json;q=0.9", IMAGES))
                .isEqualTo(MediaType.IMAGE_PNG);
        assertThat(GenerationController.negotiate("image/png;q=0, */*;q=0.5", IMAGES))
                .isEqualTo(GenerationController.NPY);
    }

    @Test
    void images_are_not_offered_as_json_and_the_refusal_names_what_is() {
        assertThatThrownBy(() -> GenerationController.negotiate("application/json", IMAGES))
                .isInstanceOfSatisfying(
                        HttpMediaTypeNotAcceptableException.class,
                        e -> assertThat(e.getSupportedMediaTypes())
                                .containsExactly(
                                        MediaType.IMAGE_PNG,
                                        GenerationController.NPY,
                                        MediaType.APPLICATION_OCTET_STREAM));
        assertThatThrownBy(() -> GenerationController.negotiate("text/html", POINTS))
                .isInstanceOfSatisfying(
                        HttpMediaTypeNotAcceptableException.class,
                        e -> assertThat(e.getSupportedMediaTypes()).contains(MediaType.APPLICATION_JSON));
    }
}
