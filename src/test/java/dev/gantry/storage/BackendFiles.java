package dev.gantry.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Damage done to a store's backing file behind the store's back. */
final class BackendFiles {

    private BackendFiles() {}

    static void damage(Path file, ObjectStoreContract.Damage damage) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        switch (damage) {
            case FLIP_A_BYTE -> {
                bytes[bytes.length / 2] ^= 0x5a;
                Files.write(file, bytes);
            }
            case CUT_THE_TAIL -> Files.write(file, Arrays.copyOf(bytes, bytes.length - 1000));
        }
    }
}
