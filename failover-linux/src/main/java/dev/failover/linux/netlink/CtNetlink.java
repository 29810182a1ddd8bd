package dev.failover.linux.netlink;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import java.nio.ByteBuffer;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of the kernel's connection tracking over netlink (ctnetlink, {@code NETLINK_NETFILTER}),
 * opened in the calling thread's network namespace: counts and deletes the conntrack entries of
 * one address family whose connection mark matches a value under a mask, with the kernel doing the
 * filtering ({@code CTA_MARK} and {@code CTA_MARK_MASK}, Linux 4.8 for deletion), so that releasing
 * an uplink's flows of a family is one request and no process.
 *
 * <p>The family goes in {@code nfgenmsg}. A dump has always been filtered by it. A deletion
 * without a tuple (a flush) is filtered by it only when {@code nfgenmsg}'s version is not 0: for
 * the sake of old {@code conntrack -F}, version 0 flushes every family, so deletions are sent as
 * version 1 (Linux 5.3 or so and later honour it; an older kernel deletes the matching entries of
 * both families).
 *
 * <p>Each operation has one deadline ({@link #open(Duration)}, 10 s by default). Not thread-safe.
 * After an operation fails with an exception, the socket may still hold part of an answer, so the
 * client refuses further use: close it and open another.
 */
public final class CtNetlink implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(CtNetlink.class);

  /**
   * Opens a client: {@code CtNetlink::open} in the calling thread's network namespace, or, in a
   * test, one that opens it on a thread inside another namespace.
   */
  @FunctionalInterface
  public interface Opener {
    /** A new client; the caller closes it. */
    CtNetlink open() throws NetlinkException;
  }

  // linux/netfilter/nfnetlink.h and nfnetlink_conntrack.h
  private static final int NFNL_SUBSYS_CTNETLINK = 1;
  private static final int IPCTNL_MSG_CT_NEW = 0;
  private static final int IPCTNL_MSG_CT_GET = 1;
  private static final int IPCTNL_MSG_CT_DELETE = 2;
  private static final int CTA_MARK = 8;
  private static final int CTA_MARK_MASK = 21;
  private static final int NFNETLINK_V0 = 0;

  /** The version with which a flush keeps to {@code nfgenmsg}'s family. */
  private static final int NFNETLINK_V1 = 1;

  private final NetlinkSocket socket;
  private final Duration timeout;
  private int nextSeq = 1;
  private boolean broken;

  private CtNetlink(NetlinkSocket socket, Duration timeout) {
    this.socket = socket;
    this.timeout = timeout;
  }

  /** Opens a client in the calling thread's network namespace, with a 10 s timeout. */
  public static CtNetlink open() throws NetlinkException {
    return open(RtNetlink.DEFAULT_TIMEOUT);
  }

  /**
   * Opens a client in the calling thread's network namespace whose operations each take at most
   * {@code timeout}.
   *
   * @throws IllegalArgumentException if {@code timeout} is not positive
   * @throws NetlinkException if the socket cannot be opened (no conntrack in the kernel, or no
   *     {@code CAP_NET_ADMIN} for the calls that need it)
   */
  public static CtNetlink open(Duration timeout) throws NetlinkException {
    checkNotNull(timeout, "timeout");
    checkArgument(
        !timeout.isNegative() && !timeout.isZero(), "timeout must be > 0, was %s", timeout);
    return new CtNetlink(NetlinkSocket.open(LibC.NETLINK_NETFILTER), timeout);
  }

  /**
   * Deletes every conntrack entry of {@code family} whose mark, under {@code mask}, equals {@code
   * mark}; entries with other marks, or of the other family, stay. The kernel does not say how many
   * it deleted.
   *
   * @throws IllegalArgumentException if {@code mask} is 0 (that would be every entry: use {@link
   *     #deleteAll()}) or {@code mark} has bits outside it
   * @throws NetlinkException if the kernel refuses the request or does not answer in time
   */
  public void deleteByMark(AddressFamily family, int mark, int mask) throws NetlinkException {
    checkMark(mark, mask);
    request(IPCTNL_MSG_CT_DELETE, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK, family, mark, mask, true);
    ack("IPCTNL_MSG_CT_DELETE " + family + " mark 0x" + Integer.toHexString(mark));
  }

  /**
   * Deletes every conntrack entry of {@code family}: the whole table's flows of that family, of
   * every uplink, forwarded or local.
   */
  public void deleteAll(AddressFamily family) throws NetlinkException {
    request(IPCTNL_MSG_CT_DELETE, Nl.NLM_F_REQUEST | Nl.NLM_F_ACK, family, 0, 0, false);
    ack("IPCTNL_MSG_CT_DELETE " + family + " (all)");
  }

  /**
   * How many conntrack entries of {@code family} have a mark that, under {@code mask}, equals
   * {@code mark}: a dump the kernel filters, counted as it arrives (nothing is kept).
   *
   * @throws IllegalArgumentException if {@code mask} is 0 or {@code mark} has bits outside it
   * @throws NetlinkException if the kernel refuses the dump or does not finish it in time
   */
  public long countByMark(AddressFamily family, int mark, int mask) throws NetlinkException {
    checkMark(mark, mask);
    int seq =
        request(IPCTNL_MSG_CT_GET, Nl.NLM_F_REQUEST | Nl.NLM_F_DUMP, family, mark, mask, true);
    boolean done = false;
    long count = 0;
    try {
      long deadline = deadline();
      while (true) {
        MessageReader r = socket.receive(deadline);
        deadline = deadline();
        while (r.next()) {
          if (r.portId() != socket.portId() || r.seq() != seq) {
            continue;
          }
          if (r.type() == ((NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_NEW)) {
            count++;
          } else if (r.type() == Nl.NLMSG_DONE || r.type() == Nl.NLMSG_ERROR) {
            Codec.Ack ack = r.type() == Nl.NLMSG_DONE ? Codec.done(r) : Codec.error(r);
            if (ack.errno() != 0) {
              throw NetlinkException.refused("dump of conntrack entries", ack);
            }
            done = true;
            return count;
          }
        }
      }
    } finally {
      broken |= !done;
    }
  }

  @Override
  public void close() {
    socket.close();
  }

  private static void checkMark(int mark, int mask) {
    checkArgument(mask != 0, "mask must not be 0");
    checkArgument(
        (mark & ~mask) == 0,
        "mark 0x%s has bits outside mask 0x%s",
        Integer.toHexString(mark),
        Integer.toHexString(mask));
  }

  /**
   * Sends one ctnetlink request about {@code family}'s entries, with a mark filter if {@code
   * filtered}; returns its seq.
   */
  private int request(
      int message, int flags, AddressFamily family, int mark, int mask, boolean filtered)
      throws NetlinkException {
    checkNotNull(family, "family");
    checkState(!broken, "this ctnetlink client failed earlier; open another");
    int seq = nextSeq++;
    MessageWriter w = new MessageWriter().begin((NFNL_SUBSYS_CTNETLINK << 8) | message, flags, seq);
    // struct nfgenmsg: family, version, resource id (big-endian, 0).
    // A flush is of the given family only with version 1 (ctnetlink_del_conntrack); a dump is
    // always of it, and keeps the version it was always sent with.
    int version = message == IPCTNL_MSG_CT_DELETE ? NFNETLINK_V1 : NFNETLINK_V0;
    w.u8(family.value()).u8(version).u16(0);
    if (filtered) {
      // ctnetlink's attributes are in network byte order.
      w.attribute(CTA_MARK, ByteBuffer.allocate(4).putInt(mark).array());
      w.attribute(CTA_MARK_MASK, ByteBuffer.allocate(4).putInt(mask).array());
    }
    w.end();
    boolean sent = false;
    try {
      socket.send(w.toBytes());
      sent = true;
    } finally {
      broken |= !sent;
    }
    return seq;
  }

  /** Reads the acknowledgement of the request just sent. */
  private void ack(String what) throws NetlinkException {
    int seq = nextSeq - 1;
    boolean done = false;
    try {
      long deadline = deadline();
      while (true) {
        MessageReader r = socket.receive(deadline);
        while (r.next()) {
          if (r.portId() != socket.portId() || r.seq() != seq || r.type() != Nl.NLMSG_ERROR) {
            logger.debug("skipped type {} (seq {}) while waiting for an ack", r.type(), r.seq());
            continue;
          }
          Codec.Ack ack = Codec.error(r);
          done = true;
          if (ack.errno() != 0) {
            throw NetlinkException.refused(what, ack);
          }
          return;
        }
      }
    } finally {
      broken |= !done;
    }
  }

  private long deadline() {
    return System.nanoTime() + timeout.toNanos();
  }

  @Override
  public String toString() {
    return "CtNetlink[" + socket + "]";
  }
}
