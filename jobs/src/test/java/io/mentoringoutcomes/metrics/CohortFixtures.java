package io.mentoringoutcomes.metrics;

import java.sql.Date;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Hand-built cohort frames with exactly CohortMatcher's columns. */
final class CohortFixtures {

    static final StructType SCHEMA = new StructType()
            .add("program_id", DataTypes.StringType)
            .add("cohort", DataTypes.StringType)
            .add("method", DataTypes.StringType)
            .add("employee_id", DataTypes.StringType)
            .add("index_date", DataTypes.DateType)
            .add("weight", DataTypes.DoubleType)
            .add("time_days", DataTypes.DoubleType)
            .add("event", DataTypes.IntegerType)
            .add("separated", DataTypes.IntegerType)
            .add("tenure_years", DataTypes.DoubleType)
            .add("tenure_band", DataTypes.StringType)
            .add("department", DataTypes.StringType)
            .add("job_level", DataTypes.StringType)
            .add("index_month", DataTypes.StringType)
            .add("annual_salary", DataTypes.DoubleType)
            .add("performance_rating", DataTypes.DoubleType);

    private CohortFixtures() {}

    static Row row(
            String cohort,
            String method,
            String id,
            double weight,
            double time,
            int event,
            double tenure,
            double salary,
            double rating) {
        return RowFactory.create(
                "P",
                cohort,
                method,
                id,
                Date.valueOf("2024-01-10"),
                weight,
                time,
                event,
                event,
                tenure,
                "1-3",
                "Eng",
                "L2",
                "2024-01",
                salary,
                rating);
    }

    /** As {@link #row}, with an exit that is not the event (separated = 1, event = 0): an involuntary exit. */
    static Row involuntary(
            String cohort,
            String method,
            String id,
            double weight,
            double time,
            double tenure,
            double salary,
            double rating) {
        return RowFactory.create(
                "P",
                cohort,
                method,
                id,
                Date.valueOf("2024-01-10"),
                weight,
                time,
                0,
                1,
                tenure,
                "1-3",
                "Eng",
                "L2",
                "2024-01",
                salary,
                rating);
    }

    static Dataset<Row> frame(SparkSession spark, List<Row> rows) {
        return spark.createDataFrame(rows, SCHEMA);
    }
}
