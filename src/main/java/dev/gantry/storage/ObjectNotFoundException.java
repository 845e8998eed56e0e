package dev.gantry.storage;

/** No object under the key. Unchecked: callers that expect absence ask {@link ObjectStore#exists} first. */
public class ObjectNotFoundException extends RuntimeException {

    private final String key;

    public ObjectNotFoundException(String key) {
        super("No object with key '" + key + "'");
        this.key = key;
    }

    public String key() {
        return key;
    }
}
