package io.mentoringoutcomes.metrics;

import java.sql.Date;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Tiny silver frames with the contract's columns, for the metrics tests. */
final class SilverFixtures {

    static final StructType EMPLOYEES = new StructType()
            .add("employee_id", DataTypes.StringType)
            .add("hire_date", DataTypes.DateType)
            .add("termination_date", DataTypes.DateType)
            .add("termination_type", DataTypes.StringType)
            .add("department", DataTypes.StringType)
            .add("job_level", DataTypes.StringType)
            .add("location", DataTypes.StringType)
            .add("annual_salary", DataTypes.DoubleType)
            .add("performance_rating", DataTypes.DoubleType)
            .add("gender", DataTypes.StringType)
            .add("ethnicity", DataTypes.StringType)
            .add("manager_id", DataTypes.StringType);
    static final StructType MATCHES = new StructType()
            .add("match_id", DataTypes.StringType)
            .add("program_id", DataTypes.StringType)
            .add("mentor_id", DataTypes.StringType)
            .add("mentee_id", DataTypes.StringType)
            .add("matched_date", DataTypes.DateType)
            .add("ended_date", DataTypes.DateType)
            .add("end_reason", DataTypes.StringType);
    static final StructType MEETINGS = new StructType()
            .add("meeting_id", DataTypes.StringType)
            .add("match_id", DataTypes.StringType)
            .add("scheduled_at", DataTypes.TimestampType)
            .add("status", DataTypes.StringType)
            .add("duration_minutes", DataTypes.IntegerType)
            .add("action_rating", DataTypes.IntegerType);
    static final StructType PARTICIPANTS = new StructType()
            .add("program_id", DataTypes.StringType)
            .add("employee_id", DataTypes.StringType)
            .add("role", DataTypes.StringType)
            .add("enrolled_date", DataTypes.DateType)
            .add("exited_date", DataTypes.DateType);
    static final StructType PROGRAMS = new StructType()
            .add("program_id", DataTypes.StringType)
            .add("name", DataTypes.StringType)
            .add("program_type", DataTypes.StringType)
            .add("format", DataTypes.StringType)
            .add("start_date", DataTypes.DateType)
            .add("end_date", DataTypes.DateType)
            .add("planned_cadence_days", DataTypes.IntegerType)
            .add("annual_fixed_cost", DataTypes.DoubleType);
    static final StructType JOB_EVENTS = new StructType()
            .add("employee_id", DataTypes.StringType)
            .add("event_date", DataTypes.DateType)
            .add("event_type", DataTypes.StringType)
            .add("job_level", DataTypes.StringType)
            .add("department", DataTypes.StringType)
            .add("termination_type", DataTypes.StringType);

    private SilverFixtures() {}

    static Date d(String iso) {
        return iso == null ? null : Date.valueOf(iso);
    }

    static Row employee(
            String id,
            String hire,
            String term,
            String termType,
            String dept,
            String level,
            Double salary,
            Double rating) {
        return RowFactory.create(id, d(hire), d(term), termType, dept, level, "HQ", salary, rating, null, null, null);
    }

    static Row match(String id, String program, String mentor, String mentee, String matched) {
        return RowFactory.create(id, program, mentor, mentee, d(matched), null, null);
    }

    static Row meeting(String id, String match, String at, String status, Integer minutes) {
        return RowFactory.create(id, match, Timestamp.valueOf(at + " 10:00:00"), status, minutes, null);
    }

    static Dataset<Row> df(SparkSession spark, List<Row> rows, StructType schema) {
        return spark.createDataFrame(rows, schema);
    }
}
