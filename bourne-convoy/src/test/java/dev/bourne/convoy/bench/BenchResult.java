package dev.bourne.convoy.bench;

/**
 * One benchmark measurement.
 *
 * @param env "sim" or "loopback"
 * @param n members
 * @param factor retransmit factor (each update sent ceil(factor * ln(N+1)) times)
 * @param spreadPeriods gossip periods until an update reached every member
 * @param spreadSeconds seconds until an update reached every member
 * @param firstSuspectSeconds seconds from a crash until some member first suspected it
 * @param allFailedSeconds seconds from a crash until every live member marked it failed
 * @param msgsPerMemberPeriod messages sent per member per gossip period
 * @param bytesPerMemberPeriod bytes sent per member per gossip period
 */
record BenchResult(String env, int n, int factor, double spreadPeriods, double spreadSeconds,
    double firstSuspectSeconds, double allFailedSeconds, double msgsPerMemberPeriod, double bytesPerMemberPeriod) {

  static String header() {
    return "| env | N | factor | periods to reach all | s to reach all | s to first suspect | s until all mark failed"
        + " | msgs/member/period | bytes/member/period |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|";
  }

  String row() {
    return String.format(java.util.Locale.ROOT, "| %s | %d | %d | %.1f | %.2f | %.2f | %.2f | %.1f | %.0f |",
        env, n, factor, spreadPeriods, spreadSeconds, firstSuspectSeconds, allFailedSeconds,
        msgsPerMemberPeriod, bytesPerMemberPeriod);
  }
}
