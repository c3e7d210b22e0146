package dev.bourne.it.check;

import java.util.Objects;

/**
 * One operation of a recorded history on one key: what a client asked, when, and what it got.
 *
 * @param process the client that ran it (a client runs one operation at a time)
 * @param key the key
 * @param kind read, write, compare-and-set or delete
 * @param value for writes and compare-and-sets: the value written (unique per write, as Jepsen's
 *     workloads make them, so that a read tells which write it saw)
 * @param expected for compare-and-sets: the version the key had to be at
 * @param status whether it happened: {@link Status#OK} (with a result), {@link Status#FAILED}
 *     (certainly did not happen) or {@link Status#UNKNOWN} (a timeout: it may have happened, at any
 *     time after its invocation)
 * @param result what an OK operation returned
 * @param invoked when it was invoked (any monotonic clock, shared by the clients)
 * @param completed when it completed; ignored for UNKNOWN operations (they may take effect at any
 *     later time)
 */
public record Op(int process, String key, Kind kind, String value, long expected, Status status, Result result,
    long invoked, long completed) {
  /** The kinds of operation. */
  public enum Kind { READ, WRITE, CAS, DELETE }

  /** Whether the operation happened. */
  public enum Status { OK, FAILED, UNKNOWN }

  /**
   * What an OK operation returned.
   *
   * @param found for reads: whether the key existed; for compare-and-sets and deletes: whether it
   *     applied (false: a version conflict, or nothing to delete)
   * @param value for reads: the value read
   * @param version for reads: the version read; for applied writes: the new version; for a
   *     compare-and-set conflict: the key's current version (0 if absent)
   * @param previous for applied writes: the version replaced (0 if none)
   */
  public record Result(boolean found, String value, long version, long previous) {
    public static final Result NONE = new Result(false, null, 0, 0);
  }

  public Op {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(result, "result");
    if (status != Status.UNKNOWN && completed < invoked) {
      throw new IllegalArgumentException("completed before invoked: " + invoked + " > " + completed);
    }
  }

  @Override
  public String toString() {
    String what = switch (kind) {
      case READ -> "read";
      case WRITE -> "write " + value;
      case CAS -> "cas v" + expected + " -> " + value;
      case DELETE -> "delete";
    };
    String got = switch (status) {
      case FAILED -> "failed";
      case UNKNOWN -> "unknown";
      case OK -> switch (kind) {
        case READ -> result.found() ? "= " + result.value() + "@v" + result.version() : "= absent";
        case WRITE -> "ok v" + result.version() + " (was v" + result.previous() + ")";
        case CAS -> result.found() ? "ok v" + result.version() + " (was v" + result.previous() + ")"
            : "conflict (at v" + result.version() + ")";
        case DELETE -> result.found() ? "ok (was v" + result.previous() + ")" : "absent";
      };
    };
    return "p" + process + " " + key + ": " + what + " " + got + " [" + invoked + ", "
        + (status == Status.UNKNOWN ? "?" : completed) + "]";
  }
}
