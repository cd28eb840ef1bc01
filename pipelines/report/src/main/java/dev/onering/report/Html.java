package dev.onering.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.onering.pipeline.Json;

/** Escaping for the two places report text lands: HTML markup and inline script blocks. */
public final class Html {
  private Html() {}

  /**
   * Escapes text for an element body or a quoted attribute. Symbols, paths and error messages come
   * from data we do not control, so nothing reaches the page unescaped.
   */
  public static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String r =
          switch (c) {
            case '&' -> "&amp;";
            case '<' -> "&lt;";
            case '>' -> "&gt;";
            case '"' -> "&quot;";
            case '\'' -> "&#39;";
            default -> null;
          };
      if (r != null && b == null) {
        b = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      if (b != null) {
        if (r != null) {
          b.append(r);
        } else {
          b.append(c);
        }
      }
    }
    return b == null ? s : b.toString();
  }

  /**
   * JSON that is safe inside {@code <script type="application/json">}. A browser ends a script
   * element at the first {@code </script} whatever the type, so {@code <} is written as its JSON
   * escape; {@code >} and {@code &} go too so no {@code <!--} or entity trick survives. These
   * characters can only occur inside JSON strings, where the escape means the same character.
   */
  public static String scriptJson(Object value) {
    String json;
    try {
      json = Json.MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the report could not be written as JSON: " + e.getMessage(), e);
    }
    return json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
  }

  /** Pretty JSON for a {@code <pre>} block, already escaped for HTML. */
  public static String prettyJson(Object value) {
    try {
      return esc(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value));
    } catch (JsonProcessingException e) {
      return esc(String.valueOf(value));
    }
  }
}
