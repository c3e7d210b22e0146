package dev.bourne.it.check;

import java.util.List;

/**
 * The sequential model of one key of the key/value store: absent, or a value at a version. A
 * version is the log index of the write that set it: only known to grow, so the model accepts any
 * higher version for a write and then holds exactly what the write returned. A write whose outcome
 * is unknown leaves its version unknown too ("above L") until a later operation reveals it.
 *
 * <p>Immutable; {@link #step} returns the states possible after an operation (none if the operation
 * cannot have returned what it did from this state; two when an operation of unknown outcome may or
 * may not have applied). Where the model cannot express a fact exactly (a compare-and-set that did
 * not apply only says the version was not the expected one) it keeps the weaker state: the checker
 * may then miss a violation, but never reports one that is not there.
 *
 * @param present whether the key exists
 * @param value its value
 * @param version its version if known exactly, else 0
 * @param above when the version is not known: it is greater than this
 */
public record VersionedRegister(boolean present, String value, long version, long above) {
  /** The key before any write. */
  public static final VersionedRegister ABSENT = new VersionedRegister(false, null, 0, 0);

  /** Whether {@code v} can be this state's version (0 for absent). */
  private boolean versionIs(long v) {
    if (!present) {
      return v == 0;
    }
    return version != 0 ? version == v : v > above;
  }

  /** The lowest version a later write may have: above the current one. */
  private long floor() {
    return version != 0 ? version : above;
  }

  private VersionedRegister known(long v) {
    return new VersionedRegister(present, value, v, 0);
  }

  /** The states possible after {@code op} took effect here; empty if its result is impossible here. */
  public List<VersionedRegister> step(Op op) {
    boolean unknown = op.status() == Op.Status.UNKNOWN;
    Op.Result r = op.result();
    return switch (op.kind()) {
      case READ -> {
        if (unknown) {
          yield List.of(this);
        }
        if (!r.found()) {
          yield present ? List.of() : List.of(this);
        }
        yield present && value.equals(r.value()) && versionIs(r.version()) ? List.of(known(r.version()))
            : List.of();
      }
      case WRITE -> {
        if (unknown) {
          yield List.of(new VersionedRegister(true, op.value(), 0, floor()));
        }
        yield versionIs(r.previous()) && r.version() > floor()
            ? List.of(new VersionedRegister(true, op.value(), r.version(), 0)) : List.of();
      }
      case CAS -> {
        if (unknown) {
          // Either it applied (the version was the expected one) or it conflicted and changed nothing.
          VersionedRegister applied = new VersionedRegister(true, op.value(), 0, op.expected());
          if (!versionIs(op.expected())) {
            yield List.of(this);
          }
          yield present && version == 0 ? List.of(applied, this) : List.of(applied);
        }
        if (r.found()) {
          yield versionIs(op.expected()) && r.previous() == op.expected() && r.version() > floor()
              ? List.of(new VersionedRegister(true, op.value(), r.version(), 0)) : List.of();
        }
        yield versionIs(r.version()) && r.version() != op.expected() ? List.of(present ? known(r.version()) : this)
            : List.of();
      }
      case DELETE -> {
        if (unknown) {
          yield List.of(present ? new VersionedRegister(false, null, 0, 0) : this);
        }
        if (r.found()) {
          yield present && versionIs(r.previous()) ? List.of(ABSENT) : List.of();
        }
        yield present ? List.of() : List.of(this);
      }
    };
  }
}
