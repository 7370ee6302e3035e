package io.mentoringoutcomes.report;

/**
 * A small HTML builder: every piece of text goes through {@link #escape}, markup only through
 * the tag methods. Attributes are given as name, value pairs (values escaped too).
 */
final class Html {

    private final StringBuilder out = new StringBuilder(64 * 1024);

    static String escape(Object value) {
        if (value == null) {
            return "";
        }
        String s = String.valueOf(value);
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    Html open(String tag, String... attrs) {
        out.append('<').append(tag);
        attributes(attrs);
        out.append('>');
        return this;
    }

    Html close(String tag) {
        out.append("</").append(tag).append('>');
        return this;
    }

    /** {@code <tag attrs>text</tag>} with the text escaped. */
    Html el(String tag, Object text, String... attrs) {
        return open(tag, attrs).text(text).close(tag);
    }

    Html text(Object text) {
        out.append(escape(text));
        return this;
    }

    /** Markup made by this package (SVG, a fragment built with another Html). */
    Html raw(String markup) {
        out.append(markup);
        return this;
    }

    Html nl() {
        out.append('\n');
        return this;
    }

    private void attributes(String... attrs) {
        if (attrs.length % 2 != 0) {
            throw new IllegalArgumentException("attributes come in name, value pairs");
        }
        for (int i = 0; i < attrs.length; i += 2) {
            if (attrs[i + 1] == null) {
                continue;
            }
            out.append(' ')
                    .append(attrs[i])
                    .append("=\"")
                    .append(escape(attrs[i + 1]))
                    .append('"');
        }
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
