package io.mentoringoutcomes.serve;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Who may connect to {@code serve} and how: authentication (none, a users file of PBKDF2 hashes, or
 * an LDAP directory), TLS, and the transport (binary Thrift, or HTTP for gateways and proxies).
 * Every option is checked against an allow-list here, before Spark starts, and turned into the
 * HiveServer2 settings ({@code hive.server2.*}) Spark's Thrift Server reads.
 *
 * <p>Secrets never come from argv: the keystore password comes from the environment or a file.
 */
public final class EndpointSecurity {

    public enum Auth {
        NONE,
        PASSWORD,
        LDAP
    }

    public enum Transport {
        BINARY,
        HTTP
    }

    public static final String KEYSTORE_PASSWORD_ENV = "MENTORING_SERVE_KEYSTORE_PASSWORD";
    public static final String KEYSTORE_PASSWORD_FILE_ENV = "MENTORING_SERVE_KEYSTORE_PASSWORD_FILE";
    public static final String DEFAULT_HTTP_PATH = "cliservice";

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9:][A-Za-z0-9.:-]{0,252}");
    private static final Pattern HTTP_PATH = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern LDAP_URL = Pattern.compile("ldaps?://[A-Za-z0-9.-]+(:[0-9]{1,5})?/?");
    private static final Pattern LDAP_DN = Pattern.compile("[A-Za-z0-9 =,._-]{1,512}");
    private static final Pattern LDAP_DOMAIN = Pattern.compile("[A-Za-z0-9.-]{1,253}");
    private static final Pattern LDAP_DN_PATTERN =
            Pattern.compile("[A-Za-z0-9 =,._-]*%s[A-Za-z0-9 =,._-]*(:[A-Za-z0-9 =,._-]*%s[A-Za-z0-9 =,._-]*)*");

    /** The options as given on the command line; null where not given. */
    public record Options(
            String host,
            int port,
            Auth auth,
            Path usersFile,
            String ldapUrl,
            String ldapBaseDn,
            String ldapDomain,
            String ldapUserDnPattern,
            Path keystore,
            Path keystorePasswordFile,
            Transport transport,
            int httpPort,
            String httpPath) {}

    private final Options options;
    private final String keystorePassword;
    private final List<String> warnings;

    private EndpointSecurity(Options options, String keystorePassword, List<String> warnings) {
        this.options = options;
        this.keystorePassword = keystorePassword;
        this.warnings = warnings;
    }

    /** Checks {@code o} (and reads the keystore password from {@code env} or its file); fails naming the option. */
    public static EndpointSecurity validate(Options o, Map<String, String> env) {
        if (o.host() == null || !HOST.matcher(o.host()).matches()) {
            throw new IllegalArgumentException("--host: '" + o.host() + "' is not a host name or IP address");
        }
        checkPort("--port", o.port());
        checkPort("--http-port", o.httpPort());
        Auth auth = o.auth() == null ? Auth.NONE : o.auth();
        boolean loopback = isLoopback(o.host());
        if (auth == Auth.NONE && !loopback) {
            throw new IllegalArgumentException(
                    "--host " + o.host() + " is not a loopback address: serve refuses to listen "
                            + "beyond this machine without authentication; add --auth password --users-file FILE or --auth ldap");
        }
        if (auth == Auth.PASSWORD) {
            if (o.usersFile() == null) {
                throw new IllegalArgumentException("--users-file FILE is required with --auth password (create it with "
                        + "`mentoring-outcomes serve users add NAME --users-file FILE`)");
            }
            if (!Files.isRegularFile(o.usersFile())) {
                throw new IllegalArgumentException("--users-file: " + o.usersFile() + " is not a file; create it with "
                        + "`mentoring-outcomes serve users add NAME --users-file " + o.usersFile() + "`");
            }
            try {
                if (UsersFile.read(o.usersFile()).isEmpty()) {
                    throw new IllegalArgumentException("--users-file: " + o.usersFile() + " holds no users");
                }
            } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
                throw new IllegalArgumentException(
                        e.getMessage().startsWith("--users-file") ? e.getMessage() : "--users-file: " + e.getMessage(),
                        e);
            }
        } else if (o.usersFile() != null) {
            throw new IllegalArgumentException("--users-file is only read with --auth password");
        }
        List<String> warnings = new java.util.ArrayList<>();
        boolean ldapOption = o.ldapUrl() != null
                || o.ldapBaseDn() != null
                || o.ldapDomain() != null
                || o.ldapUserDnPattern() != null;
        if (auth == Auth.LDAP) {
            if (o.ldapUrl() == null || !LDAP_URL.matcher(o.ldapUrl()).matches()) {
                throw new IllegalArgumentException(
                        "--ldap-url: '" + o.ldapUrl() + "' is not ldap://HOST[:PORT] or ldaps://HOST[:PORT]");
            }
            check("--ldap-base-dn", o.ldapBaseDn(), LDAP_DN, "a DN such as ou=people,dc=example,dc=com");
            check("--ldap-domain", o.ldapDomain(), LDAP_DOMAIN, "a domain such as example.com");
            check(
                    "--ldap-user-dn-pattern",
                    o.ldapUserDnPattern(),
                    LDAP_DN_PATTERN,
                    "a DN with %s for the user name, such as uid=%s,ou=people,dc=example,dc=com");
            if (o.ldapUrl().startsWith("ldap://") && !loopback) {
                warnings.add("--ldap-url is ldap://: passwords travel to the directory unencrypted; prefer ldaps://");
            }
        } else if (ldapOption) {
            throw new IllegalArgumentException(
                    "--ldap-url, --ldap-base-dn, --ldap-domain and --ldap-user-dn-pattern are "
                            + "only read with --auth ldap");
        }
        String password = null;
        if (o.keystore() != null) {
            if (!Files.isRegularFile(o.keystore())) {
                throw new IllegalArgumentException("--keystore: " + o.keystore() + " is not a file");
            }
            password = keystorePassword(o.keystorePasswordFile(), env);
            try {
                KeyStore.getInstance(o.keystore().toFile(), password.toCharArray());
            } catch (IOException | java.security.GeneralSecurityException e) {
                throw new IllegalArgumentException(
                        "--keystore: cannot open " + o.keystore() + " with the password from "
                                + passwordSource(o.keystorePasswordFile(), env) + " (" + e.getMessage() + ")",
                        e);
            }
        } else if (o.keystorePasswordFile() != null) {
            throw new IllegalArgumentException("--keystore-password-file is only read with --keystore");
        }
        Transport transport = o.transport() == null ? Transport.BINARY : o.transport();
        String path = o.httpPath() == null ? DEFAULT_HTTP_PATH : o.httpPath();
        check("--http-path", path, HTTP_PATH, "letters, digits, _ and - (default " + DEFAULT_HTTP_PATH + ")");
        if (auth != Auth.NONE && o.keystore() == null && !loopback) {
            warnings.add(
                    "passwords travel unencrypted without --keystore (TLS); use it unless a TLS proxy fronts serve");
        }
        Options normalised = new Options(
                o.host(),
                o.port(),
                auth,
                o.usersFile(),
                o.ldapUrl(),
                o.ldapBaseDn(),
                o.ldapDomain(),
                o.ldapUserDnPattern(),
                o.keystore(),
                o.keystorePasswordFile(),
                transport,
                o.httpPort(),
                path);
        return new EndpointSecurity(normalised, password, List.copyOf(warnings));
    }

    /** Loopback only: the default, and all that serve allows without authentication. */
    public static EndpointSecurity loopback(String host, int port) {
        return validate(
                new Options(
                        host, port, Auth.NONE, null, null, null, null, null, null, null, Transport.BINARY, 10001, null),
                Map.of());
    }

    private static String keystorePassword(Path file, Map<String, String> env) {
        String value = env.get(KEYSTORE_PASSWORD_ENV);
        Path from = file != null
                ? file
                : env.get(KEYSTORE_PASSWORD_FILE_ENV) != null
                                && !env.get(KEYSTORE_PASSWORD_FILE_ENV).isEmpty()
                        ? Path.of(env.get(KEYSTORE_PASSWORD_FILE_ENV))
                        : null;
        if (from != null) {
            try {
                value = Files.readString(from, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "--keystore-password-file: cannot read " + from + " (" + e.getMessage() + ")", e);
            }
        }
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("--keystore needs its password in " + KEYSTORE_PASSWORD_ENV
                    + ", or in a file " + "named by --keystore-password-file or " + KEYSTORE_PASSWORD_FILE_ENV
                    + " (never on the command line)");
        }
        return value;
    }

    private static String passwordSource(Path file, Map<String, String> env) {
        return file != null
                ? "--keystore-password-file"
                : env.get(KEYSTORE_PASSWORD_FILE_ENV) != null ? KEYSTORE_PASSWORD_FILE_ENV : KEYSTORE_PASSWORD_ENV;
    }

    private static void checkPort(String option, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(option + ": " + port + " is not a port (1-65535)");
        }
    }

    private static void check(String option, String value, Pattern allowed, String expected) {
        if (value != null && !allowed.matcher(value).matches()) {
            throw new IllegalArgumentException(option + ": '" + value + "' is not allowed; expected " + expected);
        }
    }

    static boolean isLoopback(String host) {
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--host: cannot resolve '" + host + "'", e);
        }
    }

    public boolean authenticated() {
        return options.auth() != Auth.NONE;
    }

    public Options options() {
        return options;
    }

    public List<String> warnings() {
        return warnings;
    }

    /** The port clients connect to: --http-port for HTTP, --port for binary Thrift. */
    public int listenPort() {
        return options.transport() == Transport.HTTP ? options.httpPort() : options.port();
    }

    /**
     * The HiveServer2 settings, as Spark settings ({@code spark.hadoop.hive.server2.*}). The keystore
     * password is not among them: a client's SET could list it; see {@link #secretHadoopSettings}.
     */
    public Map<String, String> sparkSettings() {
        Map<String, String> conf = new LinkedHashMap<>();
        hiveSettings().forEach((k, v) -> conf.put("spark.hadoop." + k, v));
        return conf;
    }

    /** HiveServer2's settings, except the secret. */
    Map<String, String> hiveSettings() {
        Map<String, String> hive = new LinkedHashMap<>();
        hive.put("hive.server2.thrift.bind.host", options.host());
        hive.put("hive.server2.thrift.port", String.valueOf(options.port()));
        hive.put("hive.server2.transport.mode", options.transport().name().toLowerCase(Locale.ROOT));
        if (options.transport() == Transport.HTTP) {
            hive.put("hive.server2.thrift.http.port", String.valueOf(options.httpPort()));
            hive.put("hive.server2.thrift.http.path", options.httpPath());
        }
        switch (options.auth()) {
            case NONE -> hive.put("hive.server2.authentication", "NONE");
            case PASSWORD -> {
                hive.put("hive.server2.authentication", "CUSTOM");
                hive.put("hive.server2.custom.authentication.class", UsersFileAuthenticator.class.getName());
            }
            case LDAP -> {
                hive.put("hive.server2.authentication", "LDAP");
                hive.put("hive.server2.authentication.ldap.url", options.ldapUrl());
                putIfSet(hive, "hive.server2.authentication.ldap.baseDN", options.ldapBaseDn());
                putIfSet(hive, "hive.server2.authentication.ldap.Domain", options.ldapDomain());
                putIfSet(hive, "hive.server2.authentication.ldap.userDNPattern", options.ldapUserDnPattern());
            }
        }
        if (options.keystore() != null) {
            hive.put("hive.server2.use.SSL", "true");
            hive.put(
                    "hive.server2.keystore.path",
                    options.keystore().toAbsolutePath().toString());
        }
        return hive;
    }

    /**
     * What Hive's password providers read: they build a fresh HiveConf per login, which takes
     * Hive's settings from system properties, not from the server's configuration.
     */
    public Map<String, String> providerSystemProperties() {
        Map<String, String> props = new LinkedHashMap<>();
        hiveSettings().forEach((k, v) -> {
            if (k.startsWith("hive.server2.authentication") || k.startsWith("hive.server2.custom.")) {
                props.put(k, v);
            }
        });
        return props;
    }

    /** Set on the Hadoop configuration only, which the Thrift Server reads and SQL cannot list. */
    public Map<String, String> secretHadoopSettings() {
        return keystorePassword == null ? Map.of() : Map.of("hive.server2.keystore.password", keystorePassword);
    }

    /** The JDBC URL a client uses, in database {@code database}. */
    public String jdbcUrl(String database) {
        StringBuilder url = new StringBuilder("jdbc:hive2://" + options.host() + ":" + listenPort() + "/" + database);
        if (options.keystore() != null) {
            url.append(";ssl=true");
        }
        if (options.transport() == Transport.HTTP) {
            url.append(";transportMode=http;httpPath=").append(options.httpPath());
        }
        return url.toString();
    }

    /** One line for the start-up message, without secrets. */
    public String describe() {
        String who = switch (options.auth()) {
            case NONE -> "no authentication";
            case PASSWORD -> "password authentication (" + options.usersFile() + ")";
            case LDAP -> "LDAP authentication (" + options.ldapUrl() + ")";
        };
        return who + ", " + (options.keystore() != null ? "TLS" : "no TLS") + ", "
                + options.transport().name().toLowerCase(Locale.ROOT) + " transport";
    }

    private static void putIfSet(Map<String, String> m, String k, String v) {
        if (v != null) {
            m.put(k, v);
        }
    }
}
