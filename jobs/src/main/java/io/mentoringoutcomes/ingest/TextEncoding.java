package io.mentoringoutcomes.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

/**
 * What a text file's first bytes say about it, before Spark parses it: empty, UTF-8 (with or
 * without a byte-order mark), UTF-16 (by its byte-order mark), or not text the contract accepts
 * (NUL bytes, invalid UTF-8, gzip data under a plain name). A wrong encoding otherwise shows up
 * later as a garbled header or a phantom row, far from its cause.
 */
public final class TextEncoding {

    /** Bytes looked at: enough for a header and many rows, cheap on any file. */
    static final int SAMPLE_BYTES = 64 * 1024;

    /** {@code charset} is what Spark and the header reader should decode with; {@code error} rejects the file. */
    public record Verdict(String charset, boolean empty, String error) {
        static Verdict text(String charset) {
            return new Verdict(charset, false, null);
        }

        static Verdict rejected(String error) {
            return new Verdict(null, false, error);
        }
    }

    private TextEncoding() {}

    public static Verdict sniff(Configuration conf, LandingFile file) {
        byte[] head = head(conf, file.path(), file.gzipped());
        return classify(file.path(), file.gzipped(), head, head.length < SAMPLE_BYTES);
    }

    /** Opens a landing file, decompressing by its extension ({@code .gz}). */
    static InputStream open(Configuration conf, String path) throws IOException {
        Path p = new Path(path);
        InputStream in = p.getFileSystem(conf).open(p);
        CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(p);
        return codec == null ? in : codec.createInputStream(in);
    }

    private static byte[] head(Configuration conf, String path, boolean gzipped) {
        try (InputStream in = open(conf, path)) {
            return in.readNBytes(SAMPLE_BYTES);
        } catch (IOException e) {
            if (gzipped) {
                return null; // not gzip after all: classify says so
            }
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    /** Pure: the verdict for a file's first bytes; {@code whole} when they are the whole file. */
    static Verdict classify(String path, boolean gzipped, byte[] head, boolean whole) {
        if (head == null) {
            return Verdict.rejected(path + " line 1: named .gz but not gzip data; the file is rejected");
        }
        if (head.length == 0) {
            return new Verdict(null, true, null);
        }
        int b0 = head[0] & 0xFF;
        int b1 = head.length > 1 ? head[1] & 0xFF : -1;
        if (b0 == 0xFF && b1 == 0xFE && head.length > 3 && head[2] == 0 && head[3] == 0) {
            return Verdict.rejected(path + " line 1: the file is UTF-32, not UTF-8 (byte-order mark FF FE 00 00); "
                    + "export it as UTF-8");
        }
        if ((b0 == 0xFF && b1 == 0xFE) || (b0 == 0xFE && b1 == 0xFF)) {
            // Java's UTF-16 decoder reads the byte-order mark for the byte order.
            return Verdict.text("UTF-16");
        }
        if (!gzipped && b0 == 0x1F && b1 == 0x8B) {
            return Verdict.rejected(path + " line 1: the file is gzip-compressed but not named .gz; " + "name it "
                    + fileName(path) + ".gz");
        }
        for (int i = 0; i < head.length; i++) {
            if (head[i] == 0) {
                return Verdict.rejected(path + " line " + lineAt(head, i) + ": NUL byte at byte " + i
                        + "; not UTF-8 text (binary data, or UTF-16 without a byte-order mark); the file is rejected");
            }
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(head);
        CharBuffer out = CharBuffer.allocate(head.length);
        // Not end of input unless it is the whole file: a character cut by the sample is fine.
        CoderResult result = utf8.decode(in, out, whole);
        if (result.isError()) {
            int at = in.position();
            return Verdict.rejected(path + " line " + lineAt(head, at) + ": byte " + at + " (0x"
                    + String.format("%02X", head[at] & 0xFF) + ") is not valid UTF-8; export the file as UTF-8"
                    + " (it may be Latin-1 or Windows-1252); the file is rejected");
        }
        return Verdict.text("UTF-8");
    }

    private static long lineAt(byte[] bytes, int offset) {
        long line = 1;
        for (int i = 0; i < offset && i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }

    private static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
