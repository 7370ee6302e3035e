package io.mentoringoutcomes.generate;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Simulates the workforce calendar month by calendar month: hires that keep headcount near the
 * target, promotions and transfers on the 1st, mentee selection, and voluntary/involuntary exits
 * drawn in continuous time (competing exponentials) with the voluntary hazard multiplied by the
 * hazard ratio from the matched day on.
 */
final class WorkforceSimulation {

    /** Strength of selection: the chance of joining scales with (h / reference h) to this power. */
    static final double SELECTION_EXPONENT = -2.0;
    /** Joiners match no later than this many days before as-of, so they have time to meet. */
    static final int LAST_MATCH_DAYS_BEFORE_AS_OF = 30;
    /** Onboarding mentees are at most this many days into the job. */
    static final int ONBOARDING_MAX_TENURE_DAYS = 183;

    static final double NEW_STARTER_SELECTION_BOOST = 5;

    private final GeneratorSettings settings;
    private final HazardModel hazards;
    private final SplittableRandom rng;
    private final List<Program> programs;
    private final List<Employee> everyone = new ArrayList<>();
    private List<Employee> active = new ArrayList<>();
    private double referenceHazard;
    private int mentees;
    /** Sum over non-mentee active person-months of the baseline hazard, for the truth file. */
    private double nonMenteeHazardSum;

    private long nonMenteePersonMonths;

    WorkforceSimulation(GeneratorSettings settings, HazardModel hazards, List<Program> programs, SplittableRandom rng) {
        this.settings = settings;
        this.hazards = hazards;
        this.programs = programs;
        this.rng = rng;
    }

    record Result(List<Employee> everyone, double meanNonMenteeMonthlyHazard) {}

    Result run() {
        int startDay = (int) settings.startDate().toEpochDay();
        int asOfDay = (int) settings.asOf().toEpochDay();
        int lastMatchDay = asOfDay - LAST_MATCH_DAYS_BEFORE_AS_OF;
        hireOpeningPopulation(startDay);
        referenceHazard = meanBaselineHazard(startDay);

        int matchingMonthsLeft = monthsBetween(settings.startDate(), LocalDate.ofEpochDay(lastMatchDay)) + 1;
        int menteeTarget = (int) Math.round(settings.menteeShare() * settings.employees());

        for (LocalDate month = settings.startDate().withDayOfMonth(1);
                !month.isAfter(settings.asOf());
                month = month.plusMonths(1)) {
            int monthStart = Math.max(startDay, (int) month.toEpochDay());
            int monthEnd = (int) Math.min(month.plusMonths(1).toEpochDay(), asOfDay + 1L); // exclusive
            hire(monthStart, monthEnd);
            promoteAndTransfer(monthStart);
            if (monthStart <= lastMatchDay) {
                double quota = (double) Math.max(0, menteeTarget - mentees) / Math.max(1, matchingMonthsLeft);
                selectMentees(monthStart, Math.min(monthEnd, lastMatchDay + 1), quota);
                matchingMonthsLeft--;
            }
            exits(monthStart, monthEnd);
        }
        everyone.sort(Comparator.comparingInt(e -> e.number));
        return new Result(everyone, nonMenteeHazardSum / Math.max(1, nonMenteePersonMonths));
    }

    private static int monthsBetween(LocalDate from, LocalDate to) {
        return (to.getYear() - from.getYear()) * 12 + to.getMonthValue() - from.getMonthValue();
    }

    /** The opening headcount, hired over the years before the start date; ids follow hire order. */
    private void hireOpeningPopulation(int startDay) {
        int n = settings.employees();
        int[] hireDays = new int[n];
        for (int i = 0; i < n; i++) {
            hireDays[i] = startDay - 1 - openingTenureDays();
        }
        java.util.Arrays.sort(hireDays);
        for (int i = 0; i < n; i++) {
            int tenureYears = (startDay - hireDays[i]) / 365;
            // longer-serving staff sit higher: shift the level draw up by a level per 6 years
            int level = Math.min(
                    5,
                    OrgCatalog.pick(OrgCatalog.OPENING_LEVEL_SHARE, rng) + (rng.nextInt(6) < tenureYears / 2 ? 1 : 0));
            Employee e = newEmployee(hireDays[i], level);
            active.add(e);
        }
        for (Employee e : active) {
            e.managerId = pickManager(e);
        }
    }

