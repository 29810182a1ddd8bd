package dev.failover.api;

import java.util.AbstractList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.RandomAccess;
import java.util.function.Function;

/**
 * The configured uplinks, most preferred first: a non-empty list of {@link Provider}s whose ids,
 * interfaces, source addresses (IPv4 and IPv6), table ids and table names are each unique,
 * validated once, with lookups by id and by interface. IPv6 gateways need not be unique, and
 * usually are not: every uplink's is often {@code fe80::1}, told apart by its interface.
 *
 * <p>It is a {@link List} (read-only, in priority order), so code that only iterates needs nothing
 * else; code that needs the guarantees (the engine, the history store, the route backend) takes
 * this type rather than re-checking a list. Immutable and thread-safe.
 */
public final class Providers extends AbstractList<Provider> implements RandomAccess {
  private final List<Provider> list;
  private final Map<String, Provider> byId;
  private final Map<String, Provider> byInterface;

  private Providers(List<Provider> list) {
    this.list = list;
    Map<String, Provider> ids = new HashMap<>();
    Map<String, Provider> interfaces = new HashMap<>();
    for (Provider provider : list) {
      ids.put(provider.id(), provider);
      interfaces.put(provider.interfaceName(), provider);
    }
    this.byId = Map.copyOf(ids);
    this.byInterface = Map.copyOf(interfaces);
  }

  /**
   * The providers {@code inPriorityOrder}, most preferred first.
   *
   * @throws NullPointerException if the list or an element is null
   * @throws IllegalArgumentException if the list is empty, or two providers share an id, an
   *     interface, an IPv4 or IPv6 source address, a table id or a table name; the message names
   *     the field as the config does, such as {@code providers[2].interface_name}
   */
  public static Providers of(List<Provider> inPriorityOrder) {
    if (inPriorityOrder instanceof Providers already) {
      return already;
    }
    List<Provider> list = List.copyOf(Checks.checkNotNull(inPriorityOrder, "providers"));
    Checks.checkArgument(!list.isEmpty(), "providers must name at least one provider");
    checkUnique(list, "id", Provider::id);
    checkUnique(list, "interface_name", Provider::interfaceName);
    checkUnique(
        list,
        "ipv4_address",
        p -> p.ipv4Address() == null ? null : p.ipv4Address().getHostAddress());
    checkUnique(
        list, "ipv6_address", p -> p.ipv6Address() == null ? null : Ipv6.toText(p.ipv6Address()));
    checkUnique(list, "rt_table_id", p -> String.valueOf(p.rtTableId()));
    checkUnique(list, "rt_table_name", Provider::rtTableName);
    return new Providers(list);
  }

  /** The providers given, in that order; see {@link #of(List)}. */
  public static Providers of(Provider... inPriorityOrder) {
    return of(List.of(inPriorityOrder));
  }

  private static void checkUnique(
      List<Provider> providers, String field, Function<Provider, String> value) {
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < providers.size(); i++) {
      String v = value.apply(providers.get(i));
      if (v == null) {
        continue; // learned from the interface: nothing to compare yet
      }
      Integer first = seen.putIfAbsent(v, i);
      Checks.checkArgument(
          first == null,
          "providers[%s].%s must be unique, but providers[%s] has the same: '%s'",
          i,
          field,
          first,
          v);
    }
  }

  @Override
  public Provider get(int index) {
    return list.get(index);
  }

  @Override
  public int size() {
    return list.size();
  }

  /** The provider with id {@code id}, if any. */
  public Optional<Provider> byId(String id) {
    return Optional.ofNullable(byId.get(Checks.checkNotNull(id, "id")));
  }

  /** The provider whose interface is {@code interfaceName}, if any. */
  public Optional<Provider> byInterface(String interfaceName) {
    return Optional.ofNullable(byInterface.get(Checks.checkNotNull(interfaceName, "interfaceName")));
  }

  /** Whether a provider has id {@code id}. */
  public boolean containsId(String id) {
    return byId.containsKey(Checks.checkNotNull(id, "id"));
  }

  /**
   * The providers that have {@code family}, in priority order; empty if none has it (so not a
   * {@code Providers}, which is never empty).
   */
  public List<Provider> having(AddressFamily family) {
    Checks.checkNotNull(family, "family");
    return list.stream().filter(p -> p.has(family)).toList();
  }

  /** The ids, in priority order. */
  public List<String> ids() {
    return list.stream().map(Provider::id).toList();
  }

  /** The rank of the provider with id {@code id} (0 is the most preferred), if any. */
  public Optional<Integer> rankOf(String id) {
    Provider provider = byId.get(Checks.checkNotNull(id, "id"));
    return provider == null ? Optional.empty() : Optional.of(list.indexOf(provider));
  }
}
