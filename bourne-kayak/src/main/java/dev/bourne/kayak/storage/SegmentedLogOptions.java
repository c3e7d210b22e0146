package dev.bourne.kayak.storage;

import dev.bourne.common.config.ConfigCheck;

/**
 * Tuning of a {@link SegmentedLog}. Immutable; validated when built.
 *
 * @param segmentBytes a segment is rolled once the next record would take it past this size
 *     (default 64 MiB; 4 KiB..1 GiB)
 * @param maxEntryBytes the largest payload accepted by {@code append} (default 8 MiB); must fit
 *     in one segment with its framing
 * @param cacheEntries how many of the most recent entries are kept in memory so that replication
 *     reads rarely touch the disk (default 8192; 0 disables the cache)
 * @param cacheBytes the payload bytes the cache may hold at most (default 32 MiB)
 */
public record SegmentedLogOptions(long segmentBytes, int maxEntryBytes, int cacheEntries, long cacheBytes) {
  /** Smallest segment size accepted; small sizes only make sense in tests. */
  public static final long MIN_SEGMENT_BYTES = 4096;
  /** Largest segment size accepted: offsets inside a segment are kept as ints. */
  public static final long MAX_SEGMENT_BYTES = 1L << 30;

  /** @throws dev.bourne.common.config.ConfigException naming the first invalid key */
  public SegmentedLogOptions {
    ConfigCheck.inRange(segmentBytes, MIN_SEGMENT_BYTES, MAX_SEGMENT_BYTES, "segmentBytes");
    ConfigCheck.inRange(maxEntryBytes, 0, 256 << 20, "maxEntryBytes");
    ConfigCheck.inRange(cacheEntries, 0, 1 << 24, "cacheEntries");
    ConfigCheck.inRange(cacheBytes, 0, Long.MAX_VALUE, "cacheBytes");
    ConfigCheck.require(
        (long) maxEntryBytes + RecordFormat.OVERHEAD + RecordFormat.ID_BYTES + SegmentFile.HEADER_BYTES <= segmentBytes,
        "maxEntryBytes", maxEntryBytes, "a record of this size must fit in one segment of " + segmentBytes + " bytes");
  }

  /** The defaults: 64 MiB segments, 8 MiB entries, 8192 cached entries up to 32 MiB. */
  public static SegmentedLogOptions defaults() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link SegmentedLogOptions}; not thread-safe. */
  public static final class Builder {
    private long segmentBytes = 64L << 20;
    private int maxEntryBytes = 8 << 20;
    private int cacheEntries = 8192;
    private long cacheBytes = 32L << 20;

    private Builder() {}

    /** @see SegmentedLogOptions#segmentBytes() */
    public Builder segmentBytes(long value) {
      this.segmentBytes = value;
      return this;
    }

    /** @see SegmentedLogOptions#maxEntryBytes() */
    public Builder maxEntryBytes(int value) {
      this.maxEntryBytes = value;
      return this;
    }

    /** @see SegmentedLogOptions#cacheEntries() */
    public Builder cacheEntries(int value) {
      this.cacheEntries = value;
      return this;
    }

    /** @see SegmentedLogOptions#cacheBytes() */
    public Builder cacheBytes(long value) {
      this.cacheBytes = value;
      return this;
    }

    /** @throws dev.bourne.common.config.ConfigException naming the first invalid key */
    public SegmentedLogOptions build() {
      return new SegmentedLogOptions(segmentBytes, maxEntryBytes, cacheEntries, cacheBytes);
    }
  }
}
