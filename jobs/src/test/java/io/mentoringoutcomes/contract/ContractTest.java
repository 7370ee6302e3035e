package io.mentoringoutcomes.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

class ContractTest {

    @Test
    void theShippedContractDeclaresTheIssuesDatasetsAndKeys() {
        Contract c = Contract.standard();
        assertEquals(
                List.of(
                        "programs",
                        "hris_employees",
                        "hris_job_events",
                        "participants",
                        "matches",
                        "meetings",
                        "surveys",
                        "goals"),
                c.datasets().stream().map(DatasetContract::dataset).toList());
        assertEquals(
                List.of("program_id", "employee_id", "role"),
                c.dataset("participants").key());
        assertEquals(
                List.of("employee_id", "event_date", "event_type"),
                c.dataset("hris_job_events").key());
        assertTrue(c.dataset("hris_employees").isSnapshot());
        assertFalse(c.dataset("surveys").required());
        assertEquals(
                DataTypes.TimestampType,
                c.dataset("meetings").schema().apply("scheduled_at").dataType());
        assertEquals(
                List.of("held", "cancelled", "no_show"),
                c.dataset("meetings").column("status").orElseThrow().allowed());
        assertEquals(
                10.0,
                c.dataset("meetings").column("action_rating").orElseThrow().max());
        assertEquals(
                "Nobody mentors themselves.",
                c.dataset("matches").rules().get(1).description());
    }

    @Test
    void aDeclarationWithAnUnknownFieldOrTypeIsRefused() {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        assertThrows(
                Exception.class,
                () -> yaml.readValue(
                        "dataset: x\nkey: [a]\ncolumns:\n  - {name: a, type: string, colour: red}\n",
                        DatasetContract.class));
        assertThrows(
                Exception.class,
                () -> yaml.readValue(
                        "dataset: x\nkey: [a]\ncolumns:\n  - {name: a, type: varchar}\n", DatasetContract.class));
        assertThrows(
                Exception.class,
                () -> yaml.readValue(
                        "dataset: x\nkey: [b]\ncolumns:\n  - {name: a, type: string}\n", DatasetContract.class));
    }
}
