package io.mentoringoutcomes.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.security.sasl.AuthenticationException;
import org.apache.hive.service.auth.PasswdAuthenticationProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HiveServer2's {@code CUSTOM} password check for {@code serve --auth password}: the user's salted
 * PBKDF2 hash in the {@link UsersFile}. Hive builds a new instance per login from a fresh HiveConf,
 * so the file's location is process-wide ({@link #use}); the file is re-read when it changes, so
 * {@code serve users add} takes effect without a restart. Until {@link #use} is called, every login
 * is refused.
 */
public final class UsersFileAuthenticator implements PasswdAuthenticationProvider {

    static final Logger AUDIT = LoggerFactory.getLogger("io.mentoringoutcomes.serve.audit");

    private static final AtomicReference<Path> FILE = new AtomicReference<>();
    private static final AtomicReference<Loaded> LOADED = new AtomicReference<>();
    /**
     * The file's users, and a decoy hash (of the first user's iteration count) checked for unknown
     * names, so a login takes as long whether or not the name exists.
     */
    private record Loaded(FileTime modified, long size, Map<String, PasswordHash> users, PasswordHash decoy) {

        static Loaded of(FileTime modified, long size, Map<String, PasswordHash> users) {
            int iterations = users.values().stream()
                    .findFirst()
                    .map(PasswordHash::iterations)
                    .orElse(PasswordHash.DEFAULT_ITERATIONS);
            return new Loaded(modified, size, users, PasswordHash.of(new char[] {'-'}, iterations));
        }
    }

    /** Where the users are; reads the file once now, so a broken file stops serve at start. */
    public static void use(Path usersFile) {
        FILE.set(usersFile.toAbsolutePath());
        LOADED.set(null);
        users();
    }

    static Map<String, PasswordHash> users() {
        return loaded().users();
    }

    private static Loaded loaded() {
        Path file = FILE.get();
        if (file == null) {
            return Loaded.of(FileTime.fromMillis(0), 0, Map.of());
        }
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            Loaded cached = LOADED.get();
            if (cached != null && cached.modified().equals(modified) && cached.size() == size) {
                return cached;
            }
            Loaded fresh = Loaded.of(modified, size, UsersFile.read(file));
            LOADED.set(fresh);
            return fresh;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the users file " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void Authenticate(String user, String password) throws AuthenticationException {
        Loaded loaded;
        try {
            loaded = loaded();
        } catch (RuntimeException e) {
            // A broken edit of the file refuses everyone rather than letting anyone in.
            AUDIT.error("login refused for all users: {}", e.getMessage());
            throw new AuthenticationException("authentication is unavailable");
        }
        String name = user == null ? "" : user;
        char[] given = password == null ? new char[0] : password.toCharArray();
        PasswordHash stored = loaded.users().get(name);
        boolean ok = (stored != null ? stored : loaded.decoy()).matches(given) && stored != null;
        java.util.Arrays.fill(given, '\0');
        String shown = UsersFile.NAME.matcher(name).matches() ? name : "(malformed name)";
        if (!ok) {
            AUDIT.warn("login refused: user {}", shown);
            throw new AuthenticationException("wrong user name or password");
        }
        AUDIT.info("login: user {}", shown);
    }
}
