package dev.gantry.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An {@link ObjectStore} in a local folder: one file per key, the key's segments as
 * directories. The default store, and the one local worker processes share with the server.
 *
 * <p>A put writes a temp file next to the target, fsyncs it, renames it onto the target with
 * {@code ATOMIC_MOVE}, then fsyncs the directory. The rename is what makes overwrites atomic for
 * concurrent readers (a reader holding the old file keeps reading the old inode); the fsyncs make
 * the new object survive a power cut once put returns, which matters because a checkpoint row is
 * written in Postgres only after its put returned.
 *
 * <p>Temp files carry a {@code ~} in their name, a character no key may contain, so they never
 * collide with a key and {@link #list} never reports one. A process killed mid-put can still leave
 * one behind; they are not swept automatically, since another process may be writing it right now.
 *
 * <p>Empty directories are left in place after deletes: removing them would race with a
 * concurrent put into the same directory.
 */
public final class FolderObjectStore implements ObjectStore {

    private static final String TEMP_MARKER = "~";

    private final Path root;

    public FolderObjectStore(Path root) {
        try {
            Files.createDirectories(root);
            // The real path, so the containment check below compares like with like even when the
            // configured folder is reached through a symlink.
            this.root = root.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create object store folder " + root, e);
        }
    }

    public Path root() {
        return root;
    }

    @Override
    public void put(String key, InputStream content) throws IOException {
        Path target = resolve(key);
        Path directory = target.getParent();
        Files.createDirectories(directory);
        Path temp = Files.createTempFile(directory, "." + target.getFileName() + TEMP_MARKER, ".tmp");
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                byte[] buffer = new byte[64 * 1024];
                int n;
                while ((n = content.read(buffer)) != -1) {
                    ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                    while (chunk.hasRemaining()) {
                        out.write(chunk);
                    }
                }
                out.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (Throwable e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        fsyncDirectory(directory);
    }

    @Override
    public InputStream open(String key) {
        Path path = resolve(key);
        // Opening a directory succeeds on Linux and only its reads fail: a key that is a
        // directory here (the prefix of other keys) is not an object.
        if (Files.isDirectory(path)) {
            throw new ObjectNotFoundException(key);
        }
        try {
            return Files.newInputStream(path);
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException(key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean exists(String key) {
        return Files.isRegularFile(resolve(key));
    }

    @Override
    public long size(String key) {
        Path path = resolve(key);
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                throw new ObjectNotFoundException(key);
            }
            return attributes.size();
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException(key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void delete(String key) {
        Path path = resolve(key);
        if (Files.isDirectory(path)) {
            return;
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<String> list(String prefix) {
        ObjectKeys.requireValidPrefix(prefix);
        // Walk only the deepest directory the prefix names, not the whole store.
        int lastSlash = prefix.lastIndexOf('/');
        Path start = lastSlash < 0 ? root : contained(root.resolve(prefix.substring(0, lastSlash)), prefix);
        if (!Files.isDirectory(start)) {
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        try {
            Files.walkFileTree(start, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    if (attributes.isRegularFile()
                            && !file.getFileName().toString().contains(TEMP_MARKER)) {
                        String key = keyOf(file);
                        if (key.startsWith(prefix)) {
                            keys.add(key);
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    // A concurrent delete or an atomic rename of a temp file may remove an entry
                    // between readdir and stat; that object simply is not there any more.
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Collections.sort(keys);
        return keys;
    }

    private Path resolve(String key) {
        ObjectKeys.requireValid(key);
        return contained(root.resolve(key), key);
    }

    /**
     * The key rules already forbid every way out of the root; this is the second lock on the
     * door, in case those rules are ever loosened.
     */
    private Path contained(Path path, String key) {
        Path normalized = path.normalize();
        if (!normalized.startsWith(root) || normalized.equals(root)) {
            throw new InvalidObjectKeyException("Object key '" + key + "' resolves outside the store");
        }
        return normalized;
    }

    private String keyOf(Path file) {
        Path relative = root.relativize(file);
        StringBuilder key = new StringBuilder();
        for (Path segment : relative) {
            if (!key.isEmpty()) {
                key.append('/');
            }
            key.append(segment);
        }
        return key.toString();
    }

    /** Makes the rename itself durable; without it a crash can bring back the old directory entry. */
    private static void fsyncDirectory(Path directory) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(directory, StandardOpenOption.READ);
        } catch (IOException e) {
            // Some platforms cannot open a directory at all (Windows); the file itself was fsynced.
            return;
        }
        try (channel) {
            channel.force(true);
        }
    }
}
