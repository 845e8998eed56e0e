package dev.gantry.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Key secrets: {@code gk_} and 43 base64url characters of 32 random bytes.
 *
 * <p>Stored as a plain SHA-256, not bcrypt or Argon2: a slow hash protects secrets people choose,
 * which can be guessed. A 256-bit random secret cannot be guessed, so an attacker holding the
 * table still faces 2^256 candidates per key, however fast each hash is; and a fast hash lets the
 * key be found by an indexed lookup on every request instead of a 100-ms comparison.
 */
final class KeySecrets {

    static final String PREFIX = "gk_";
    // The visible part lists show: "gk_" and 8 characters (48 bits, far too few to guess the rest).
    private static final int SHOWN = PREFIX.length() + 8;
    private static final Pattern FORMAT = Pattern.compile("gk_[A-Za-z0-9_-]{43}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeySecrets() {}

    static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Whether the text has the shape of a key; anything else is refused without a lookup. */
    static boolean wellFormed(String secret) {
        return secret != null && FORMAT.matcher(secret).matches();
    }

    static String prefix(String secret) {
        return secret.substring(0, SHOWN);
    }

    static String sha256(String secret) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
