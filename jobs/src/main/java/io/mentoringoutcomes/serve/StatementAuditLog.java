package io.mentoringoutcomes.serve;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerEvent;
import org.apache.spark.sql.hive.thriftserver.ui.SparkListenerThriftServerOperationStart;
import org.apache.spark.sql.hive.thriftserver.ui.SparkListenerThriftServerSessionCreated;

/**
 * With authentication on, who connected and what they asked: each new session's user and address,
 * and each statement's first non-blank line (never its results), from the Thrift Server's own
 * events on Spark's listener bus.
 */
public final class StatementAuditLog extends SparkListener {

    static final int MAX_CHARS = 200;

    @Override
    public void onOtherEvent(SparkListenerEvent event) {
        if (event instanceof SparkListenerThriftServerSessionCreated s) {
            UsersFileAuthenticator.AUDIT.info(
                    "session {}: user {} from {}", s.sessionId(), printable(s.userName()), printable(s.ip()));
        } else if (event instanceof SparkListenerThriftServerOperationStart op) {
            UsersFileAuthenticator.AUDIT.info(
                    "statement in session {} by {}: {}",
                    op.sessionId(),
                    printable(op.userName()),
                    firstLine(op.statement()));
        }
    }

    /** The first non-blank line, cut at {@link #MAX_CHARS}, control characters replaced: one log line. */
    static String firstLine(String statement) {
        if (statement == null) {
            return "";
        }
        String first = statement
                .strip()
                .lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .findFirst()
                .orElse("");
        String cut = first.length() > MAX_CHARS ? first.substring(0, MAX_CHARS) + "…" : first;
        boolean more = statement.strip().lines().filter(l -> !l.isBlank()).count() > 1;
        return printable(cut) + (more ? " …" : "");
    }

    static String printable(String s) {
        return s == null ? "" : s.replaceAll("\\p{Cntrl}", "?");
    }
}
