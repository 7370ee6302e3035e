package io.mentoringoutcomes.serve;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.serve.EndpointSecurity.Auth;
import io.mentoringoutcomes.serve.EndpointSecurity.Options;
import io.mentoringoutcomes.serve.EndpointSecurity.Transport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.security.sasl.AuthenticationException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * serve's security options without a server: password hashes against a published PBKDF2 vector, the
 * users file, and a corpus of hostile option values, each refused with a message naming its option.
 */
class EndpointSecurityTest {

    @TempDir
    static Path dir;

    static Path users;

    /** Two users at the minimum iteration count, to keep the test fast; the format is the production one. */
    @BeforeAll
    static void users() {
        users = dir.resolve("users");
        UsersFile.put(
                users, "alice", PasswordHash.of("alice-long-password".toCharArray(), PasswordHash.MIN_ITERATIONS));
        UsersFile.put(
                users,
                "bob.smith@example.com",
                PasswordHash.of("bob-long-password!".toCharArray(), PasswordHash.MIN_ITERATIONS));
    }

    static Options options(Function<Options, Options> change) {
        return change.apply(new Options(
                "127.0.0.1",
                10000,
                Auth.NONE,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                Transport.BINARY,
                10001,
                null));
    }

    static Options with(Options o, String host, Auth auth, Path usersFile) {
        return new Options(
                host,
                o.port(),
                auth,
                usersFile,
                o.ldapUrl(),
                o.ldapBaseDn(),
                o.ldapDomain(),
                o.ldapUserDnPattern(),
                o.keystore(),
                o.keystorePasswordFile(),
                o.transport(),
                o.httpPort(),
                o.httpPath());
    }

    static Options ldap(String url, String baseDn, String domain, String pattern) {
        return new Options(
                "127.0.0.1",
                10000,
                Auth.LDAP,
                null,
                url,
                baseDn,
                domain,
                pattern,
                null,
                null,
                Transport.BINARY,
                10001,
                null);
    }

    @Test
    void pbkdf2MatchesTheRfc7914Vector() {
        // RFC 7914 section 11: PBKDF2-HMAC-SHA256("passwd", "salt", c=1); a 32-byte key is the first block.
        assertEquals(
                "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc",
                HexFormat.of().formatHex(PasswordHash.derive("passwd".toCharArray(), "salt".getBytes(), 1)));
    }

    @Test
    void aHashMatchesItsPasswordOnlyAndSurvivesItsEncoding() {
        PasswordHash h = PasswordHash.of("correct horse battery".toCharArray(), PasswordHash.MIN_ITERATIONS);
        PasswordHash back = PasswordHash.decode(h.encode());
        assertEquals(h, back);
        assertTrue(back.matches("correct horse battery".toCharArray()));
        assertFalse(back.matches("correct horse batterY".toCharArray()));
        assertFalse(back.matches(new char[0]));
        // Salted: the same password hashes differently twice.
        assertNotEquals(
                h.encode(),
                PasswordHash.of("correct horse battery".toCharArray(), PasswordHash.MIN_ITERATIONS)
                        .encode());
        assertTrue(h.encode().startsWith("pbkdf2-sha256$100000$"), h.encode());
    }

