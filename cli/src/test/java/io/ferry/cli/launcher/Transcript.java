package io.ferry.cli.launcher;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A shell session as a README shows it: the {@code console} blocks between {@code <!-- walkthrough}
 * and {@code <!-- /walkthrough -->}, where {@code $ } starts a command (a line ending in {@code \}
 * continues it), {@code #} starts a comment and every other line is what the command printed.
 *
 * <p>Printed lines are compared with what a run prints, allowing for what differs between runs: a
 * peer ID, CID or channel ID the session has not shown before matches any of its kind and is then
 * bound, so that later commands and outputs use the run's value wherever the README has the example
 * (also its last eight characters, as abbreviated IDs show them); times match any time; {@code …}
 * inside a line matches any text, and a line that is only {@code …} any number of lines.
 */
final class Transcript {
  /** One command and the lines it printed. */
  record Step(String command, List<String> output) {}

  private static final String BASE58 = "[1-9A-HJ-NP-Za-km-z]";
  private static final String PEER = "12D3KooW" + BASE58 + "{44}";
  private static final Pattern VARIABLE =
      Pattern.compile(
          "(?<channel>"
              + PEER
              + "-"
              + PEER
              + "-\\d+)|(?<peer>"
              + PEER
              + ")|(?<cid>\\bbaf[a-z2-7]{50,})|(?<time>\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z)"
              + "|(?<any>…)");

  /** The README's example value of each kind, and the run's value for it. */
  private final Map<String, String> bound = new LinkedHashMap<>();

  /** The steps of the walkthrough in {@code readme}. */
  static List<Step> steps(String readme) {
    int start = readme.indexOf("<!-- walkthrough");
    int end = readme.indexOf("<!-- /walkthrough -->");
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("README.md has no <!-- walkthrough --> section");
    }
    List<Step> steps = new ArrayList<>();
    boolean inBlock = false;
    String command = null; // while a command goes on over several lines
    List<String> output = null;
    for (String line : readme.substring(start, end).lines().toList()) {
      if (line.startsWith("```")) {
        inBlock = line.startsWith("```console");
        output = null;
        continue;
      }
      if (!inBlock) {
        continue;
      }
      if (command != null) {
        command = command + " " + line.strip();
      } else if (line.startsWith("$ ")) {
        command = line.substring(2).strip();
      } else {
        if (!line.startsWith("#") && output != null) {
          output.add(line);
        }
        continue;
      }
      if (command.endsWith("\\")) {
        command = command.substring(0, command.length() - 1).stripTrailing();
        continue;
      }
      output = new ArrayList<>();
      steps.add(new Step(command, output));
      command = null;
    }
    return steps;
  }

  /**
   * {@code text} with every bound example replaced by the run's value; an example not bound yet is
   * an error (the README uses a value before any output showed it).
   */
  String substitute(String text) {
    String out = text;
    for (Map.Entry<String, String> e : byLength()) {
      out = out.replace(e.getKey(), e.getValue());
    }
    Matcher m = VARIABLE.matcher(out);
    while (m.find()) {
      if (m.group("channel") != null || m.group("peer") != null || m.group("cid") != null) {
        if (!bound.containsValue(m.group())) {
          throw new IllegalStateException(
              "the walkthrough uses " + m.group() + " before any command printed it");
        }
      }
    }
    return out;
  }

  /**
   * Whether {@code actual} (a run's lines) is what {@code expected} (the README's) shows; binds the
   * values it meets for the first time. Returns what differs, or empty when they match.
   */
  Optional<String> match(List<String> expected, List<String> actual, boolean prefixOnly) {
    int a = 0;
    for (int e = 0; e < expected.size(); e++) {
      String want = expected.get(e).stripTrailing();
      if (want.equals("…")) {
        if (e == expected.size() - 1) {
          return Optional.empty();
        }
        String next = expected.get(e + 1).stripTrailing();
        while (a < actual.size() && !matchesLine(next, actual.get(a), false)) {
          a++;
        }
        continue;
      }
      if (a >= actual.size()) {
        return Optional.of("missing line " + (e + 1) + ": " + want);
      }
      if (!matchesLine(want, actual.get(a), true)) {
        return Optional.of("line " + (a + 1) + " is\n  " + actual.get(a) + "\nnot\n  " + want);
      }
      a++;
    }
    if (!prefixOnly && a < actual.size()) {
      return Optional.of("more lines than shown, from: " + actual.get(a));
    }
    return Optional.empty();
  }

  private boolean matchesLine(String want, String got, boolean bind) {
    List<String> examples = new ArrayList<>();
    StringBuilder regex = new StringBuilder();
    int i = 0;
    outer:
    while (i < want.length()) {
      Matcher m = VARIABLE.matcher(want).region(i, want.length());
      if (m.lookingAt()) {
        String example = m.group();
        if (m.group("time") != null) {
          regex.append("\\S+");
        } else if (m.group("any") != null) {
          regex.append(".*?");
        } else if (bound.containsKey(example)) {
          regex.append(Pattern.quote(bound.get(example)));
        } else {
          regex.append('(').append(regexFor(m)).append(')');
          examples.add(example);
        }
        i = m.end();
        continue;
      }
      for (Map.Entry<String, String> e : byLength()) {
        if (want.startsWith(e.getKey(), i)) {
          regex.append(Pattern.quote(e.getValue()));
          i += e.getKey().length();
          continue outer;
        }
      }
      regex.append(Pattern.quote(String.valueOf(want.charAt(i))));
      i++;
    }
    Matcher matched = Pattern.compile(regex.toString()).matcher(got.stripTrailing());
    if (!matched.matches()) {
      return false;
    }
    if (bind) {
      for (int g = 0; g < examples.size(); g++) {
        bind(examples.get(g), matched.group(g + 1));
      }
    }
    return true;
  }

  /** What a value not bound yet may be in the run: one of its kind, bound parts as bound. */
  private String regexFor(Matcher m) {
    if (m.group("peer") != null) {
      return PEER;
    }
    if (m.group("cid") != null) {
      return "baf[a-z2-7]{50,}";
    }
    String[] parts = m.group().split("-");
    return part(parts[0]) + "-" + part(parts[1]) + "-\\d+";
  }

  private String part(String peer) {
    return bound.containsKey(peer) ? Pattern.quote(bound.get(peer)) : PEER;
  }

  private void bind(String example, String actual) {
    bound.put(example, actual);
    bound.putIfAbsent(tail(example), tail(actual));
    if (example.matches(PEER + "-" + PEER + "-\\d+")) {
      String[] ex = example.split("-");
      String[] ac = actual.split("-");
      for (int k = 0; k < 3; k++) {
        bound.putIfAbsent(ex[k], ac[k]);
        bound.putIfAbsent(tail(ex[k]), tail(ac[k]));
      }
    }
  }

  private static String tail(String s) {
    return s.substring(Math.max(0, s.length() - 8));
  }

  private List<Map.Entry<String, String>> byLength() {
    return bound.entrySet().stream()
        .sorted(Comparator.comparingInt((Map.Entry<String, String> e) -> -e.getKey().length()))
        .toList();
  }
}