    /** Tenure mix of the opening population: many recent hires and a long tail of veterans. */
    private int openingTenureDays() {
        double u = rng.nextDouble();
        double years;
        if (u < 0.25) {
            years = rng.nextDouble();
        } else if (u < 0.55) {
            years = 1 + 2 * rng.nextDouble();
        } else if (u < 0.75) {
            years = 3 + 2 * rng.nextDouble();
        } else {
            years = Math.min(35, 5 - 3.5 * Math.log(1 - rng.nextDouble()));
        }
        return (int) (years * 365.25);
    }

    private Employee newEmployee(int hireDay, int level) {
        Employee e = new Employee(
                everyone.size() + 1,
                hireDay,
                OrgCatalog.pick(OrgCatalog.DEPARTMENT_SHARE, rng),
                level,
                OrgCatalog.pick(OrgCatalog.LOCATION_SHARE, rng),
                OrgCatalog.pick(OrgCatalog.GENDER_SHARE, rng),
                OrgCatalog.pick(OrgCatalog.ETHNICITY_SHARE, rng),
                OrgCatalog.pick(OrgCatalog.PERFORMANCE_SHARE, rng) + 1,
                Math.exp(0.08 * rng.nextGaussian()));
        everyone.add(e);
        return e;
    }

    /** A more senior colleague, preferably in the same department; none for the very top. */
    private String pickManager(Employee e) {
        for (int attempt = 0; attempt < 60 && !active.isEmpty(); attempt++) {
            Employee m = active.get(rng.nextInt(active.size()));
            boolean sameDepartment = m.department == e.department || attempt >= 40;
            if (m != e && m.level > e.level && sameDepartment) {
                return m.id;
            }
        }
        return null;
    }

    /** Replace last month's leavers, with a little noise, so headcount hovers around the target. */
    private void hire(int monthStart, int monthEnd) {
        double noise = rng.nextGaussian() * Math.sqrt(settings.employees()) * 0.1;
        int hires = (int) Math.max(0, Math.round(settings.employees() - active.size() + noise));
        for (int i = 0; i < hires; i++) {
            Employee e = newEmployee(
                    monthStart + rng.nextInt(monthEnd - monthStart), OrgCatalog.pick(OrgCatalog.HIRE_LEVEL_SHARE, rng));
            e.managerId = pickManager(e);
            active.add(e);
        }
    }

    private void promoteAndTransfer(int day) {
        for (Employee e : active) {
            if (e.hireDay >= day) {
                continue;
            }
            if (rng.nextDouble() < OrgCatalog.MONTHLY_PROMOTION[e.level]) {
                e.level++;
                e.events.add(new JobEvent(day, "promotion", e.level, e.department, null));
            }
            if (rng.nextDouble() < OrgCatalog.MONTHLY_TRANSFER) {
                int to = OrgCatalog.pick(OrgCatalog.DEPARTMENT_SHARE, rng);
                if (to != e.department) {
                    e.department = to;
                    e.events.add(new JobEvent(day, "transfer", e.level, e.department, null));
                }
            }
        }
    }

    private double baselineHazard(Employee e, int day) {
        return hazards.voluntaryMonthly(e.department, e.level, HazardModel.tenureBand(e.hireDay, day));
    }

    private double meanBaselineHazard(int day) {
        double sum = 0;
        for (Employee e : active) {
            sum += baselineHazard(e, day);
        }
        return sum / active.size();
    }

