package io.mentoringoutcomes.generate;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Survey responses: a semiannual engagement survey (April and October) for everyone employed,
 * and program surveys for mentees. Engagement carries the planted truths: joiners sit higher
 * all along (a level difference), everyone drifts with an organisation trend, and mentees gain
 * the planted effect from three months after their matched date.
 */
final class SurveyResponses {

    static final double RESPONSE_RATE = 0.85;
    static final double ENGAGEMENT_MEAN = 3.5;
    static final double ENGAGEMENT_PERSON_SD = 0.45;
    static final double ENGAGEMENT_NOISE_SD = 0.35;
    static final double JOINER_LEVEL_DIFFERENCE = 0.25;
    static final double ORGANISATION_TREND_PER_YEAR = 0.05;
    static final int EFFECT_STARTS_MONTHS_AFTER_MATCH = 3;
    /** The engagement DiD's post window, months after time zero (SatisfactionSummary: 3-15 months). */
    static final int POST_FROM_MONTHS = 3;

    static final int POST_TO_MONTHS = 15;

    private final GeneratorSettings settings;
    private final CsvDatasetWriter out;
    private final int startDay;
    private final int asOfDay;
    private long responses;
    private double publishedEffectSum;
    private long publishedEffectPeople;

    SurveyResponses(GeneratorSettings settings, CsvDatasetWriter out) {
        this.settings = settings;
        this.out = out;
        this.startDay = (int) settings.startDate().toEpochDay();
        this.asOfDay = (int) settings.asOf().toEpochDay();
    }

    /** Opening days of the survey waves: 10 April and 10 October of every year in range. */
    List<Integer> waves() {
        List<Integer> waves = new ArrayList<>();
        for (int year = settings.startDate().getYear(); year <= settings.asOf().getYear(); year++) {
            for (int month : new int[] {4, 10}) {
                int day = (int) LocalDate.of(year, month, 10).toEpochDay();
                if (day >= startDay && day <= asOfDay) {
                    waves.add(day);
                }
            }
        }
        return waves;
    }

    void writeEngagement(List<Employee> everyone, SplittableRandom rng) {
        List<Integer> waves = waves();
        for (Employee e : everyone) {
            double personLevel = ENGAGEMENT_MEAN
                    + ENGAGEMENT_PERSON_SD * rng.nextGaussian()
                    + (e.mentee != null ? JOINER_LEVEL_DIFFERENCE : 0);
            int effectFrom = e.mentee == null
                    ? Integer.MAX_VALUE
                    : Days.plusMonths(e.mentee.matchedDay(), EFFECT_STARTS_MONTHS_AFTER_MATCH);
            // The DiD's post window around time zero (the first held meeting), for the truth.
            int postFrom = e.firstHeldMeetingDay == Integer.MAX_VALUE
                    ? Integer.MAX_VALUE
                    : Days.plusMonths(e.firstHeldMeetingDay, POST_FROM_MONTHS);
            int postTo = e.firstHeldMeetingDay == Integer.MAX_VALUE
                    ? Integer.MIN_VALUE
                    : Days.plusMonths(e.firstHeldMeetingDay, POST_TO_MONTHS);
            double effectSum = 0;
            int effectAnswers = 0;
            for (int wave : waves) {
                int day = wave + rng.nextInt(15);
                double noise = rng.nextGaussian();
                double enpsNoise = rng.nextGaussian();
                boolean responds = rng.nextDouble() < RESPONSE_RATE;
                if (day > asOfDay || !e.employedOn(day) || !responds) {
                    continue;
                }
                double score = published(personLevel
                        + ORGANISATION_TREND_PER_YEAR * (day - startDay) / 365.25
                        + (day >= effectFrom ? settings.engagementEffect() : 0)
                        + ENGAGEMENT_NOISE_SD * noise);
                if (day >= postFrom && day <= postTo) {
                    // The same expression with the effect left out: what this answer would have been.
                    double untreated = published(personLevel
                            + ORGANISATION_TREND_PER_YEAR * (day - startDay) / 365.25
                            + 0
                            + ENGAGEMENT_NOISE_SD * noise);
                    effectSum += score - untreated;
                    effectAnswers++;
                }
                int enps = (int) clamp(Math.round(2.2 * (score - 1) + 1.2 * enpsNoise), 0, 10);
                out.write(nextId(), e.id, Days.iso(day), "engagement", score, enps, null, null);
            }
            if (effectAnswers > 0) {
                publishedEffectSum += effectSum / effectAnswers;
                publishedEffectPeople++;
            }
        }
    }

    /** A latent score as published: clamped to the 1-5 scale and rounded to two decimals. */
    private static double published(double latent) {
        return Math.round(clamp(latent, 1, 5) * 100) / 100.0;
    }

    /**
     * The planted effect as the published scores carry it, the estimand of the engagement DiD (an
     * average effect on the treated who answered): over mentees with a held meeting and at least
     * one answer 3-15 months after their first held meeting, the mean of each one's mean (published
     * score - the score they would have published without the effect) over those answers. Below
     * the planted effect because the scale's ceiling at 5 absorbs part of it for the most engaged.
     * NaN before {@link #writeEngagement} or when no mentee answered then.
     */
    double publishedEffectOnMentees() {
        return publishedEffectSum / publishedEffectPeople;
    }

    /** About three months in, and again when a match chain completes. */
    void writeProgramSurveys(List<Match> matches, List<Program> programs, SplittableRandom rng) {
        for (int i = 0; i < matches.size(); i++) {
            Match m = matches.get(i);
            Employee mentee = m.mentee();
            String program = programs.get(m.program()).id();
            if (m.matchedDay() == mentee.mentee.matchedDay()) { // the mentee's first match
                int day = m.matchedDay() + 90 + rng.nextInt(11);
                double satisfaction = satisfaction(rng);
                if (day <= asOfDay && mentee.employedOn(day) && rng.nextDouble() < RESPONSE_RATE) {
                    out.write(nextId(), mentee.id, Days.iso(day), "program", null, null, program, satisfaction);
                }
            }
            if ("completed".equals(m.endReason())) {
                double satisfaction = satisfaction(rng);
                if (mentee.employedOn(m.endDay()) && rng.nextDouble() < RESPONSE_RATE) {
                    out.write(nextId(), mentee.id, Days.iso(m.endDay()), "program", null, null, program, satisfaction);
                }
            }
        }
    }

    private static double satisfaction(SplittableRandom rng) {
        return Math.round(clamp(3.9 + 0.6 * rng.nextGaussian(), 1, 5) * 10) / 10.0;
    }

    private String nextId() {
        responses++;
        return Ids.padded("R", responses, 8);
    }

    private static double clamp(double x, double lo, double hi) {
        return Math.max(lo, Math.min(hi, x));
    }
}
