package dev.bourne.it.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Prints answers: tables for people, the JSON as is with {@code --json}, errors on standard error. */
final class Output {
  private Output() {}

  /** Prints rows under headers, each column as wide as its widest cell. */
  static void table(PrintWriter out, List<String> headers, List<List<String>> rows) {
    int[] width = new int[headers.size()];
    List<List<String>> all = new ArrayList<>();
    all.add(headers);
    all.addAll(rows);
    for (List<String> row : all) {
      for (int i = 0; i < width.length; i++) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    for (List<String> row : all) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < width.length; i++) {
        sb.append(i == width.length - 1 ? row.get(i) : String.format("%-" + (width[i] + 2) + "s", row.get(i)));
      }
      out.println(sb.toString().stripTrailing());
    }
    out.flush();
  }

  /**
   * Prints a refused request's error and returns the exit code for it.
   */
  static int error(PrintWriter err, ApiClient.Answer a) {
    JsonNode e = a.json().path("error");
    err.println("error " + e.path("code").asText("HTTP_" + a.status()) + ": " + e.path("message").asText(a.body())
        + (e.has("currentVersion") ? " (current version " + e.get("currentVersion").asLong() + ")" : "")
        + (e.has("retryAfterMs") ? " (retry in " + e.get("retryAfterMs").asLong() + " ms)" : ""));
    err.flush();
    return Bourne.EXIT_REFUSED;
  }

  static String text(JsonNode n) {
    return n == null || n.isNull() || n.isMissingNode() ? "-" : n.asText();
  }

  static String shortId(String id) {
    return id == null || id.length() <= 8 ? String.valueOf(id) : id.substring(0, 8);
  }
}