    /**
     * Bernoulli draws whose expected total is this month's quota, weighted towards low-hazard
     * cells: the planted selection bias. Only observed covariates enter the weight.
     */
    private void selectMentees(int monthStart, int matchEnd, double quota) {
        List<Employee> eligible = new ArrayList<>();
        double[] weights = new double[active.size()];
        double weightSum = 0;
        for (Employee e : active) {
            if (e.mentee == null && e.hireDay < monthStart && e.level < OrgCatalog.LEVELS.length - 1) {
                weights[eligible.size()] = selectionWeight(e, monthStart);
                weightSum += weights[eligible.size()];
                eligible.add(e);
            }
        }
        for (int i = 0; i < eligible.size(); i++) {
            Employee e = eligible.get(i);
            double p = Math.min(0.5, quota * weights[i] / weightSum);
            if (rng.nextDouble() < p) {
                int day = monthStart + rng.nextInt(matchEnd - monthStart);
                int band = HazardModel.tenureBand(e.hireDay, day);
                e.mentee = new MenteeSelection(
                        day,
                        programFor(e, day),
                        e.department,
                        e.level,
                        band,
                        hazards.voluntaryMonthly(e.department, e.level, band));
                mentees++;
            }
        }
    }

    /**
     * New starters are invited to onboarding buddies more often. That is fine for matching: within
     * a tenure band the hazard does not depend on tenure, so only the cell-level part biases.
     */
    private double selectionWeight(Employee e, int day) {
        double newStarterBoost = day - e.hireDay <= ONBOARDING_MAX_TENURE_DAYS ? NEW_STARTER_SELECTION_BOOST : 1;
        return newStarterBoost * Math.pow(baselineHazard(e, day) / referenceHazard, SELECTION_EXPONENT);
    }

    private int programFor(Employee e, int day) {
        if (day - e.hireDay <= ONBOARDING_MAX_TENURE_DAYS) {
            return Program.ONBOARDING;
        }
        if (e.level >= 3 && day >= programs.get(Program.LEADERSHIP).startDay()) {
            return Program.LEADERSHIP;
        }
        return Program.CAREER;
    }

    /** Competing exponential exits over [monthStart, monthEnd), split at a matched day inside the month. */
    private void exits(int monthStart, int monthEnd) {
        List<Employee> stillActive = new ArrayList<>(active.size());
        for (Employee e : active) {
            int from = Math.max(monthStart, e.hireDay);
            boolean left;
            MenteeSelection m = e.mentee;
            if (m != null && m.matchedDay() > from && m.matchedDay() < monthEnd) {
                left = exitWithin(e, from, m.matchedDay(), baselineHazard(e, from))
                        || exitWithin(e, m.matchedDay(), monthEnd, settings.hazardRatio() * m.baselineMonthlyHazard());
                if (left && e.terminationDay < m.matchedDay()) {
                    e.mentee = null; // gone before the match: never a mentee
                    mentees--;
                }
            } else {
                double h = baselineHazard(e, from);
                boolean treated = m != null && m.matchedDay() <= from;
                if (m == null) {
                    nonMenteeHazardSum += h;
                    nonMenteePersonMonths++;
                }
                left = exitWithin(e, from, monthEnd, treated ? settings.hazardRatio() * h : h);
            }
            if (!left) {
                stillActive.add(e);
            }
        }
        active = stillActive;
    }

    /** Draws an exit in [from, to) at the given monthly voluntary hazard; records it if it happens. */
    private boolean exitWithin(Employee e, int from, int to, double voluntaryMonthly) {
        double involuntaryMonthly = HazardModel.involuntaryMonthly(e.performanceRating);
        double ratePerDay = (voluntaryMonthly + involuntaryMonthly) / HazardModel.DAYS_PER_MONTH;
        double wait = -Math.log(1 - rng.nextDouble()) / ratePerDay;
        if (from + wait >= to) {
            return false;
        }
        boolean voluntary = rng.nextDouble() * (voluntaryMonthly + involuntaryMonthly) < voluntaryMonthly;
        e.terminationDay = (int) Math.floor(from + wait);
        e.terminationType = voluntary ? "voluntary" : "involuntary";
        e.events.add(new JobEvent(e.terminationDay, "termination", e.level, e.department, e.terminationType));
        return true;
    }
}