    @Test
    void theUsersFileHoldsHashesOnlyOwnerReadable() throws Exception {
        String text = Files.readString(users);
        assertFalse(text.contains("alice-long-password"), text);
        assertEquals(
                List.of("alice", "bob.smith@example.com"),
                List.copyOf(UsersFile.read(users).keySet()));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(users));
        // Replacing a password keeps one line per user.
        Path copy = dir.resolve("users-copy");
        Files.copy(users, copy);
        UsersFile.put(copy, "alice", PasswordHash.of("a-new-long-password".toCharArray(), PasswordHash.MIN_ITERATIONS));
        assertEquals(2, UsersFile.read(copy).size());
        assertTrue(UsersFile.read(copy).get("alice").matches("a-new-long-password".toCharArray()));
        assertTrue(UsersFile.remove(copy, "alice"));
        assertFalse(UsersFile.remove(copy, "alice"));
        assertEquals(
                List.of("bob.smith@example.com"),
                List.copyOf(UsersFile.read(copy).keySet()));
    }

    @Test
    void hostileUsersFilesAreRefusedWithTheirLineNumber() throws Exception {
        Map<String, String> hostile = Map.of(
                "alice:plain-text-password",
                "line 1",
                "alice:pbkdf2-sha256$1000$c2FsdHNhbHRzYWx0c2FsdA$" + "A".repeat(43),
                "iterations",
                "alice:md5$100000$c2FsdA$abc",
                "line 1",
                "al ice:pbkdf2-sha256$100000$c2FsdHNhbHRzYWx0c2FsdA$" + "A".repeat(43),
                "user name",
                "# ok\nalice",
                "line 2",
                "alice:pbkdf2-sha256$100000$!!!$" + "A".repeat(43),
                "malformed");
        int i = 0;
        for (Map.Entry<String, String> e : hostile.entrySet()) {
            Path f = dir.resolve("hostile-" + i++);
            Files.writeString(f, e.getKey() + "\n");
            IllegalArgumentException x =
                    assertThrows(IllegalArgumentException.class, () -> UsersFile.read(f), e.getKey());
            assertTrue(x.getMessage().contains(e.getValue()), x.getMessage());
        }
        Path twice = dir.resolve("twice");
        String line = "alice:"
                + PasswordHash.of("alice-long-password".toCharArray(), PasswordHash.MIN_ITERATIONS)
                        .encode() + "\n";
        Files.writeString(twice, line + line);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> UsersFile.read(twice))
                .getMessage()
                .contains("twice"));
    }

    @Test
    void hostileNamesAndPasswordsAreRefused() {
        for (String name : List.of("", "a:b", "a\nb", "-rf", "a b", "a/b", "é", "x".repeat(65), "a;DROP")) {
            assertThrows(IllegalArgumentException.class, () -> UsersFile.checkName(name), name);
        }
        for (String pw : List.of("short", "eleven-char", "twelve-chars\n", "tab\there-long-enough", "x".repeat(1025))) {
            assertThrows(IllegalArgumentException.class, () -> UsersFile.checkPassword(pw.toCharArray()), pw);
        }
        assertDoesNotThrow(() -> UsersFile.checkPassword("twelve-chars".toCharArray()));
    }

    @Test
    void theAuthenticatorAcceptsTheRightPasswordOnly() {
        UsersFileAuthenticator.use(users);
        UsersFileAuthenticator auth = new UsersFileAuthenticator();
        assertDoesNotThrow(() -> auth.Authenticate("alice", "alice-long-password"));
        assertDoesNotThrow(() -> auth.Authenticate("bob.smith@example.com", "bob-long-password!"));
        for (String[] wrong : new String[][] {
            {"alice", "bob-long-password!"},
            {"alice", ""},
            {"alice", null},
            {"mallory", "alice-long-password"},
            {null, null},
            {"alice\n", "alice-long-password"}
        }) {
            assertThrows(
                    AuthenticationException.class,
                    () -> auth.Authenticate(wrong[0], wrong[1]),
                    String.join("|", String.valueOf(wrong[0]), String.valueOf(wrong[1])));
        }
    }

    @Test
    void loopbackNeedsNoAuthenticationAnyOtherHostDoes() {
        assertEquals(
                "NONE",
                EndpointSecurity.validate(options(o -> o), Map.of())
                        .hiveSettings()
                        .get("hive.server2.authentication"));
        assertDoesNotThrow(() ->
                EndpointSecurity.validate(options(o -> with(o, "localhost", Auth.NONE, null)), Map.of()));
        for (String host : List.of("0.0.0.0", "10.1.2.3", "::")) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> EndpointSecurity.validate(options(o -> with(o, host, Auth.NONE, null)), Map.of()),
                    host);
            assertTrue(e.getMessage().startsWith("--host " + host + " is not a loopback address"), e.getMessage());
        }
        EndpointSecurity open =
                EndpointSecurity.validate(options(o -> with(o, "0.0.0.0", Auth.PASSWORD, users)), Map.of());
        assertEquals(
                Map.of(
                        "hive.server2.thrift.bind.host", "0.0.0.0",
                        "hive.server2.thrift.port", "10000",
                        "hive.server2.transport.mode", "binary",
                        "hive.server2.authentication", "CUSTOM",
                        "hive.server2.custom.authentication.class",
                                "io.mentoringoutcomes.serve.UsersFileAuthenticator"),
                open.hiveSettings());
        assertTrue(
                open.warnings().stream().anyMatch(w -> w.contains("unencrypted")),
                open.warnings().toString());
    }

    @Test
    void hostileOptionValuesAreRefusedNamingTheOption() throws Exception {
        Path notUsers = Files.writeString(dir.resolve("empty-users"), "# nobody\n");
        Map<Options, String> hostile = new java.util.LinkedHashMap<>();
        hostile.put(options(o -> with(o, "127.0.0.1;id", Auth.NONE, null)), "--host");
        hostile.put(options(o -> with(o, "-Dx=y", Auth.NONE, null)), "--host");
        hostile.put(options(o -> with(o, "127.0.0.1", Auth.PASSWORD, null)), "--users-file");
        hostile.put(options(o -> with(o, "127.0.0.1", Auth.PASSWORD, dir.resolve("missing"))), "--users-file");
        hostile.put(options(o -> with(o, "127.0.0.1", Auth.PASSWORD, notUsers)), "--users-file");
        hostile.put(options(o -> with(o, "127.0.0.1", Auth.NONE, users)), "--users-file");
        hostile.put(ldap(null, null, null, null), "--ldap-url");
        hostile.put(ldap("http://dir.example.com", null, null, null), "--ldap-url");
        hostile.put(ldap("ldap://dir.example.com/dc=x??sub?(objectClass=*)", null, null, null), "--ldap-url");
        hostile.put(ldap("ldaps://dir.example.com", "ou=people)(uid=*", null, null), "--ldap-base-dn");
        hostile.put(ldap("ldaps://dir.example.com", null, "example.com;x", null), "--ldap-domain");
        hostile.put(ldap("ldaps://dir.example.com", null, null, "uid=admin,dc=x"), "--ldap-user-dn-pattern");
        hostile.put(
                new Options(
                        "127.0.0.1",
                        10000,
                        Auth.NONE,
                        null,
                        "ldaps://dir.example.com",
                        null,
                        null,
                        null,
                        null,
                        null,
                        Transport.BINARY,
                        10001,
                        null),
                "--ldap-url");
        hostile.put(
                new Options(
                        "127.0.0.1",
                        0,
                        Auth.NONE,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        Transport.BINARY,
                        10001,
                        null),
                "--port");
        hostile.put(
                new Options(
                        "127.0.0.1",
                        10000,
                        Auth.NONE,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        Transport.HTTP,
                        70000,
                        null),
                "--http-port");
        for (String path : List.of("../admin", "cli/service", "cli service", "", "cliservice?x=1")) {
            hostile.put(
                    new Options(
                            "127.0.0.1",
                            10000,
                            Auth.NONE,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null,
                            null,
                            Transport.HTTP,
                            10001,
                            path),
                    "--http-path");
        }
        hostile.put(
                new Options(
                        "127.0.0.1",
                        10000,
                        Auth.NONE,
                        null,
                        null,
                        null,
                        null,
                        null,
                        dir.resolve("no-keystore.p12"),
                        null,
                        Transport.BINARY,
                        10001,
                        null),
                "--keystore");
        hostile.put(
                new Options(
                        "127.0.0.1",
                        10000,
                        Auth.NONE,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        users,
                        Transport.BINARY,
                        10001,
                        null),
                "--keystore-password-file");
        for (Map.Entry<Options, String> e : hostile.entrySet()) {
            IllegalArgumentException x = assertThrows(
                    IllegalArgumentException.class,
                    () -> EndpointSecurity.validate(e.getKey(), Map.of()),
                    e.getKey().toString());
            assertTrue(x.getMessage().startsWith(e.getValue()), e.getValue() + " <- " + x.getMessage());
        }
    }

    @Test
    void theKeystorePasswordComesFromTheEnvironmentOrAFileAndIsChecked() throws Exception {
        Path ks = dir.resolve("server.p12");
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setEntry(
                "k",
                new java.security.KeyStore.SecretKeyEntry(new javax.crypto.spec.SecretKeySpec(new byte[16], "AES")),
                new java.security.KeyStore.PasswordProtection("store-secret".toCharArray()));
        try (var out = Files.newOutputStream(ks)) {
            store.store(out, "store-secret".toCharArray());
        }
        Options tls = new Options(
                "127.0.0.1", 10000, Auth.NONE, null, null, null, null, null, ks, null, Transport.BINARY, 10001, null);
        IllegalArgumentException none =
                assertThrows(IllegalArgumentException.class, () -> EndpointSecurity.validate(tls, Map.of()));
        assertTrue(
                none.getMessage().startsWith("--keystore needs its password in MENTORING_SERVE_KEYSTORE_PASSWORD"),
                none.getMessage());
        IllegalArgumentException wrong = assertThrows(
                IllegalArgumentException.class,
                () -> EndpointSecurity.validate(tls, Map.of(EndpointSecurity.KEYSTORE_PASSWORD_ENV, "not-the-secret")));
        assertTrue(wrong.getMessage().startsWith("--keystore: cannot open"), wrong.getMessage());
        assertFalse(wrong.getMessage().contains("not-the-secret"), wrong.getMessage());

        EndpointSecurity fromEnv =
                EndpointSecurity.validate(tls, Map.of(EndpointSecurity.KEYSTORE_PASSWORD_ENV, "store-secret"));
        assertEquals(Map.of("hive.server2.keystore.password", "store-secret"), fromEnv.secretHadoopSettings());
        assertEquals("true", fromEnv.sparkSettings().get("spark.hadoop.hive.server2.use.SSL"));
        assertFalse(
                fromEnv.sparkSettings().containsValue("store-secret"), "the password stays out of Spark's settings");
        assertEquals("jdbc:hive2://127.0.0.1:10000/gold;ssl=true", fromEnv.jdbcUrl("gold"));

        Path pwFile = Files.writeString(dir.resolve("ks-password"), "store-secret\n");
        Options tlsFile = new Options(
                "127.0.0.1", 10000, Auth.NONE, null, null, null, null, null, ks, pwFile, Transport.HTTP, 10443, null);
        EndpointSecurity fromFile = EndpointSecurity.validate(tlsFile, Map.of());
        assertEquals(10443, fromFile.listenPort());
        assertEquals(
                "jdbc:hive2://127.0.0.1:10443/gold;ssl=true;transportMode=http;httpPath=cliservice",
                fromFile.jdbcUrl("gold"));
        assertEquals("cliservice", fromFile.hiveSettings().get("hive.server2.thrift.http.path"));
    }

    @Test
    void ldapSettingsPassThroughAndReachHivesProviders() {
        EndpointSecurity s = EndpointSecurity.validate(
                ldap(
                        "ldaps://dir.example.com:636",
                        "ou=people,dc=example,dc=com",
                        null,
                        "uid=%s,ou=people,dc=example,dc=com"),
                Map.of());
        assertEquals(
                Map.of(
                        "hive.server2.authentication", "LDAP",
                        "hive.server2.authentication.ldap.url", "ldaps://dir.example.com:636",
                        "hive.server2.authentication.ldap.baseDN", "ou=people,dc=example,dc=com",
                        "hive.server2.authentication.ldap.userDNPattern", "uid=%s,ou=people,dc=example,dc=com"),
                s.providerSystemProperties());
    }

    @Test
    void theAuditLogKeepsTheFirstLineOnly() {
        assertEquals(
                "SELECT program_id, roi …",
                StatementAuditLog.firstLine("\n  \nSELECT program_id, roi\nFROM program_roi WHERE x = 'secret'"));
        assertEquals("SHOW TABLES", StatementAuditLog.firstLine("SHOW TABLES"));
        assertEquals("x".repeat(200) + "…", StatementAuditLog.firstLine("x".repeat(500)));
        assertEquals("a?b", StatementAuditLog.printable("a\u001bb"));
    }
}
