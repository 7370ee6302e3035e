package io.mentoringoutcomes.generate;

/** Zero-padded identifiers (E000123, MTG0000042...). String.format was the hot spot at 200k employees. */
final class Ids {

    private Ids() {}

    static String padded(String prefix, long number, int width) {
        String digits = Long.toString(number);
        StringBuilder sb = new StringBuilder(prefix.length() + Math.max(width, digits.length())).append(prefix);
        for (int i = digits.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(digits).toString();
    }
}
