package io.mentoringoutcomes.cli;

import io.mentoringoutcomes.serve.PasswordHash;
import io.mentoringoutcomes.serve.UsersFile;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code serve users add|remove NAME}: the users file of {@code serve --auth password}. */
@Command(
        name = "users",
        mixinStandardHelpOptions = true,
        subcommands = {ServeUsersCommand.Add.class, ServeUsersCommand.Remove.class},
        description =
                "Manage the users file of `serve --auth password` (salted PBKDF2-HMAC-SHA256 hashes, owner-only).")
public final class ServeUsersCommand implements Callable<Integer> {

    public static final String PASSWORD_ENV = "MENTORING_SERVE_PASSWORD";
    public static final String PASSWORD_FILE_ENV = "MENTORING_SERVE_PASSWORD_FILE";

    @Override
    public Integer call() {
        System.err.println("usage: serve users add|remove NAME --users-file FILE");
        return 2;
    }

    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description = {
                "Adds user NAME, or sets a new password for it. The password is read from stdin "
                        + "(--password-stdin), " + PASSWORD_ENV + ", the file named by " + PASSWORD_FILE_ENV
                        + ", or a prompt on the terminal; never from the command line."
            })
    static final class Add implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "NAME", description = "User name: letters, digits, . _ @ -")
        String name;

        @Option(
                names = "--users-file",
                required = true,
                paramLabel = "FILE",
                description = "The users file (created if missing).")
        Path usersFile;

        @Option(
                names = "--password-stdin",
                description = "Read the password from standard input (up to the first newline).")
        boolean passwordStdin;

        @Option(
                names = "--iterations",
                defaultValue = "" + PasswordHash.DEFAULT_ITERATIONS,
                description =
                        "PBKDF2 iterations (default: ${DEFAULT-VALUE}; at least " + PasswordHash.MIN_ITERATIONS + ").")
        int iterations;

        @Override
        public Integer call() throws IOException {
            UsersFile.checkName(name);
            char[] password = password(passwordStdin, System.getenv(), System.in, System.console());
            try {
                UsersFile.checkPassword(password);
                UsersFile.put(usersFile, name, PasswordHash.of(password, iterations));
            } finally {
                Arrays.fill(password, '\0');
            }
            System.out.println("[serve users] " + name + " set in " + usersFile);
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Removes user NAME.")
    static final class Remove implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = "--users-file", required = true, paramLabel = "FILE")
        Path usersFile;

        @Override
        public Integer call() {
            if (!UsersFile.remove(usersFile, name)) {
                System.err.println("[serve users] no user " + name + " in " + usersFile);
                return 1;
            }
            System.out.println("[serve users] " + name + " removed from " + usersFile);
            return 0;
        }
    }

    /** The new password, from the first source configured: stdin when asked, the environment, a file, a prompt. */
    static char[] password(boolean fromStdin, Map<String, String> env, InputStream stdin, Console console)
            throws IOException {
        if (fromStdin) {
            return firstLine(stdin.readAllBytes());
        }
        String value = env.get(PASSWORD_ENV);
        if (value != null && !value.isEmpty()) {
            return value.toCharArray();
        }
        String file = env.get(PASSWORD_FILE_ENV);
        if (file != null && !file.isEmpty()) {
            return firstLine(Files.readAllBytes(Path.of(file)));
        }
        if (console != null) {
            char[] first = console.readPassword("password: ");
            char[] again = console.readPassword("again: ");
            if (first == null || again == null || !Arrays.equals(first, again)) {
                throw new IllegalArgumentException("the two passwords differ");
            }
            Arrays.fill(again, '\0');
            return first;
        }
        throw new IllegalArgumentException(
                "no password: use --password-stdin, " + PASSWORD_ENV + " or " + PASSWORD_FILE_ENV);
    }

    private static char[] firstLine(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != '\n') {
            end++;
        }
        if (end > 0 && bytes[end - 1] == '\r') {
            end--;
        }
        CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes, 0, end));
        char[] out = new char[chars.remaining()];
        chars.get(out);
        Arrays.fill(bytes, (byte) 0);
        return out;
    }
}
