package dev.onering.pipeline;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Blanks secrets out of text that leaves a store or a step: error messages, step results, the
 * quality tables, reports. Three layers, because each catches what the others cannot:
 *
 * <ul>
 *   <li>{@link #sqlLiterals}: every string literal of a statement, since a literal is where a key
 *       or a password would sit, and an engine's message may echo the statement;
 *   <li>{@link #credentials}: text shaped like a credential ({@code password=...},
 *       {@code user:secret@host} in a URL, an AWS secret key in a header);
 *   <li>{@link #of}: the configured secret values themselves, wherever they appear.
 * </ul>
 */
public final class Redaction {

  /** What a redacted value becomes. Inside a literal the quotes stay, so the statement's shape does. */
  public static final String MASK = "***";

  private static final Redaction NONE = new Redaction(List.of());

  /** {@code password=x}, {@code secret_access_key: x}, {@code X-ClickHouse-Key: x}, ... up to a separator. */
  private static final Pattern KEY_VALUE = Pattern.compile(
      "(?i)\\b([\\w.-]*(?:password|passwd|secret|token|clickhouse-key|credential)[\\w.-]*)(\\s*[=:]\\s*)([^\\s&;,'\"<>)]+)");
  /** {@code scheme://user:password@host}. */
  private static final Pattern URL_USERINFO = Pattern.compile("(\\b[a-zA-Z][\\w+.-]*://[^/\\s:@]*):([^@\\s/]+)@");

  private final List<String> secrets;

  private Redaction(List<String> secrets) {
    this.secrets = secrets;
  }

  /**
   * A redaction that also blanks these values (blank ones are ignored), longest first so a secret
   * that contains another is blanked whole.
   */
  public static Redaction of(Collection<String> secrets) {
    List<String> s = secrets.stream().filter(v -> v != null && !v.isBlank()).distinct()
        .sorted(Comparator.comparingInt(String::length).reversed()).toList();
    return s.isEmpty() ? NONE : new Redaction(s);
  }

  /** Only the credential-shaped text, no known values. */
  public static Redaction none() {
    return NONE;
  }

  /** {@code text} with the known secrets and anything credential-shaped blanked; null stays null. */
  public String apply(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String s : secrets) {
      out = out.replace(s, MASK);
    }
    return credentials(out);
  }

  /** Credential-shaped text blanked: {@code password=x} keeps its key, a URL its user. */
  public static String credentials(String text) {
    if (text == null) {
      return null;
    }
    String out = URL_USERINFO.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + ":" + MASK + "@"));
    return KEY_VALUE.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + m.group(2) + MASK));
  }

  /**
   * A statement (or an engine's message that quotes one) with each single-quoted string literal
   * replaced by {@code '***'}: keywords, identifiers and numbers stay, so the statement can still
   * be recognised. Understands backslash escapes and doubled quotes inside a literal, and skips
   * comments and double-quoted or backquoted identifiers, so an apostrophe there does not start a
   * literal. An unterminated literal is blanked to the end.
   */
  public static String sqlLiterals(String sql) {
    if (sql == null) {
      return null;
    }
    StringBuilder out = new StringBuilder(sql.length());
    int n = sql.length();
    int i = 0;
    while (i < n) {
      char c = sql.charAt(i);
      if (c == '\'') {
        int j = i + 1;
        while (j < n) {
          char d = sql.charAt(j);
          if (d == '\\' && j + 1 < n) {
            j += 2;
          } else if (d == '\'' && j + 1 < n && sql.charAt(j + 1) == '\'') {
            j += 2;
          } else if (d == '\'') {
            break;
          } else {
            j++;
          }
        }
        out.append('\'').append(MASK).append('\'');
        i = Math.min(j + 1, n);
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int end = sql.indexOf('\n', i);
        end = end < 0 ? n : end;
        out.append(sql, i, end);
        i = end;
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
        out.append(sql, i, end);
        i = end;
      } else if (c == '"' || c == '`') {
        int end = sql.indexOf(c, i + 1);
        end = end < 0 ? n : end + 1;
        out.append(sql, i, end);
        i = end;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }
}
