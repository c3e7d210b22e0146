package dev.bourne.convoy.wire;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.bourne.common.id.NodeId;
import dev.bourne.common.net.HostPort;
import dev.bourne.convoy.api.Item;
import dev.bourne.convoy.api.MemberState;
import dev.bourne.convoy.core.Message;
import dev.bourne.convoy.core.Update;
import dev.bourne.convoy.wire.AckPb;
import dev.bourne.convoy.wire.AlivePb;
import dev.bourne.convoy.wire.ConvoyMessagePb;
import dev.bourne.convoy.wire.DigestPb;
import dev.bourne.convoy.wire.DigestReplyPb;
import dev.bourne.convoy.wire.EvictedPb;
import dev.bourne.convoy.wire.FailedPb;
import dev.bourne.convoy.wire.GossipPb;
import dev.bourne.convoy.wire.ItemPb;
import dev.bourne.convoy.wire.LeftPb;
import dev.bourne.convoy.wire.MemberRecordPb;
import dev.bourne.convoy.wire.MemberStatePb;
import dev.bourne.convoy.wire.NackPb;
import dev.bourne.convoy.wire.PingPb;
import dev.bourne.convoy.wire.PingReqPb;
import dev.bourne.convoy.wire.PushPullPb;
import dev.bourne.convoy.wire.SuspectPb;
import dev.bourne.convoy.wire.UpdatePb;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts core {@link Message} records to and from their protobuf form, at the host's edge. Decoding
 * checks structure (ids of 16 bytes, parsable addresses, a known kind) and throws {@link
 * MalformedMessageException} for anything else; counters are range-checked later by the core.
 *
 * <p>Stateless and thread-safe.
 */
public final class WireCodec {
  private WireCodec() {}

  /** Encodes a message. */
  public static byte[] encode(Message m) {
    return toProto(m).toByteArray();
  }

  /** Decodes a message. @throws MalformedMessageException if the bytes are not a valid message */
  public static Message decode(byte[] bytes) {
    ConvoyMessagePb pb;
    try {
      pb = ConvoyMessagePb.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new MalformedMessageException("not a convoy message: " + e.getMessage(), e);
    }
    try {
      return fromProto(pb);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new MalformedMessageException("invalid convoy message: " + e.getMessage(), e);
    }
  }

  /** Buckets in a digest; the core's {@code TableSummary.BUCKETS}, which this package cannot see. */
  static final int DIGEST_BUCKETS = 64;

  static ConvoyMessagePb toProto(Message m) {
    ConvoyMessagePb.Builder b = ConvoyMessagePb.newBuilder();
    if (m instanceof Message.Ping p) {
      b.setPing(PingPb.newBuilder().setSeq(p.seq()).setTarget(id(p.target())).setSender(id(p.sender()))
          .addAllUpdates(updates(p.updates())));
    } else if (m instanceof Message.Ack a) {
      b.setAck(AckPb.newBuilder().setSeq(a.seq()).setSender(id(a.sender())).addAllUpdates(updates(a.updates())));
    } else if (m instanceof Message.Nack n) {
      b.setNack(NackPb.newBuilder().setSeq(n.seq()).setSender(id(n.sender())));
    } else if (m instanceof Message.PingReq r) {
      b.setPingReq(PingReqPb.newBuilder().setSeq(r.seq()).setTarget(id(r.target()))
          .setTargetAddress(r.targetAddress().toString()).setSender(id(r.sender()))
          .addAllUpdates(updates(r.updates())));
    } else if (m instanceof Message.Gossip g) {
      b.setGossip(GossipPb.newBuilder().setSender(id(g.sender())).addAllUpdates(updates(g.updates())));
    } else if (m instanceof Message.PushPull pp) {
      PushPullPb.Builder ppb = PushPullPb.newBuilder().setReply(pp.reply()).setJoin(pp.join()).setSender(id(pp.sender()));
      for (Message.MemberRecord r : pp.members()) {
        ppb.addMembers(record(r));
      }
      for (Update.ItemUpdate i : pp.items()) {
        ppb.addItems(item(i));
      }
      b.setPushPull(ppb);
    } else if (m instanceof Message.Digest d) {
      b.setDigest(DigestPb.newBuilder().setSender(id(d.sender())).addAllBuckets(d.buckets()));
    } else if (m instanceof Message.DigestReply r) {
      DigestReplyPb.Builder rb = DigestReplyPb.newBuilder().setSender(id(r.sender())).addAllDiffering(r.differing());
      for (Message.MemberRecord mr : r.members()) {
        rb.addMembers(record(mr));
      }
      for (Update.ItemUpdate i : r.items()) {
        rb.addItems(item(i));
      }
      b.setDigestReply(rb);
    } else {
      throw new AssertionError("unhandled message " + m.getClass());
    }
    return b.build();
  }

