package dev.bourne.kayak.api;

import dev.bourne.common.error.BourneException;
import dev.bourne.common.error.ErrorCode;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * A request crossed two clusters: the member that answered belongs to another cluster than the
 * caller (for example a member restarted against the peers of another cluster, or a new cluster
 * started at a former member's address). Never retried: it names both ids so that the operator
 * can tell which data directory or which peer list is wrong. The ids travel in {@link #detail()}.
 * Code {@code CLUSTER_MISMATCH}.
 */
public class ClusterMismatchException extends BourneException {
  private static final long serialVersionUID = 1L;

  /** The code of this error. */
  public static final ErrorCode CODE = new ErrorCode("CLUSTER_MISMATCH");

  private final transient ClusterId local;
  private final transient ClusterId remote;

  /**
   * @param message what was refused, naming both clusters
   * @param local the cluster of the member that raised it
   * @param remote the cluster the other side claimed
   */
  public ClusterMismatchException(String message, ClusterId local, ClusterId remote) {
    super(CODE, message);
    this.local = local;
    this.remote = remote;
  }

  /** The cluster of the member that raised this error. */
  public ClusterId local() {
    return local;
  }

  /** The cluster the other side belongs to. */
  public ClusterId remote() {
    return remote;
  }

  /** Both ids, 16 bytes each: the raiser's cluster first. */
  @Override
  public byte[] detail() {
    return ByteBuffer.allocate(2 * ClusterId.BYTES).put(local.toBytes()).put(remote.toBytes()).array();
  }

  /**
   * Rebuilds the exception from an error with code {@code CLUSTER_MISMATCH} (typically a {@code
   * RemoteException}), seen from the side that receives it: its {@link #local()} is the cluster
   * the receiver claimed, its {@link #remote()} the cluster of the member that refused.
   *
   * @return empty if the detail is not two ids
   */
  public static Optional<ClusterMismatchException> from(BourneException e) {
    if (e instanceof ClusterMismatchException cme) {
      return Optional.of(cme);
    }
    byte[] d = e.detail();
    if (d.length != 2 * ClusterId.BYTES) {
      return Optional.empty();
    }
    ByteBuffer b = ByteBuffer.wrap(d);
    byte[] raiser = new byte[ClusterId.BYTES];
    byte[] claimed = new byte[ClusterId.BYTES];
    b.get(raiser).get(claimed);
    // The raiser's local cluster is the receiver's remote one.
    return Optional.of(new ClusterMismatchException(e.getMessage(), ClusterId.fromBytes(claimed),
        ClusterId.fromBytes(raiser)));
  }
}
