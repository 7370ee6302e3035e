package io.mentoringoutcomes.spark;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFs;
import org.apache.hadoop.fs.DelegateToFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FsConstants;
import org.apache.hadoop.fs.FsServerDefaults;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.local.LocalConfigKeys;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.io.nativeio.NativeIO;

/**
 * Hadoop's local file system ({@code file:}) without a child process per file. Without Hadoop's
 * native library (which Spark's jars do not ship), Hadoop 3.3 runs {@code chmod} in a child process
 * for every file and directory it creates and {@code readlink} twice per rename: the sample night
 * forked about 1,800 processes, 8–40 ms each on a busy 2-core machine, most of them in Delta's
 * commits on the driver. Here the same permissions are set through java.nio and a path that is not
 * a symbolic link is stat'ed directly; anything else (a symbolic link, a sticky bit, a non-POSIX
 * file system, the native library present) goes to Hadoop's own code, so behaviour is unchanged.
 * {@link SparkSessionProvider} installs it on local masters only (issue #14).
 */
public final class LocalFileSystemWithoutForks extends LocalFileSystem {

    public LocalFileSystemWithoutForks() {
        super(new Raw());
    }

    /** The raw (checksum-less) file system both the FileSystem and the FileContext API use. */
    static final class Raw extends RawLocalFileSystem {

        @Override
        public void setPermission(Path p, FsPermission permission) throws IOException {
            Set<PosixFilePermission> posix = posix(permission);
            if (posix == null || NativeIO.isAvailable()) {
                super.setPermission(p, permission);
                return;
            }
            try {
                Files.setPosixFilePermissions(pathToFile(p).toPath(), posix);
            } catch (UnsupportedOperationException notPosix) {
                super.setPermission(p, permission);
            }
        }

        /**
         * Hadoop asks {@code readlink} (a child process) and, for a path that is not a link, returns
         * {@link #getFileStatus}; asking the file system directly gives the same answer.
         */
        @Override
        public FileStatus getFileLinkStatus(Path f) throws IOException {
            if (!Files.isSymbolicLink(pathToFile(f).toPath())) {
                return getFileStatus(f);
            }
            return super.getFileLinkStatus(f);
        }
    }

    /** rwx bits as java.nio's set; null when the mode has more than rwx (sticky bit), left to chmod. */
    static Set<PosixFilePermission> posix(FsPermission permission) {
        short mode = permission.toShort();
        if ((mode & ~0777) != 0) {
            return null;
        }
        PosixFilePermission[] bits = {
            PosixFilePermission.OTHERS_EXECUTE,
            PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE,
            PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_READ
        };
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                set.add(bits[i]);
            }
        }
        return set;
    }

    /**
     * The same for Hadoop's FileContext API ({@code fs.AbstractFileSystem.file.impl}), through
     * which Delta's log store writes and renames every commit file: Hadoop's
     * {@code org.apache.hadoop.fs.local.LocalFs} with {@link Raw} underneath.
     */
    public static final class Fs extends ChecksumFs {

        public Fs(URI uri, Configuration conf) throws IOException, URISyntaxException {
            super(new RawFs(conf));
        }
    }

    /** Hadoop's {@code org.apache.hadoop.fs.local.RawLocalFs}, over {@link Raw}. */
    static final class RawFs extends DelegateToFileSystem {

        RawFs(Configuration conf) throws IOException, URISyntaxException {
            super(FsConstants.LOCAL_FS_URI, new Raw(), conf, FsConstants.LOCAL_FS_URI.getScheme(), false);
        }

        @Override
        public int getUriDefaultPort() {
            return -1; // No default port for file:///
        }

        @Override
        public FsServerDefaults getServerDefaults(Path f) throws IOException {
            return LocalConfigKeys.getServerDefaults();
        }

        @Override
        @Deprecated
        public FsServerDefaults getServerDefaults() throws IOException {
            return LocalConfigKeys.getServerDefaults();
        }

        @Override
        public boolean isValidName(String src) {
            return true; // Different local file systems have different validation rules.
        }
    }
}
