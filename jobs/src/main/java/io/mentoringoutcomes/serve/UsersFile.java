package io.mentoringoutcomes.serve;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The users {@code serve --auth password} accepts: one {@code NAME:pbkdf2-sha256$...} line per user,
 * {@code #} comments and blank lines allowed, nothing else. Written owner-only and replaced
 * atomically, so a running server never reads half a file.
 */
public final class UsersFile {

    /** What a user name may be: what BI tools send, nothing that could break a line or a log. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

    public static final int MIN_PASSWORD_CHARS = 12;
    static final int MAX_PASSWORD_CHARS = 1024;

    private UsersFile() {}

    public static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("user name must match " + NAME.pattern() + " (letters, digits, . _ @ -; "
                    + "at most 64 characters)");
        }
    }

    public static void checkPassword(char[] password) {
        if (password.length < MIN_PASSWORD_CHARS || password.length > MAX_PASSWORD_CHARS) {
            throw new IllegalArgumentException(
                    "the password must be " + MIN_PASSWORD_CHARS + " to " + MAX_PASSWORD_CHARS + " characters long");
        }
        for (char c : password) {
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException("the password contains a control character (a stray newline?)");
            }
        }
    }

    /** The users in {@code file}, in file order; a malformed line fails the whole file, naming its line number. */
    public static Map<String, PasswordHash> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the users file " + file + ": " + e.getMessage(), e);
        }
        Map<String, PasswordHash> users = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            String where = file + " line " + (i + 1) + ": ";
            if (colon < 0) {
                throw new IllegalArgumentException(where + "expected NAME:" + PasswordHash.SCHEME + "$...");
            }
            String name = line.substring(0, colon);
            try {
                checkName(name);
                if (users.put(name, PasswordHash.decode(line.substring(colon + 1))) != null) {
                    throw new IllegalArgumentException("user " + name + " appears twice");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + e.getMessage(), e);
            }
        }
        return Collections.unmodifiableMap(users);
    }

    /** Adds {@code name}, or replaces its password; the file is created when missing. */
    public static void put(Path file, String name, PasswordHash hash) {
        checkName(name);
        Map<String, PasswordHash> users = new LinkedHashMap<>(Files.exists(file) ? read(file) : Map.of());
        users.put(name, hash);
        write(file, users);
    }

    /** Removes {@code name}; false when it was not there. */
    public static boolean remove(Path file, String name) {
        checkName(name);
        Map<String, PasswordHash> users = new LinkedHashMap<>(read(file));
        if (users.remove(name) == null) {
            return false;
        }
        write(file, users);
        return true;
    }

    private static void write(Path file, Map<String, PasswordHash> users) {
        StringBuilder text = new StringBuilder("# mentoring-outcomes serve users: NAME:" + PasswordHash.SCHEME
                + "$ITERATIONS$SALT$HASH. Edit with `mentoring-outcomes serve users add|remove`.\n");
        users.forEach((name, hash) ->
                text.append(name).append(':').append(hash.encode()).append('\n'));
        Path dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".users-", ".tmp");
            try {
                if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                }
                Files.writeString(tmp, text, StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the users file " + file + ": " + e.getMessage(), e);
        }
    }
}
