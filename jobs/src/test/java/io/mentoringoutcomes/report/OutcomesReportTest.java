package io.mentoringoutcomes.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The renderer on hand-built figures, and the page as Chromium draws it (when Chromium is installed). */
class OutcomesReportTest {

    private static final String SUPPRESSED = "suppressed (fewer than 10 employees)";
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private final String html = OutcomesReport.render(ReportFixtures.data());

    /** The card of one program: from its article tag to the next one's. */
    private String card(String program) {
        int start = html.indexOf("<article class=\"card roi\" data-program=\"" + program + "\"");
        assertTrue(start >= 0, "no ROI card for " + program);
        return html.substring(start, html.indexOf("</article>", start));
    }

    @Test
    void showsEachProgramsRoiHeadlineWithItsInterval() {
        assertTrue(card("ALL").contains(">142%<"), card("ALL"));
        assertTrue(card("ALL").contains("95% CI 30% to 255%"));
        assertTrue(card("P-A").contains(">192%<"));
        assertTrue(card("P-A").contains("95% CI 80% to 305%"));
        // Assumptions and the sensitivity grid.
        assertTrue(card("P-A").contains("overhead 25% on salary, 2,080 paid hours a year"));
        assertTrue(card("P-A").contains("50%</td><td class=\"num\">531%</td>"), card("P-A"));
        assertTrue(card("P-A").contains("+6.1 pp [+1.2 pp, +11.0 pp]"));
    }

    @Test
    void suppressedFiguresReadSuppressedNeverZero() {
        String small = card("P-SMALL");
        assertTrue(small.contains(SUPPRESSED), small);
        assertFalse(small.matches("(?s).*>0(\\.0)?%?<.*"), small);
        assertFalse(small.contains("n/a"), "suppressed is not 'not estimable': " + small);
        // Turnover, satisfaction, engagement and the retention chart of the small program say so too.
        for (String section : List.of("turnover", "satisfaction", "engagement", "retention")) {
            int start = html.indexOf("id=\"" + section + "\"");
            String rest = html.substring(start);
            assertTrue(rest.contains(SUPPRESSED), section);
        }
        assertTrue(html.indexOf(SUPPRESSED) > 0);
    }

    @Test
    void isSelfContainedAndEscaped() {
        Matcher external =
                Pattern.compile("(?i)(src|href)\\s*=\\s*[\"']?\\s*(https?:)?//").matcher(html);
        assertFalse(external.find(), "external reference: " + (external.find(0) ? external.group() : ""));
        assertFalse(html.contains("http://") || html.contains("https://"), "no URL at all");
        assertFalse(html.contains("<script"), "no script needed");
        assertFalse(html.contains("<link"), "styles are inline");
        assertTrue(html.contains("Career &lt;Development&gt; &amp; Growth (P-A)"));
        assertTrue(html.contains("size dropped 30% &lt;night-over-night&gt;"));
        assertTrue(html.contains("@media print"));
    }

    @Test
    void showsTheRunsDataQuality() {
        String dq = html.substring(html.indexOf("id=\"quality\""));
        assertTrue(dq.contains("<span class=\"kpi-value\">1</span><span class=\"kpi-label\">checks passed</span>"), dq);
        assertTrue(dq.contains("<span class=\"kpi-value\">1</span><span class=\"kpi-label\">checks failed</span>"));
        assertTrue(dq.contains("meeting_before_match</td><td class=\"num\">3</td>"));
    }

    @Test
    void drawsRetentionCurvesWithBandsAndLabelledAxes() {
        assertTrue(html.contains("<svg class=\"chart\""));
        assertTrue(html.contains("Months since index date"));
        assertTrue(html.contains("Retained (%)"));
        assertTrue(html.contains("fill-opacity=\"0.16\""), "CI band");
        assertEquals(2, count(html, "<svg class=\"chart\""), "ALL and P-A; P-SMALL is suppressed");
        assertTrue(html.contains("Matching: 114 of 120 mentees matched (95%) to 610 comparators"));
    }

    @Test
    void rendersInChromium(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "chromium is not installed (apt-get install -y chromium)");
        Path page = dir.resolve("report.html");
        Files.writeString(page, html, StandardCharsets.UTF_8);
        Path png = dir.resolve("report.png");
        String stderr = screenshot(page, png, dir);
        assertTrue(Files.size(png) > 10_000, "screenshot written: " + stderr);
        assertFalse(stderr.contains("Uncaught"), stderr);

        // -Dreport.screenshot.dir=DIR keeps the page and its screenshot, to look at.
        String keep = System.getProperty("report.screenshot.dir");
        if (keep != null) {
            Files.createDirectories(Path.of(keep));
            Files.copy(png, Path.of(keep, "report-fixture.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(page, Path.of(keep, "report-fixture.html"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1280, img.getWidth());
        long mentee = 0;
        long comparison = 0;
        long nonWhite = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                if (rgb != 0xffffff) {
                    nonWhite++;
                }
                if (near(rgb, 0x1d5fa8)) {
                    mentee++;
                }
                if (near(rgb, 0xc45a00)) {
                    comparison++;
                }
            }
        }
        assertTrue(nonWhite > img.getWidth() * img.getHeight() / 50, "page is not blank: " + nonWhite);
        assertTrue(mentee > 500, "mentee step lines drawn: " + mentee);
        assertTrue(comparison > 500, "comparison step lines drawn: " + comparison);
        // Print-friendly: the page background is white, not dark.
        assertEquals(0xffffff, img.getRGB(5, 5) & 0xffffff);
    }

    /** Headless Chromium screenshot; returns its stderr (console messages land there). */
    static String screenshot(Path page, Path png, Path dir) throws Exception {
        Path log = dir.resolve("chromium.log");
        Process p = new ProcessBuilder(
                        CHROMIUM.toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--no-first-run",
                        "--disable-dev-shm-usage",
                        "--hide-scrollbars",
                        "--enable-logging=stderr",
                        "--v=0",
                        "--user-data-dir=" + dir.resolve("profile"),
                        "--screenshot=" + png,
                        "--window-size=1280,2400",
                        page.toUri().toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s");
        }
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private static boolean near(int rgb, int target) {
        int dr = ((rgb >> 16) & 0xff) - ((target >> 16) & 0xff);
        int dg = ((rgb >> 8) & 0xff) - ((target >> 8) & 0xff);
        int db = (rgb & 0xff) - (target & 0xff);
        return Math.abs(dr) < 24 && Math.abs(dg) < 24 && Math.abs(db) < 24;
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
