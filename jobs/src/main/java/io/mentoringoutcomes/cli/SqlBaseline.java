package io.mentoringoutcomes.cli;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The in-house alternative the benchmark measures the pipeline against: one DuckDB SQL script
 * over the same landing CSVs, computing naive and CEM-matched 12-month retention (weighted
 * Kaplan–Meier) per program and for all programs, the way a people-analytics team would write it
 * by hand. It has no quality gate, no quarantine, no history and no intervals: it is the cost
 * floor of the central figure, not a second implementation of the product.
 *
 * <p>Same design as the pipeline's matched method (department x job level x tenure band x month of
 * the mentee's first match with a held meeting; comparators at the cell's lower-median mentee
 * date, never a mentee before it, censored when they later join; ATT weights n_mentees / n_comparators).
 *
 * <p>DuckDB's JDBC driver is {@code provided}: on the launcher's classpath for the benchmark, never
 * shaded into the spark-submit jar.
 */
final class SqlBaseline {

    /** One 12-month retention figure. */
    record Figure(String programId, String method, String cohort, long nEmployees, double retention12) {}

    /** The figures and the wall time of the whole script (connect, read CSVs, compute), in seconds. */
    record Result(List<Figure> figures, double seconds) {}

    private SqlBaseline() {}

    static Result run(Path landing, LocalDate asOf) throws SQLException {
        long t0 = System.nanoTime();
        List<Figure> figures = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = c.createStatement()) {
            for (String table : List.of("hris_employees", "matches", "meetings", "participants")) {
                s.execute("CREATE TABLE " + table + " AS SELECT * FROM read_csv("
                        + quote(landing.resolve(table + ".csv").toAbsolutePath().toString()) + ", header = true)");
            }
            s.execute("SET VARIABLE as_of = DATE " + quote(asOf.toString()));
            for (String statement : SCRIPT.split(";\\s*\n")) {
                if (!statement.isBlank()) {
                    s.execute(statement);
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT program_id, method, cohort, n_employees, retention_12m "
                    + "FROM retention_12m ORDER BY program_id, method, cohort")) {
                while (rs.next()) {
                    figures.add(new Figure(
                            rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getDouble(5)));
                }
            }
        }
        return new Result(figures, (System.nanoTime() - t0) / 1e9);
    }

    private static String quote(String literal) {
        return "'" + literal.replace("'", "''") + "'";
    }

    private static final String SCRIPT = """
            CREATE TABLE treated AS
              SELECT program_id, mentee_id AS employee_id, min(matched_date) AS index_date
              FROM matches WHERE match_id IN (SELECT match_id FROM meetings WHERE status = 'held')
              GROUP BY ALL
              UNION ALL
              SELECT 'ALL', mentee_id, min(matched_date)
              FROM matches WHERE match_id IN (SELECT match_id FROM meetings WHERE status = 'held')
              GROUP BY ALL;
            CREATE TABLE first_mentee AS
              SELECT mentee_id AS employee_id, min(matched_date) AS first_mentee_date FROM matches GROUP BY ALL;
            CREATE MACRO band(hire, d) AS CASE
              WHEN date_diff('day', hire, d) / 365.25 < 1 THEN '<1'
              WHEN date_diff('day', hire, d) / 365.25 < 3 THEN '1-3'
              WHEN date_diff('day', hire, d) / 365.25 < 5 THEN '3-5' ELSE '5+' END;
            CREATE TABLE mentees AS
              SELECT t.program_id, t.employee_id, t.index_date, e.department, e.job_level,
                     band(e.hire_date, t.index_date) AS tenure_band, strftime(t.index_date, '%Y-%m') AS index_month,
                     e.termination_date, e.termination_type, NULL::DATE AS censor_date
              FROM treated t JOIN hris_employees e USING (employee_id)
              WHERE e.hire_date <= t.index_date AND (e.termination_date IS NULL OR e.termination_date > t.index_date);
            CREATE TABLE cells AS
              SELECT program_id, department, job_level, tenure_band, index_month, count(*) AS n_mentees,
                     quantile_disc(index_date, 0.5) AS cell_date
              FROM mentees GROUP BY ALL;
            CREATE TABLE comparators AS
              SELECT c.program_id, e.employee_id, c.cell_date AS index_date, c.department, c.job_level, c.tenure_band,
                     c.index_month, e.termination_date, e.termination_type,
                     CASE WHEN f.first_mentee_date > c.cell_date THEN f.first_mentee_date END AS censor_date,
                     c.n_mentees
              FROM cells c
              JOIN hris_employees e ON e.department = c.department AND e.job_level = c.job_level
                   AND e.hire_date <= c.cell_date AND (e.termination_date IS NULL OR e.termination_date > c.cell_date)
                   AND band(e.hire_date, c.cell_date) = c.tenure_band
              LEFT JOIN first_mentee f ON f.employee_id = e.employee_id
              WHERE (f.first_mentee_date IS NULL OR f.first_mentee_date > c.cell_date)
                AND NOT EXISTS (SELECT 1 FROM mentees m WHERE m.program_id = c.program_id AND m.employee_id = e.employee_id
                     AND m.department = c.department AND m.job_level = c.job_level
                     AND m.tenure_band = c.tenure_band AND m.index_month = c.index_month);
            CREATE TABLE never_participated AS
              SELECT employee_id FROM hris_employees
              EXCEPT SELECT mentee_id FROM matches EXCEPT SELECT mentor_id FROM matches
              EXCEPT SELECT employee_id FROM participants;
            CREATE TABLE program_dates AS
              SELECT program_id, quantile_disc(index_date, 0.5) AS index_date FROM mentees GROUP BY ALL;
            CREATE TABLE cohort AS
              SELECT program_id, 'matched' AS method, 'comparison' AS cohort, employee_id, index_date,
                     termination_date, termination_type, censor_date,
                     n_mentees / count(DISTINCT employee_id) OVER (PARTITION BY program_id, department, job_level,
                       tenure_band, index_month) AS weight
              FROM comparators
              UNION ALL
              SELECT m.program_id, 'matched', 'mentee', m.employee_id, m.index_date, m.termination_date,
                     m.termination_type, NULL, 1.0
              FROM mentees m SEMI JOIN comparators c ON c.program_id = m.program_id AND c.department = m.department
                   AND c.job_level = m.job_level AND c.tenure_band = m.tenure_band AND c.index_month = m.index_month
              UNION ALL
              SELECT program_id, 'naive', 'mentee', employee_id, index_date, termination_date, termination_type, NULL, 1.0
              FROM mentees
              UNION ALL
              SELECT p.program_id, 'naive', 'comparison', e.employee_id, p.index_date, e.termination_date,
                     e.termination_type, NULL, 1.0
              FROM program_dates p CROSS JOIN hris_employees e SEMI JOIN never_participated n USING (employee_id)
              WHERE e.hire_date <= p.index_date AND (e.termination_date IS NULL OR e.termination_date > p.index_date);
            CREATE TABLE follow_up AS
              SELECT *, least(CASE WHEN termination_date <= getvariable('as_of') THEN termination_date END,
                              getvariable('as_of'),
                              CASE WHEN censor_date > index_date THEN censor_date END) AS end_date
              FROM cohort;
            CREATE TABLE survival_times AS
              SELECT program_id, method, cohort, date_diff('day', index_date, end_date) AS time_days, weight,
                     CASE WHEN termination_date = end_date AND termination_type = 'voluntary' THEN 1 ELSE 0 END AS event
              FROM follow_up;
            CREATE TABLE retention_12m AS
              WITH steps AS (
                SELECT program_id, method, cohort, time_days, sum(weight * event) AS events, sum(weight) AS leaving
                FROM survival_times GROUP BY ALL),
              at_risk AS (
                SELECT *, sum(leaving) OVER (PARTITION BY program_id, method, cohort ORDER BY time_days DESC) AS n_at_risk
                FROM steps),
              sizes AS (
                SELECT program_id, method, cohort, count(DISTINCT employee_id) AS n_employees FROM cohort GROUP BY ALL)
              SELECT s.program_id, s.method, s.cohort, s.n_employees,
                     coalesce(product(1 - a.events / a.n_at_risk) FILTER (WHERE a.time_days <= 365.25 AND a.events > 0), 1.0)
                       AS retention_12m
              FROM sizes s JOIN at_risk a USING (program_id, method, cohort)
              GROUP BY ALL;
            """;
}
