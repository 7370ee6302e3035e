package io.mentoringoutcomes.metrics;

import static org.apache.spark.sql.functions.udf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * Keyed pseudonyms: HMAC-SHA256(secret, id) as lower-case hex, truncated to
 * {@link #DEFAULT_HEX_CHARS} characters (64 bits: collisions are negligible below millions of
 * ids, and shorter keys read better in BI tools). Without the secret a pseudonym cannot be
 * recomputed from an id, unlike a plain hash of a guessable employee or match id.
 *
 * <p>The secret comes from env {@code MENTORING_PSEUDONYM_KEY} (its UTF-8 bytes) or from the file
 * named by {@code MENTORING_PSEUDONYM_KEY_FILE} (its content, trailing newline trimmed). With
 * neither, {@link #fromEnvironment()} fails: a job that needs pseudonyms must not silently mint
 * a key, since pseudonyms would then change between runs and across warehouses. Keys shorter
 * than 16 bytes are refused. Spark 3.5 has no HMAC SQL function, so this is a deterministic UDF;
 * the key travels to executors inside the serialized function.
 */
public final class Pseudonymizer implements java.io.Serializable {

    public static final String KEY_ENV = "MENTORING_PSEUDONYM_KEY";
    public static final String KEY_FILE_ENV = "MENTORING_PSEUDONYM_KEY_FILE";
    public static final int DEFAULT_HEX_CHARS = 16;
    static final int MIN_KEY_BYTES = 16;
    private static final long serialVersionUID = 1L;

    private final byte[] key;

    public Pseudonymizer(byte[] key) {
        if (key == null || key.length == 0) {
            throw new IllegalArgumentException("pseudonym key is empty");
        }
        this.key = key.clone();
    }

    /** From the process environment; fails when no key is configured. */
    public static Pseudonymizer fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    static Pseudonymizer fromEnvironment(Map<String, String> env) {
        String value = env.get(KEY_ENV);
        String file = env.get(KEY_FILE_ENV);
        byte[] key;
        if (value != null && !value.isEmpty()) {
            key = value.getBytes(StandardCharsets.UTF_8);
        } else if (file != null && !file.isEmpty()) {
            try {
                key = Files.readString(Path.of(file), StandardCharsets.UTF_8)
                        .strip()
                        .getBytes(StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the pseudonym key file " + KEY_FILE_ENV + "=" + file, e);
            }
        } else {
            throw new IllegalStateException("no pseudonym key: set " + KEY_ENV + " or " + KEY_FILE_ENV
                    + " (a secret of at least " + MIN_KEY_BYTES + " bytes, the same for every run of this warehouse)");
        }
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalStateException(
                    "the pseudonym key is " + key.length + " bytes; at least " + MIN_KEY_BYTES + " are required");
        }
        return new Pseudonymizer(key);
    }

    /** The user-level key file, outside every warehouse: {@code $XDG_CONFIG_HOME/mentoring-outcomes/pseudonym.key}. */
    public static Path userKeyFile(Map<String, String> env) {
        String xdg = env.get("XDG_CONFIG_HOME");
        Path config =
                xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return config.resolve("mentoring-outcomes").resolve("pseudonym.key");
    }

    /** Where releases before this one kept the key, inside the warehouse. */
    static final String WAREHOUSE_KEY = "/_secrets/pseudonym.key";

    /**
     * The environment's key when one is set; otherwise the user-level key file
     * ({@link #userKeyFile}), created owner-only on first use so that pseudonyms stay stable from
     * night to night. The key never lives in the warehouse: whoever reads the warehouse could
     * recompute every pseudonym from the (sequential) match ids. A key file found in the warehouse
     * is moved to the user-level file when that does not exist yet, and refused otherwise.
     */
    public static Pseudonymizer forWarehouse(io.mentoringoutcomes.spark.Warehouse wh) {
        return forWarehouse(wh.root(), wh.hadoopConf(), System.getenv());
    }

    static Pseudonymizer forWarehouse(
            String warehouseRoot, org.apache.hadoop.conf.Configuration conf, Map<String, String> env) {
        org.apache.hadoop.fs.Path inWarehouse = new org.apache.hadoop.fs.Path(warehouseRoot + WAREHOUSE_KEY);
        Path user = userKeyFile(env);
        try {
            org.apache.hadoop.fs.FileSystem fs = inWarehouse.getFileSystem(conf);
            if (fs.exists(inWarehouse)) {
                byte[] old;
                try (var in = fs.open(inWarehouse)) {
                    old = in.readAllBytes();
                }
                boolean configured = env.get(KEY_ENV) != null || env.get(KEY_FILE_ENV) != null;
                if (configured || Files.exists(user)) {
                    throw new IllegalStateException("a pseudonym key file is inside the warehouse (" + inWarehouse
                            + "), where anyone who reads the warehouse can read it, and a key is also configured ("
                            + (configured ? KEY_ENV + "/" + KEY_FILE_ENV : user) + "). Keep the one your published"
                            + " pseudonyms were made with outside the warehouse (" + KEY_FILE_ENV + " or " + user
                            + ") and delete " + inWarehouse);
                }
                writeOwnerOnly(user, old);
                fs.delete(inWarehouse, false);
                org.slf4j.LoggerFactory.getLogger(Pseudonymizer.class)
                        .warn(
                                "[metrics] WARNING moved the pseudonym key out of the warehouse: {} -> {}",
                                inWarehouse,
                                user);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check the warehouse for a pseudonym key file " + inWarehouse, e);
        }
        if (env.get(KEY_ENV) != null || env.get(KEY_FILE_ENV) != null) {
            return fromEnvironment(env);
        }
        try {
            if (!Files.exists(user)) {
                byte[] random = new byte[32];
                new java.security.SecureRandom().nextBytes(random);
                try {
                    writeOwnerOnly(
                            user, java.util.HexFormat.of().formatHex(random).getBytes(StandardCharsets.UTF_8));
                } catch (java.nio.file.FileAlreadyExistsException another) {
                    // another process created it first: use theirs, so both make the same pseudonyms
                }
            }
            return new Pseudonymizer(
                    Files.readString(user, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read or create the pseudonym key " + user + "; set " + KEY_ENV + " or " + KEY_FILE_ENV, e);
        }
    }

    /**
     * Creates a file readable and writable by its owner only (from the start, not chmod after writing),
     * whole or not at all: the content goes to a private temporary file that is then hard-linked under
     * the final name, which fails if the name exists. Two processes on first use (a night and
     * {@code serve}, or two test forks) cannot both create it, nor read it half-written.
     *
     * @throws java.nio.file.FileAlreadyExistsException if the file exists (another process created it)
     */
    private static void writeOwnerOnly(Path file, byte[] content) throws IOException {
        Path dir = Files.createDirectories(file.getParent());
        Path tmp;
        try {
            tmp = Files.createTempFile(
                    dir,
                    ".pseudonym",
                    ".tmp",
                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            tmp = Files.createTempFile(dir, ".pseudonym", ".tmp");
        }
        try {
            Files.write(tmp, content);
            try {
                Files.createLink(file, tmp);
            } catch (java.nio.file.FileAlreadyExistsException taken) {
                throw taken;
            } catch (UnsupportedOperationException | java.nio.file.FileSystemException noHardLinks) {
                // A file system without hard links: a rename that refuses an existing name is still whole,
                // though two first uses at the same instant may then both pass the check.
                Files.move(tmp, file);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Full HMAC-SHA256 of the UTF-8 bytes of data, as 64 lower-case hex characters. */
    public static String hmacSha256Hex(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] digest = mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder(digest.length * 2);
            for (byte b : digest) {
                hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
            }
            return hex.toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    public String pseudonym(String id) {
        return pseudonym(id, DEFAULT_HEX_CHARS);
    }

    public String pseudonym(String id, int hexChars) {
        return id == null ? null : hmacSha256Hex(key, id).substring(0, hexChars);
    }

    /** The pseudonym of a string column (null stays null), 16 hex characters. */
    public Column column(Column id) {
        return column(id, DEFAULT_HEX_CHARS);
    }

    public Column column(Column id, int hexChars) {
        if (hexChars < 1 || hexChars > 64) {
            throw new IllegalArgumentException("hexChars must be 1..64: " + hexChars);
        }
        byte[] k = key.clone();
        UDF1<String, String> f = s -> s == null ? null : hmacSha256Hex(k, s).substring(0, hexChars);
        UserDefinedFunction fn = udf(f, DataTypes.StringType);
        return fn.apply(id.cast("string"));
    }
}
