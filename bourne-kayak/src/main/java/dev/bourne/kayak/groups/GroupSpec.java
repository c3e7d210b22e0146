package dev.bourne.kayak.groups;

import dev.bourne.kayak.api.KayakConfig;
import dev.bourne.kayak.groups.core.Advert;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * One group this member takes part in. Immutable; start with {@link #named(String)}.
 *
 * @param name the group's name, the same on every member (1 to 63 of {@code [a-z0-9_-]})
 * @param expect how many voter candidates must be alive in the directory for the group to form;
 *     the same on every member (a mismatch stops formation with an error on every member)
 * @param voter whether this member wants to vote (default yes); a non-voter only ever is a learner
 * @param dataDir the group's own data directory on this member (required)
 * @param kayak adjusts the Kayak configuration of the group's host (ticks, timeouts, limits); the
 *     data directory, bind address, member id and promotion policy are set by the group
 * @param autopilot how the group's leader keeps its configuration healthy
 * @param replication 0 (the default): every member that joins the group is a voter candidate;
 *     otherwise the group is placed on this many of the eligible members (those that join it and
 *     carry {@code tag}), chosen by rendezvous hashing, and moved when they fail or others come;
 *     {@code expect} is then the replication
 * @param tag for a placed group: only members whose Convoy store lists this tag under {@link
 *     #TAGS_KEY} host it (empty: every member that joins it is eligible)
 */
public record GroupSpec(String name, int expect, boolean voter, Path dataDir, UnaryOperator<KayakConfig.Builder> kayak,
    AutopilotConfig autopilot, int replication, java.util.Optional<String> tag) {
  /** The Convoy store key under which a member lists its tags, comma-separated ({@code ssd,eu-west}). */
  public static final String TAGS_KEY = "kayak.tags";

  /** @throws IllegalArgumentException if the name or expect is invalid, or no data directory is set */
  public GroupSpec {
    Advert.checkName(name);
    if (expect < 1 || expect > 99) {
      throw new IllegalArgumentException("expect must be in 1..99, got " + expect);
    }
    Objects.requireNonNull(dataDir, () -> "group " + name + " needs a data directory (dataDir)");
    Objects.requireNonNull(kayak, "kayak");
    Objects.requireNonNull(autopilot, "autopilot");
    Objects.requireNonNull(tag, "tag");
    if (replication < 0 || replication > 99) {
      throw new IllegalArgumentException("replication must be in 0..99, got " + replication);
    }
    if (replication > 0 && expect != replication) {
      throw new IllegalArgumentException("a placed group forms with its replication " + replication + " voters, not "
          + expect);
    }
    tag.ifPresent(Advert::checkName);
  }

  /** Whether the group is placed on some of the eligible members rather than on all that join it. */
  public boolean placed() {
    return replication > 0;
  }

  /**
   * A group named {@code name} expecting 3 voters, with this member a voter candidate; set {@link
   * #dataDir(Path)} before use.
   */
  public static Draft named(String name) {
    return new Draft(Advert.checkName(name));
  }

  /** A {@link GroupSpec} being written. Not thread-safe. */
  public static final class Draft {
    private final String name;
    private int expect = 3;
    private boolean voter = true;
    private UnaryOperator<KayakConfig.Builder> kayak = b -> b;
    private AutopilotConfig autopilot = AutopilotConfig.defaults();
    private int replication;
    private java.util.Optional<String> tag = java.util.Optional.empty();

    private Draft(String name) {
      this.name = name;
    }

    /** @see GroupSpec#expect() */
    public Draft expect(int value) {
      this.expect = value;
      return this;
    }

    /** @see GroupSpec#voter() */
    public Draft voter(boolean value) {
      this.voter = value;
      return this;
    }

    /** @see GroupSpec#kayak() */
    public Draft kayak(UnaryOperator<KayakConfig.Builder> value) {
      this.kayak = Objects.requireNonNull(value, "kayak");
      return this;
    }

    /**
     * Places the group on {@code replication} of the members that join it and carry {@code tag}
     * (null for any member that joins it); {@code expect} becomes the replication.
     *
     * @see GroupSpec#replication() @see GroupSpec#tag()
     */
    public Draft placement(int replication, String tag) {
      this.replication = replication;
      this.expect = replication;
      this.tag = java.util.Optional.ofNullable(tag);
      return this;
    }

    /** @see GroupSpec#autopilot() */
    public Draft autopilot(AutopilotConfig value) {
      this.autopilot = Objects.requireNonNull(value, "autopilot");
      return this;
    }

    /**
     * The spec, with its data directory.
     *
     * @throws IllegalArgumentException if a value is invalid
     */
    public GroupSpec dataDir(Path value) {
      return new GroupSpec(name, expect, voter, value, kayak, autopilot, replication, tag);
    }
  }
}
