package io.mentoringoutcomes.generate;

/** One hris_job_events row; days are epoch days. */
record JobEvent(int day, String type, int level, int department, String terminationType) {}
