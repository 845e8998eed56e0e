package dev.gantry.storage;

/**
 * The key rules of {@link ObjectStore}, shared by every implementation so that a key valid on a
 * laptop's folder store is valid on S3 too, and the reverse.
 *
 * <p>The allowed alphabet is deliberately narrow: no backslash (a separator on Windows), no NUL
 * (truncates paths in native code), no {@code ~} (reserved for the folder store's temp files), no
 * characters S3 treats specially.
 */
final class ObjectKeys {

    static final int MAX_LENGTH = 1024;

    private ObjectKeys() {}

    static String requireValid(String key) {
        String problem = problem(key);
        if (problem != null) {
            throw new InvalidObjectKeyException(problem);
        }
        return key;
    }

    /**
     * A list prefix is any string prefix of a valid key: its allowed characters only, and every
     * segment before its last {@code /} a valid segment. The part after the last {@code /} may be
     * a partial segment, even {@code "."}, because it only filters names.
     */
    static String requireValidPrefix(String prefix) {
        if (prefix == null) {
            throw new InvalidObjectKeyException("Object key prefix is null");
        }
        if (prefix.length() > MAX_LENGTH) {
            throw new InvalidObjectKeyException("Object key prefix is longer than " + MAX_LENGTH + " characters");
        }
        int lastSlash = prefix.lastIndexOf('/');
        if (lastSlash >= 0) {
            String directory = prefix.substring(0, lastSlash);
            String problem = problem(directory);
            if (problem != null) {
                throw new InvalidObjectKeyException("Invalid prefix '" + printable(prefix) + "': " + problem);
            }
        }
        String tail = prefix.substring(lastSlash + 1);
        for (int i = 0; i < tail.length(); i++) {
            if (!allowed(tail.charAt(i))) {
                throw new InvalidObjectKeyException("Invalid prefix '" + printable(prefix) + "': character "
                        + describe(tail.charAt(i)) + " is not allowed");
            }
        }
        return prefix;
    }

    /** Null when the key is valid, else what is wrong with it. */
    static String problem(String key) {
        if (key == null) {
            return "Object key is null";
        }
        if (key.isEmpty()) {
            return "Object key is empty";
        }
        if (key.length() > MAX_LENGTH) {
            return "Object key is longer than " + MAX_LENGTH + " characters";
        }
        String shown = printable(key);
        if (key.startsWith("/")) {
            return "Object key '" + shown + "' is absolute; keys are relative paths";
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c != '/' && !allowed(c)) {
                return "Object key '" + shown + "' contains " + describe(c)
                        + "; allowed are A-Z a-z 0-9 . _ - and / between segments";
            }
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty()) {
                return "Object key '" + shown + "' has an empty segment";
            }
            if (segment.equals(".") || segment.equals("..")) {
                return "Object key '" + shown + "' has a '" + segment + "' segment";
            }
        }
        return null;
    }

    private static boolean allowed(char c) {
        return (c >= 'A' && c <= 'Z')
                || (c >= 'a' && c <= 'z')
                || (c >= '0' && c <= '9')
                || c == '.'
                || c == '_'
                || c == '-';
    }

    private static String describe(char c) {
        return c < 0x20 || c == 0x7f || c > 0x7e ? String.format("character U+%04X", (int) c) : "'" + c + "'";
    }

    /** Control characters escaped, so a NUL or newline in a key cannot garble a log line or a problem detail. */
    private static String printable(String key) {
        StringBuilder out = new StringBuilder(Math.min(key.length(), 200));
        for (int i = 0; i < key.length() && out.length() < 200; i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return key.length() > 200 ? out + "…" : out.toString();
    }
}
