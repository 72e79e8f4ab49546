package io.ferry.bench.chaos;

import io.ferry.bench.chaos.ChaosBench.Phase;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What the chaos rounds found: kills by phase and node, and every check's count. */
final class ChaosTally {
  final Map<Phase, Integer> kills = new EnumMap<>(Phase.class);
  final Map<Phase, Integer> missed = new EnumMap<>(Phase.class);
  final Map<String, Integer> victims = new LinkedHashMap<>();
  final List<String> notes = new ArrayList<>();
  int transfers;
  int lost;
  int corrupt;
  int stuck;
  int paymentMismatches;
  int counterMismatches;
  long extraBytes;
  long countedBytes;

  void kill(Phase p, String victim) {
    kills.merge(p, 1, Integer::sum);
    victims.merge(victim, 1, Integer::sum);
  }

  void missed(Phase p) {
    missed.merge(p, 1, Integer::sum);
  }

  void note(String n) {
    notes.add(n);
    System.out.println("  " + n);
  }

  boolean clean() {
    return lost == 0 && corrupt == 0 && stuck == 0 && paymentMismatches == 0;
  }

  String summary() {
    return String.format(
        Locale.ROOT,
        "%d transfers, %d lost, %d corrupt, %d stuck, %d payment mismatches, %d extra bytes",
        transfers,
        lost,
        corrupt,
        stuck,
        paymentMismatches,
        extraBytes);
  }

  String table(int rounds, int perRound, int largestKiB, long seed) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "Chaos: %d rounds × %d paid pulls (files of 1 KiB to %d KiB, price 1 per byte,"
                + " payment every %d KiB), seed %d%n%n",
            rounds,
            perRound,
            largestKiB,
            ChaosBench.INTERVAL >> 10,
            seed));
    b.append("| what | count |\n|---|---|\n");
    b.append("| rounds | ").append(rounds).append(" |\n");
    for (Phase p : Phase.values()) {
      b.append("| kills while ")
          .append(p.name().toLowerCase(Locale.ROOT))
          .append(" | ")
          .append(kills.getOrDefault(p, 0))
          .append(missed.containsKey(p) ? " (phase not seen in " + missed.get(p) + ")" : "")
          .append(" |\n");
    }
    b.append("| kills by node | ").append(victims).append(" |\n");
    b.append("| transfers | ").append(transfers).append(" |\n");
    b.append("| lost | ").append(lost).append(" |\n");
    b.append("| corrupt | ").append(corrupt).append(" |\n");
    b.append("| stuck | ").append(stuck).append(" |\n");
    b.append("| payment mismatches | ").append(paymentMismatches).append(" |\n");
    b.append("| counter mismatches (provider sent ≠ client received) | ")
        .append(counterMismatches)
        .append(" |\n");
    b.append("| bytes the client received | ").append(countedBytes).append(" |\n");
    b.append("| extra bytes (sent again after kills) | ")
        .append(extraBytes)
        .append(
            countedBytes > 0
                ? String.format(Locale.ROOT, " (%.2f%%)", 100.0 * extraBytes / countedBytes)
                : "")
        .append(" |\n");
    if (!notes.isEmpty()) {
      b.append("\nFindings:\n\n");
      notes.forEach(n -> b.append("- ").append(n).append('\n'));
    }
    return b.toString();
  }
}