  static Message fromProto(ConvoyMessagePb pb) {
    switch (pb.getKindCase()) {
      case PING: {
        PingPb p = pb.getPing();
        return new Message.Ping(p.getSeq(), id(p.getTarget()), id(p.getSender()), updatesOf(p.getUpdatesList()));
      }
      case ACK: {
        AckPb a = pb.getAck();
        return new Message.Ack(a.getSeq(), id(a.getSender()), updatesOf(a.getUpdatesList()));
      }
      case NACK:
        return new Message.Nack(pb.getNack().getSeq(), id(pb.getNack().getSender()));
      case PING_REQ: {
        PingReqPb r = pb.getPingReq();
        return new Message.PingReq(r.getSeq(), id(r.getTarget()), HostPort.parse(r.getTargetAddress()),
            id(r.getSender()), updatesOf(r.getUpdatesList()));
      }
      case GOSSIP:
        return new Message.Gossip(id(pb.getGossip().getSender()), updatesOf(pb.getGossip().getUpdatesList()));
      case PUSH_PULL: {
        PushPullPb pp = pb.getPushPull();
        return new Message.PushPull(pp.getReply(), pp.getJoin(), id(pp.getSender()), records(pp.getMembersList()),
            items(pp.getItemsList()));
      }
      case DIGEST:
        if (pb.getDigest().getBucketsCount() != DIGEST_BUCKETS) {
          throw new IllegalArgumentException("a digest has " + DIGEST_BUCKETS + " buckets, not "
              + pb.getDigest().getBucketsCount());
        }
        return new Message.Digest(id(pb.getDigest().getSender()), pb.getDigest().getBucketsList());
      case DIGEST_REPLY: {
        DigestReplyPb r = pb.getDigestReply();
        if (r.getDifferingCount() > DIGEST_BUCKETS) {
          throw new IllegalArgumentException("more differing buckets than a digest has: " + r.getDifferingCount());
        }
        List<Integer> differing = new ArrayList<>(r.getDifferingCount());
        for (int b : r.getDifferingList()) {
          if (b < 0 || b >= DIGEST_BUCKETS) {
            throw new IllegalArgumentException("bucket out of range: " + Integer.toUnsignedString(b));
          }
          differing.add(b);
        }
        return new Message.DigestReply(id(r.getSender()), differing, records(r.getMembersList()), items(r.getItemsList()));
      }
      default:
        throw new IllegalArgumentException("unknown message kind " + pb.getKindCase());
    }
  }

  private static MemberRecordPb record(Message.MemberRecord r) {
    return MemberRecordPb.newBuilder().setId(id(r.id())).setAddress(r.address().toString())
        .setIncarnation(r.incarnation()).setGeneration(r.generation())
        .setState(MemberStatePb.forNumber(r.state().ordinal() + 1)).build();
  }

  private static List<Message.MemberRecord> records(List<MemberRecordPb> pbs) {
    List<Message.MemberRecord> members = new ArrayList<>(pbs.size());
    for (MemberRecordPb r : pbs) {
      members.add(new Message.MemberRecord(id(r.getId()), HostPort.parse(r.getAddress()), r.getIncarnation(),
          r.getGeneration(), state(r.getState())));
    }
    return members;
  }

  private static List<Update.ItemUpdate> items(List<ItemPb> pbs) {
    List<Update.ItemUpdate> items = new ArrayList<>(pbs.size());
    for (ItemPb i : pbs) {
      items.add(item(i));
    }
    return items;
  }

