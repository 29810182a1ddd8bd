package dev.failover.linux.netlink;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of the kernel's routing netlink (rtnetlink) over one socket, opened in the calling
 * thread's network namespace: dumps of routes, rules, links and addresses, filtered by the kernel
 * and decoded as they arrive, and transactions of write requests.
 *
 * <p><b>Dumps</b> hand each object to a consumer as soon as its part of the dump is decoded (one
 * receive buffer, at most 32 KiB, at a time), so a caller keeps only what it wants: a dump of a
 * table with 100,000 routes never holds more than one buffer's worth of them. A route dump asks the
 * kernel to filter by table, protocol, type and interface ({@link RouteFilter}); with a table, the
 * kernel walks that table alone.
 *
 * <p><b>Transactions</b> ({@link #transact}) send every request, each with its own sequence number
 * and {@code NLM_F_ACK}, in one buffer and one send, then read every acknowledgement back and map
 * each to its request: one failing request does not stop the others, and its {@link Result} carries
 * its errno and the kernel's message. A transaction larger than the acknowledgements the socket's
 * receive buffer can hold is sent in as few such sends as fit, in order.
 *
 * <p>Every operation has one deadline ({@link #open(Duration)}, 10 s by default); a dump's is
 * renewed by every buffer the kernel answers with, so a table of any size is read at the kernel's
 * pace while a kernel that stops answering still fails the call. Not thread-safe.
 * After an operation fails with an exception (not a failed request, which is a result), the socket
 * may still hold part of an answer, so the client refuses further use: close it and open another.
 */
public final class RtNetlink implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(RtNetlink.class);

  /**
   * Opens a client: {@code RtNetlink::open} in the calling thread's network namespace, or, in a
   * test, one that opens it on a thread inside another namespace.
   */
  @FunctionalInterface
  public interface Opener {
    /** A new client; the caller closes it. */
    RtNetlink open() throws NetlinkException;
  }

  /** How long one operation may take by default. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** The receive buffer asked for: room for the acknowledgements of a large transaction. */
  private static final int RECEIVE_BUFFER_BYTES = 1 << 20;

  /**
   * What one acknowledgement costs in the receive buffer (its socket buffer's true size): about 830
   * bytes on x86-64; counted high, so that a transaction never loses one to an overrun.
   */
  static final int ACK_COST_BYTES = 2048;

  private final NetlinkSocket socket;
  private final Duration timeout;
  private final int maxInFlight;
  private int nextSeq = 1;
  private boolean broken;
  private long messagesReceived;

  private RtNetlink(NetlinkSocket socket, Duration timeout, int maxInFlight) {
    this.socket = socket;
    this.timeout = timeout;
    this.maxInFlight = maxInFlight;
  }

  /** Opens a client in the calling thread's network namespace, with the default timeout. */
  public static RtNetlink open() throws NetlinkException {
    return open(DEFAULT_TIMEOUT);
  }

  /**
   * Opens a client in the calling thread's network namespace whose operations each take at most
   * {@code timeout}.
   *
   * @throws IllegalArgumentException if {@code timeout} is not positive
   * @throws NetlinkException if the socket cannot be opened or set up
   */
  public static RtNetlink open(Duration timeout) throws NetlinkException {
    checkNotNull(timeout, "timeout");
    checkArgument(
        !timeout.isNegative() && !timeout.isZero(), "timeout must be > 0, was %s", timeout);
    NetlinkSocket socket = NetlinkSocket.open();
    try {
      int buffer = socket.setReceiveBuffer(RECEIVE_BUFFER_BYTES);
      return new RtNetlink(socket, timeout, Math.max(1, buffer / ACK_COST_BYTES));
    } catch (NetlinkException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /**
   * Dumps the routes {@code filter} asks for, handing each to {@code consumer} as it arrives. A
   * table that does not exist has no routes (an empty dump, not an error).
   *
   * @throws NetlinkException if the kernel refuses the dump, does not finish it in time, or sends
   *     something that does not decode
   */
  public DumpResult dumpRoutes(RouteFilter filter, Consumer<? super RouteMessage> consumer)
      throws NetlinkException {
    checkNotNull(filter, "filter");
    checkNotNull(consumer, "consumer");
    // The kernel answers a dump of a table it does not have with ENOENT.
    return dump(
        Nl.RTM_GETROUTE,
        w -> {
          w.u8(filter.family().value())
              .u8(0)
              .u8(0)
              .u8(0)
              .u8(filter.table() > 0 && filter.table() < 256 ? filter.table() : 0)
              .u8(filter.protocol())
              .u8(0)
              .u8(filter.type())
              .u32(0);
          if (filter.table() != 0) {
            w.attributeU32(Codec.RTA_TABLE, filter.table());
          }
          if (filter.outputInterface() != 0) {
            w.attributeU32(Codec.RTA_OIF, filter.outputInterface());
          }
        },
        Nl.RTM_NEWROUTE,
        Codec::route,
        // Again here: a kernel without strict checking (before 4.20) ignores the filter.
        route -> {
          if (filter.matches(route)) {
            consumer.accept(route);
          }
        },
        filter.table() != 0);
  }

  /** Dumps every rule of {@code family} (the kernel cannot filter rules; they are few). */
  public DumpResult dumpRules(AddressFamily family, Consumer<? super RuleMessage> consumer)
      throws NetlinkException {
    checkNotNull(family, "family");
    checkNotNull(consumer, "consumer");
    return dump(
        Nl.RTM_GETRULE,
        w -> w.u8(family.value()).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u8(0).u32(0),
        Nl.RTM_NEWRULE,
        Codec::rule,
        consumer,
        false);
  }

  /** Dumps every interface, without statistics. */
  public DumpResult dumpLinks(Consumer<? super LinkMessage> consumer) throws NetlinkException {
    checkNotNull(consumer, "consumer");
    return dump(
        Nl.RTM_GETLINK,
        w -> {
          w.u8(0).u8(0).u16(0).u32(0).u32(0).u32(0);
          w.attributeU32(Codec.IFLA_EXT_MASK, Nl.RTEXT_FILTER_SKIP_STATS);
        },
        Nl.RTM_NEWLINK,
        Codec::link,
        consumer,
        false);
  }

  /**
   * Dumps the addresses of {@code family} of interface {@code index}, or of every interface if
   * {@code index} is 0.
   */
  public DumpResult dumpAddresses(
      AddressFamily family, int index, Consumer<? super AddressMessage> consumer)
      throws NetlinkException {
    checkNotNull(family, "family");
    checkNotNull(consumer, "consumer");
    checkArgument(index >= 0, "index must be >= 0, was %s", index);
    return dump(
        Nl.RTM_GETADDR,
        w -> w.u8(family.value()).u8(0).u8(0).u8(0).u32(index),
        Nl.RTM_NEWADDR,
        Codec::address,
        // Again here: a kernel without strict checking (before 4.20) ignores the index.
        address -> {
          if (index == 0 || address.index() == index) {
            consumer.accept(address);
          }
        },
        false);
  }

  /**
   * The interface named {@code name} (the name is sent as its UTF-8 bytes, never parsed), or empty
   * if there is none.
   */
  public Optional<LinkMessage> link(String name) throws NetlinkException {
    checkNotNull(name, "name");
    checkUsable();
    int seq = nextSeq++;
    MessageWriter w = new MessageWriter().begin(Nl.RTM_GETLINK, Nl.NLM_F_REQUEST, seq);
    w.u8(0).u8(0).u16(0).u32(0).u32(0).u32(0);
    w.attributeString(Codec.IFLA_IFNAME, name);
    w.attributeU32(Codec.IFLA_EXT_MASK, Nl.RTEXT_FILTER_SKIP_STATS);
    w.end();
    boolean done = false;
    try {
      socket.send(w.toBytes());
      long deadline = deadline();
      while (true) {
        MessageReader r = socket.receive(deadline);
        while (r.next()) {
          messagesReceived++;
          if (!isAnswerTo(r, seq)) {
            continue;
          }
          if (r.type() == Nl.RTM_NEWLINK) {
            LinkMessage link = Codec.link(r);
            done = true;
            return Optional.of(link);
          }
          if (r.type() == Nl.NLMSG_ERROR) {
            Codec.Ack ack = Codec.error(r);
            if (ack.errno() == LibC.ENODEV) {
              done = true;
              return Optional.empty();
            }
            throw NetlinkException.refused("RTM_GETLINK " + name, ack);
          }
          throw new NetlinkFormatException(
              "unexpected " + Nl.typeName(r.type()) + " in the answer to RTM_GETLINK");
        }
      }
    } finally {
      broken |= !done;
    }
  }

  /**
   * Sends {@code requests} in one buffer (see the class comment for a very large transaction) and
   * returns the kernel's answer to each, in the same order. The kernel carries them out in order
   * and goes on after a failed one.
   *
   * @throws NetlinkException if the requests could not be sent, or some answers did not come in
   *     time (then which requests were carried out is unknown: read the state back)
   */
  public List<Result> transact(List<Request> requests) throws NetlinkException {
    List<Request> all = List.copyOf(checkNotNull(requests, "requests"));
    checkUsable();
    List<Result> results = new ArrayList<>(all.size());
    boolean done = false;
    try {
      for (int from = 0; from < all.size(); from += maxInFlight) {
        results.addAll(transactChunk(all.subList(from, Math.min(all.size(), from + maxInFlight))));
      }
      done = true;
      return List.copyOf(results);
    } finally {
      broken |= !done;
    }
  }

  private List<Result> transactChunk(List<Request> chunk) throws NetlinkException {
    int first = nextSeq;
    MessageWriter w = new MessageWriter();
    for (Request request : chunk) {
      request.encode(w, nextSeq++);
    }
    socket.send(w.toBytes());
    @Nullable Result[] results = new Result[chunk.size()];
    int missing = chunk.size();
    long deadline = deadline();
    while (missing > 0) {
      MessageReader r;
      try {
        r = socket.receive(deadline);
      } catch (NetlinkException e) {
        throw new NetlinkException(
            "transaction of "
                + chunk.size()
                + " requests: "
                + missing
                + " answers missing ("
                + e.getMessage()
                + ")",
            e.errno(),
            null);
      }
      while (r.next()) {
        messagesReceived++;
        int index = r.seq() - first;
        if (r.portId() != socket.portId()
            || index < 0
            || index >= chunk.size()
            || r.type() != Nl.NLMSG_ERROR) {
          logger.debug(
              "skipped {} (seq {}) while waiting for acknowledgements",
              Nl.typeName(r.type()),
              r.seq());
          continue;
        }
        Codec.Ack ack = Codec.error(r);
        if (results[index] == null) {
          results[index] = new Result(chunk.get(index), ack.errno(), ack.message());
          missing--;
        }
      }
    }
    return Arrays.asList(results);
  }

  /**
   * How many netlink messages this client received so far (dumped objects, acknowledgements, ends
   * of dumps): what a filter saved is visible here.
   */
  public long messagesReceived() {
    return messagesReceived;
  }

  @Override
  public void close() {
    socket.close();
  }

  /** A decoder of one message type, throwing only {@link NetlinkFormatException}. */
  private interface Decoder<T> {
    T decode(MessageReader message) throws NetlinkFormatException;
  }

  /**
   * Sends a dump request of {@code requestType} whose body {@code body} writes, and hands every
   * answer of {@code type} to {@code consumer}.
   */
  private <T> DumpResult dump(
      int requestType,
      Consumer<MessageWriter> body,
      int type,
      Decoder<T> decoder,
      Consumer<? super T> consumer,
      boolean missingIsEmpty)
      throws NetlinkException {
    checkUsable();
    int seq = nextSeq++;
    MessageWriter request =
        new MessageWriter().begin(requestType, Nl.NLM_F_REQUEST | Nl.NLM_F_DUMP, seq);
    body.accept(request);
    request.end();
    boolean done = false;
    long messages = 0;
    long bytes = 0;
    boolean interrupted = false;
    try {
      socket.send(request.toBytes());
      long deadline = deadline();
      while (true) {
        MessageReader r = socket.receive(deadline);
        // An idle timeout: a full BGP table on a slow router may take longer than one timeout to
        // stream, but every buffer shows the kernel is still answering.
        deadline = deadline();
        while (r.next()) {
          messagesReceived++;
          bytes += r.payloadLength() + Nl.HEADER_LENGTH;
          if (!isAnswerTo(r, seq)) {
            continue;
          }
          interrupted |= (r.flags() & Nl.NLM_F_DUMP_INTR) != 0;
          if (r.type() == type) {
            T decoded = decoder.decode(r);
            messages++;
            consumer.accept(decoded);
          } else if (r.type() == Nl.NLMSG_DONE || r.type() == Nl.NLMSG_ERROR) {
            Codec.Ack ack = r.type() == Nl.NLMSG_DONE ? Codec.done(r) : Codec.error(r);
            if (ack.errno() != 0 && !(missingIsEmpty && ack.errno() == LibC.ENOENT)) {
              throw NetlinkException.refused("dump of " + Nl.typeName(type), ack);
            }
            done = true;
            return new DumpResult(messages, bytes, interrupted);
          } else if (r.type() != Nl.NLMSG_NOOP) {
            throw new NetlinkFormatException(
                "unexpected " + Nl.typeName(r.type()) + " in a dump of " + Nl.typeName(type));
          }
        }
      }
    } finally {
      broken |= !done;
    }
  }

  private boolean isAnswerTo(MessageReader r, int seq) {
    if (r.portId() == socket.portId() && r.seq() == seq) {
      return true;
    }
    logger.debug(
        "skipped {} (seq {}), not an answer to seq {}", Nl.typeName(r.type()), r.seq(), seq);
    return false;
  }

  private long deadline() {
    return System.nanoTime() + timeout.toNanos();
  }

  private void checkUsable() {
    checkState(
        !broken,
        "this netlink client failed earlier and may hold part of an answer;" + " open another");
  }

  @Override
  public String toString() {
    return "RtNetlink[" + socket + "]";
  }
}
