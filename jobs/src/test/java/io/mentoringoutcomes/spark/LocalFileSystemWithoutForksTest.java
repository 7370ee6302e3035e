package io.mentoringoutcomes.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.SparkTestBase;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local file system the sessions use leaves the same files with the same modes as Hadoop's
 * own (which runs chmod and readlink in child processes), and keeps FileContext's rename rules.
 */
class LocalFileSystemWithoutForksTest extends SparkTestBase {

    @Test
    void localSessionsUseIt_forTheFileSystemAndTheFileContextApi() throws Exception {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        assertInstanceOf(LocalFileSystemWithoutForks.class, FileSystem.get(URI.create("file:///"), conf));
        assertInstanceOf(
                LocalFileSystemWithoutForks.Fs.class,
                FileContext.getFileContext(URI.create("file:///"), conf).getDefaultFileSystem());
        assertTrue(SparkSessionProvider.localSettings(new java.util.Properties())
                .containsKey("spark.hadoop.fs.file.impl"));
    }

    @Test
    void filesAndDirectoriesGetTheModesHadoopsChmodGives(@TempDir java.nio.file.Path dir) throws Exception {
        Configuration plain = new Configuration();
        LocalFileSystem hadoops = new LocalFileSystem();
        hadoops.initialize(URI.create("file:///"), plain);
        LocalFileSystemWithoutForks ours = new LocalFileSystemWithoutForks();
        ours.initialize(URI.create("file:///"), plain);

        for (String mode : new String[] {"rw-r--r--", "rwxr-x---", "r--------", "rwxrwxrwx"}) {
            FsPermission permission = FsPermission.valueOf("-" + mode);
            Path a = new Path(dir.toUri().toString(), "hadoop-" + mode.replace('-', '_'));
            Path b = new Path(dir.toUri().toString(), "ours-" + mode.replace('-', '_'));
            for (Path p : new Path[] {a, b}) {
                try (OutputStream out = (p == a ? hadoops : ours).create(p)) {
                    out.write(1);
                }
            }
            hadoops.setPermission(a, permission);
            ours.setPermission(b, permission);
            assertEquals(
                    mode,
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(java.nio.file.Path.of(a.toUri()))));
            assertEquals(
                    mode,
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(java.nio.file.Path.of(b.toUri()))));
        }
        // A new directory and a new file: the default modes after the umask, as Hadoop sets them.
        assertTrue(hadoops.mkdirs(new Path(dir.toUri().toString(), "d-hadoop")));
        assertTrue(ours.mkdirs(new Path(dir.toUri().toString(), "d-ours")));
        assertEquals(
                Files.getPosixFilePermissions(dir.resolve("d-hadoop")),
                Files.getPosixFilePermissions(dir.resolve("d-ours")));
        assertEquals(
                Files.getPosixFilePermissions(dir.resolve("hadoop-rw_r__r__")).size() > 0,
                Files.getPosixFilePermissions(dir.resolve("ours-rw_r__r__")).size() > 0);
        // A sticky bit is beyond java.nio: left to Hadoop's chmod.
        assertEquals(null, LocalFileSystemWithoutForks.posix(new FsPermission((short) 01777)));
        assertEquals(
                EnumSet.copyOf(PosixFilePermissions.fromString("rwxr-x--x")),
                LocalFileSystemWithoutForks.posix(new FsPermission((short) 0751)));
    }

    @Test
    void fileContextRenameKeepsItsRules_andLinksAreStillLinks(@TempDir java.nio.file.Path dir) throws Exception {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        FileContext fc = FileContext.getFileContext(URI.create("file:///"), conf);
        Path src = new Path(dir.toUri().toString(), "src");
        Path dst = new Path(dir.toUri().toString(), "dst");
        try (OutputStream out = fc.create(src, EnumSet.of(org.apache.hadoop.fs.CreateFlag.CREATE))) {
            out.write(7);
        }
        fc.rename(src, dst, Options.Rename.NONE);
        assertFalse(Files.exists(dir.resolve("src")));
        assertEquals(7, Files.readAllBytes(dir.resolve("dst"))[0]);
        try (OutputStream out = fc.create(src, EnumSet.of(org.apache.hadoop.fs.CreateFlag.CREATE))) {
            out.write(8);
        }
        // Delta's commit relies on this: a rename onto an existing file fails.
        assertThrows(FileAlreadyExistsException.class, () -> fc.rename(src, dst, Options.Rename.NONE));
        assertEquals(7, Files.readAllBytes(dir.resolve("dst"))[0]);

        Files.createSymbolicLink(dir.resolve("link"), dir.resolve("dst"));
        Path link = new Path(dir.toUri().toString(), "link");
        // What Hadoop's own LocalFs (readlink in a child process) answers, for a link and a file.
        FileContext hadoops = FileContext.getLocalFSFileContext(new Configuration());
        assertInstanceOf(org.apache.hadoop.fs.local.LocalFs.class, hadoops.getDefaultFileSystem());
        for (Path p : new Path[] {link, dst, new Path(dir.toString(), "link")}) {
            assertEquals(
                    hadoops.getFileLinkStatus(p).isSymlink(),
                    fc.getFileLinkStatus(p).isSymlink(),
                    p.toString());
            assertEquals(
                    hadoops.getFileLinkStatus(p).getLen(),
                    fc.getFileLinkStatus(p).getLen(),
                    p.toString());
        }
        assertFalse(fc.getFileLinkStatus(dst).isSymlink());
        assertThrows(java.io.FileNotFoundException.class, () -> fc.getFileLinkStatus(new Path(dst, "../missing")));
    }
}