  private static MemberState state(MemberStatePb s) {
    if (s == MemberStatePb.MEMBER_STATE_UNSPECIFIED || s == MemberStatePb.UNRECOGNIZED) {
      throw new IllegalArgumentException("member state missing or unknown");
    }
    return MemberState.values()[s.getNumber() - 1];
  }

  private static List<UpdatePb> updates(List<Update> updates) {
    List<UpdatePb> out = new ArrayList<>(updates.size());
    for (Update u : updates) {
      UpdatePb.Builder b = UpdatePb.newBuilder();
      if (u instanceof Update.Alive a) {
        b.setAlive(AlivePb.newBuilder().setId(id(a.id())).setAddress(a.address().toString())
            .setIncarnation(a.incarnation()).setGeneration(a.generation()));
      } else if (u instanceof Update.Suspect s) {
        b.setSuspect(SuspectPb.newBuilder().setId(id(s.id())).setIncarnation(s.incarnation()).setFrom(id(s.from())));
      } else if (u instanceof Update.Failed f) {
        b.setFailed(FailedPb.newBuilder().setId(id(f.id())).setIncarnation(f.incarnation()).setFrom(id(f.from())));
      } else if (u instanceof Update.Left l) {
        b.setLeft(LeftPb.newBuilder().setId(id(l.id())).setIncarnation(l.incarnation()));
      } else if (u instanceof Update.Evicted e) {
        b.setEvicted(EvictedPb.newBuilder().setId(id(e.id())).setIncarnation(e.incarnation()));
      } else if (u instanceof Update.ItemUpdate i) {
        b.setItem(item(i));
      } else {
        throw new AssertionError("unhandled update " + u.getClass());
      }
      out.add(b.build());
    }
    return out;
  }

  private static List<Update> updatesOf(List<UpdatePb> pbs) {
    List<Update> out = new ArrayList<>(pbs.size());
    for (UpdatePb u : pbs) {
      switch (u.getKindCase()) {
        case ALIVE -> out.add(new Update.Alive(id(u.getAlive().getId()), HostPort.parse(u.getAlive().getAddress()),
            u.getAlive().getIncarnation(), u.getAlive().getGeneration()));
        case SUSPECT -> out.add(new Update.Suspect(id(u.getSuspect().getId()), u.getSuspect().getIncarnation(),
            id(u.getSuspect().getFrom())));
        case FAILED -> out.add(new Update.Failed(id(u.getFailed().getId()), u.getFailed().getIncarnation(),
            id(u.getFailed().getFrom())));
        case LEFT -> out.add(new Update.Left(id(u.getLeft().getId()), u.getLeft().getIncarnation()));
        case EVICTED -> out.add(new Update.Evicted(id(u.getEvicted().getId()), u.getEvicted().getIncarnation()));
        case ITEM -> out.add(item(u.getItem()));
        default -> throw new IllegalArgumentException("unknown update kind " + u.getKindCase());
      }
    }
    return out;
  }

  private static ItemPb item(Update.ItemUpdate i) {
    return ItemPb.newBuilder().setOwner(id(i.owner())).setGeneration(i.generation()).setKey(i.key())
        .setValue(i.item().value()).setVersion(i.item().version()).setDeleted(i.item().deleted()).build();
  }

  private static Update.ItemUpdate item(ItemPb i) {
    if (i.getVersion() < 0) {
      throw new IllegalArgumentException("negative item version");
    }
    return new Update.ItemUpdate(id(i.getOwner()), i.getGeneration(), i.getKey(),
        new Item(i.getValue(), i.getVersion(), i.getDeleted()));
  }

  /** A node id in its 16-byte wire form ({@link NodeId#toBytes()}). */
  public static ByteString id(NodeId id) {
    return ByteString.copyFrom(id.toBytes());
  }

  /** A node id from its 16-byte wire form. @throws IllegalArgumentException if not 16 bytes */
  public static NodeId id(ByteString bytes) {
    return NodeId.fromBytes(bytes.toByteArray());
  }
}
