package io.jnsq.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * The users of {@code --users-file}, for small setups without an identity provider: one per line,
 * {@code name:bcrypt-hash:role} (role {@code admin} or {@code viewer}), as {@code htpasswd -nbB name password}
 * prints the first two fields. Blank lines and {@code #} comments are skipped.
 */
final class Users {

    enum Role { VIEWER, ADMIN }

    record User(String name, String hash, Role role) {
    }

    /** A bcrypt hash checked when the name is unknown, so that answering takes as long either way. */
    private static final String DUMMY = OpenBSDBCrypt.generate("2y", "not a password".toCharArray(),
            new java.security.SecureRandom().generateSeed(16), 10);

    private final Map<String, User> byName;

    private Users(Map<String, User> byName) {
        this.byName = byName;
    }

    /** Reads and checks the file; what is wrong is an IOException naming the line. */
    static Users read(Path file) throws IOException {
        Map<String, User> users = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(":", -1);
            String where = file + ":" + (i + 1) + ": ";
            if (f.length != 3 || f[0].isEmpty()) {
                throw new IOException(where + "want name:bcrypt-hash:role");
            }
            if (!f[1].matches("\\$2[aby]?\\$\\d\\d\\$[./A-Za-z0-9]{53}")) {
                throw new IOException(where + "the password must be a bcrypt hash (htpasswd -nbB name password)");
            }
            Role role = switch (f[2]) {
                case "admin" -> Role.ADMIN;
                case "viewer" -> Role.VIEWER;
                default -> throw new IOException(where + "role must be admin or viewer, not '" + f[2] + "'");
            };
            users.put(f[0], new User(f[0], f[1], role));
        }
        return new Users(users);
    }

    /** The user with this name and password. */
    Optional<User> signIn(String name, String password) {
        User u = byName.get(name);
        boolean ok = OpenBSDBCrypt.checkPassword(u == null ? DUMMY : u.hash(), password.toCharArray());
        return ok && u != null ? Optional.of(u) : Optional.empty();
    }

    Optional<User> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }
}
