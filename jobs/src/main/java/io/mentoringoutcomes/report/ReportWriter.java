package io.mentoringoutcomes.report;

import io.mentoringoutcomes.publish.GoldSource;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Collects, renders and writes the report; returns where it went. */
public final class ReportWriter {

    private ReportWriter() {}

    /** Default file: {@code <warehouse>/reports/mentoring-outcomes-<as_of>.html}. */
    public static String defaultPath(String warehouseRoot, ReportData data) {
        return warehouseRoot + "/reports/mentoring-outcomes-" + (data.asOf() != null ? data.asOf() : "latest")
                + ".html";
    }

    /**
     * @param latestRequested the reader asked for the latest figures (not a given night): a later run
     *                        that did not publish is then worth a warning
     * @param out a file URI or Hadoop path, or null for the default under the warehouse
     */
    public static String write(GoldSource source, int minGroupSize, boolean latestRequested, String out) {
        ReportData data = ReportData.load(source, minGroupSize, latestRequested);
        String html = OutcomesReport.render(data);
        Path target =
                new Path(out != null ? out : defaultPath(source.warehouse().root(), data));
        try {
            FileSystem fs = target.getFileSystem(source.warehouse().hadoopConf());
            if (target.getParent() != null) {
                fs.mkdirs(target.getParent());
            }
            try (OutputStream os = fs.create(target, true)) {
                os.write(html.getBytes(StandardCharsets.UTF_8));
            }
            return target.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to " + target, e);
        }
    }
}
