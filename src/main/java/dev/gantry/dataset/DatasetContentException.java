package dev.gantry.dataset;

/** What was found inside an upload while decoding it; the dataset ends {@code FAILED} with this message. */
class DatasetContentException extends RuntimeException {

    DatasetContentException(String message) {
        super(message);
    }
}
