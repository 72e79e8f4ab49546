package io.ferry.validators;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.TypedVoucher;
import io.ferry.channels.spi.RequestValidator;
import io.ferry.channels.spi.Revalidator;
import io.ferry.channels.spi.ValidationRequest;
import io.ferry.channels.spi.ValidationResult;
import io.ferry.channels.spi.ValidationUpdates;
import io.ferry.channels.spi.ValidatorContext;
import io.ferry.channels.spi.ValidatorProvider;
import io.ferry.channels.spi.ValidatorRegistrar;
import io.ferry.channels.spi.VoucherType;
import io.ferry.channels.validation.Validation;
import io.ferry.channels.validation.Verdict;
import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selector;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The node's table of voucher types, validators and revalidators, and the engine's {@link
 * Validation} port on top of it. Plug-ins register through {@link ValidatorRegistrar}; the engine
 * hands in vouchers as type + bytes, the registry decodes them with {@link VoucherCodec}, asks the
 * plug-in on its executor ({@link PluginCalls}), and encodes the answer into a {@link Verdict}.
 * Nothing here throws at the engine: an unknown type, undecodable bytes or a failing plug-in become
 * a REJECT verdict that names the cause.
 */
public final class VoucherRegistry implements Validation, ValidatorRegistrar, AutoCloseable {
  private final VoucherCodec codec = VoucherCodec.standard();
  private final PluginCalls calls;

  /** Every type identifier known to the registry (vouchers and results), with its Java class. */
  private final Map<String, VoucherType<?>> typesById = new ConcurrentHashMap<>();

  private final Map<Class<?>, String> idsByClass = new ConcurrentHashMap<>();
  private final Map<String, RequestValidator<?>> validators = new ConcurrentHashMap<>();
  private final Map<String, Revalidator<?>> revalidatorsById = new ConcurrentHashMap<>();
  private final List<RegisteredRevalidator<?>> revalidators = new CopyOnWriteArrayList<>();
  private final Set<String> resultTypes = ConcurrentHashMap.newKeySet();

  /** Where plug-ins' rechecks go, once the node routes them (see {@link #routeUpdatesTo}). */
  private volatile Consumer<ChannelId> recheck;

  /** The plug-ins that registered here, in order, closed in reverse by {@link #close}. */
  private final List<ValidatorProvider> providers = new CopyOnWriteArrayList<>();

  private record RegisteredRevalidator<V>(VoucherType<V> type, Revalidator<V> revalidator) {}

  /**
   * A registry that calls plug-ins on its own small pool of daemon threads ({@code
   * ferry-validators-N}), so a plug-in that blocks briefly (an fsync, a query) delays neither the
   * engine nor the common fork-join pool.
   */
  public VoucherRegistry() {
    this(PluginPool.create());
  }

  /** A registry that calls plug-ins on {@code executor}, never on the engine's thread. */
  public VoucherRegistry(Executor executor) {
    this.calls = new PluginCalls(executor, this::encode);
  }

  /**
   * A registry filled by every {@link io.ferry.channels.spi.ValidatorProvider} that {@code loader}
   * finds with {@link java.util.ServiceLoader}. Each provider gets its own view of {@code context}:
   * data directory {@code <dataDirectory>/<name>} and the settings whose keys start with {@code
   * <name>.}, prefix removed.
   *
   * @throws IllegalStateException when a provider cannot be loaded or fails to register, naming it
   */
  public static VoucherRegistry discover(ValidatorContext context, ClassLoader loader) {
    return discover(context, loader, PluginPool.create());
  }

  /** As {@link #discover(ValidatorContext, ClassLoader)}, calling plug-ins on {@code executor}. */
  public static VoucherRegistry discover(
      ValidatorContext context, ClassLoader loader, Executor executor) {
    VoucherRegistry registry = new VoucherRegistry(executor);
    ProviderDiscovery.registerAll(registry, context, loader);
    return registry;
  }

  /**
   * A class loader over every {@code *.jar} in {@code pluginsDir} (sorted by name), whose parent is
   * the loader of Ferry's own classes. A missing directory gives a loader without jars.
   *
   * @throws IllegalArgumentException when {@code pluginsDir} exists but is not a directory
   */
  public static URLClassLoader loadPlugins(Path pluginsDir) {
    return ProviderDiscovery.pluginLoader(pluginsDir, VoucherRegistry.class.getClassLoader());
  }

  // ---- plug-ins ----

  /** Remembers a plug-in that registered here, so that {@link #close} releases it. */
  void adopt(ValidatorProvider provider) {
    providers.add(provider);
  }

  /** The names of the plug-ins that registered here, in registration order. */
  public List<String> pluginNames() {
    return providers.stream().map(ValidatorProvider::name).toList();
  }

  /**
   * Closes every plug-in that registered here (see {@link ValidatorProvider#close}), the last one
   * first; each is closed once, however often this is called. Call it when the node has stopped.
   *
   * @throws IllegalStateException after closing all of them, when some failed to close (naming
   *     them; their errors are attached as suppressed exceptions)
   */
  @Override
  public synchronized void close() {
    List<String> failed = new ArrayList<>();
    List<Exception> errors = new ArrayList<>();
    for (int i = providers.size() - 1; i >= 0; i--) {
      ValidatorProvider provider = providers.remove(i);
      try {
        provider.close();
      } catch (Exception e) {
        failed.add("'" + provider.name() + "': " + e.getMessage());
        errors.add(e);
      }
    }
    if (!errors.isEmpty()) {
      IllegalStateException named =
          new IllegalStateException(
              "validator plug-ins failed to close: " + String.join("; ", failed));
      errors.forEach(named::addSuppressed);
      throw named;
    }
  }

  // ---- registration ----

  @Override
  public synchronized <V> void registerVoucherType(
      VoucherType<V> type, RequestValidator<V> validator) {
    requireNonNull(validator, "validator", type);
    if (validators.containsKey(type.id())) {
      throw new IllegalArgumentException(
          "voucher type '" + type.id() + "' is already registered with a validator");
    }
    claim(type);
    validators.put(type.id(), validator);
  }

  @Override
  public synchronized <V> void registerRevalidator(
      VoucherType<V> type, Revalidator<V> revalidator) {
    requireNonNull(revalidator, "revalidator", type);
    if (revalidatorsById.containsKey(type.id())) {
      throw new IllegalArgumentException(
          "voucher type '" + type.id() + "' already has a revalidator");
    }
    claim(type);
    revalidatorsById.put(type.id(), revalidator);
    revalidators.add(new RegisteredRevalidator<>(type, revalidator));
  }

  @Override
  public synchronized <R> void registerVoucherResultType(VoucherType<R> type) {
    if (resultTypes.contains(type.id())) {
      throw new IllegalArgumentException(
          "voucher result type '" + type.id() + "' is already registered");
    }
    claim(type);
    resultTypes.add(type.id());
  }

  @Override
  public ValidationUpdates updates() {
    return this::recheck;
  }

  /**
   * Where plug-ins' {@link ValidationUpdates#recheck} calls go: the node routes each to the
   * channel's actor (the same path as the API's resume), which asks {@link #onRecheck} in its turn.
   */
  public void routeUpdatesTo(Consumer<ChannelId> channelRecheck) {
    this.recheck = channelRecheck;
  }

  private void recheck(ChannelId channelId) {
    Consumer<ChannelId> route = recheck;
    if (route != null && channelId != null) {
      route.accept(channelId);
    }
  }

  /** Identifiers of every registered voucher and voucher-result type, sorted. */
  public Set<String> typeIds() {
    return new TreeSet<>(typesById.keySet());
  }

  /** Identifiers of the voucher types a request validator accepts, sorted. */
  public Set<String> acceptedVoucherTypes() {
    return new TreeSet<>(validators.keySet());
  }

  /** Whether a request validator is registered for {@code typeId}. */
  public boolean hasValidator(String typeId) {
    return validators.containsKey(typeId);
  }

  private static void requireNonNull(Object o, String what, VoucherType<?> type) {
    if (o == null) {
      throw new IllegalArgumentException("no " + what + " given for type '" + type.id() + "'");
    }
  }

  /** One identifier names one class, and one class has one identifier. */
  private void claim(VoucherType<?> type) {
    VoucherType<?> known = typesById.get(type.id());
    if (known != null && !known.javaType().equals(type.javaType())) {
      throw new IllegalArgumentException(
          "type '"
              + type.id()
              + "' is registered for "
              + known.javaType().getName()
              + ", not "
              + type.javaType().getName());
    }
    String knownId = idsByClass.get(type.javaType());
    if (knownId != null && !knownId.equals(type.id())) {
      throw new IllegalArgumentException(
          type.javaType().getName()
              + " is already registered as type '"
              + knownId
              + "', cannot also be '"
              + type.id()
              + "'");
    }
    typesById.put(type.id(), type);
    idsByClass.put(type.javaType(), type.id());
  }

  // ---- codec ----

  @Override
  public Object decode(TypedVoucher voucher) {
    return decodeAs(voucher, typeOf(voucher.type()));
  }

  @Override
  public TypedVoucher encode(Object voucher) {
    if (voucher == null) {
      throw new IllegalArgumentException("cannot encode null as a voucher");
    }
    String id = idsByClass.get(voucher.getClass());
    if (id == null) {
      throw new IllegalArgumentException(
          voucher.getClass().getName() + " is not a registered voucher or voucher-result type");
    }
    return new TypedVoucher(id, codec.encode(voucher));
  }

  private VoucherType<?> typeOf(String id) {
    VoucherType<?> type = typesById.get(id);
    if (type == null) {
      throw new IllegalArgumentException(
          "unknown voucher type '"
              + id
              + "' (this node knows "
              + new TreeSet<>(typesById.keySet())
              + ")");
    }
    return type;
  }

  private <V> V decodeAs(TypedVoucher voucher, VoucherType<V> type) {
    try {
      return codec.decode(voucher.bytes(), type.javaType());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot decode voucher of type '" + type.id() + "': " + e.getMessage(), e);
    }
  }

  // ---- Validation ----

  @Override
  public CompletionStage<Verdict> validateRequest(
      boolean isRestart,
      boolean pull,
      ChannelId channelId,
      PeerId counterparty,
      TypedVoucher voucher,
      Cid baseCid,
      Selector selector) {
    RequestValidator<?> validator = validators.get(voucher.type());
    if (validator == null) {
      return CompletableFuture.completedFuture(
          Verdict.reject(
              "unknown voucher type '"
                  + voucher.type()
                  + "': no validator registered; this node accepts "
                  + (validators.isEmpty()
                      ? "no voucher type"
                      : String.join(", ", acceptedVoucherTypes()))));
    }
    return calls.call(
        channelId,
        "validator for '" + voucher.type() + "'",
        () ->
            validate(
                validator,
                isRestart,
                pull,
                channelId,
                counterparty,
                voucher,
                baseCid,
                selector,
                0));
  }

  @Override
  public CompletionStage<Verdict> validateRestart(
      boolean pull,
      ChannelId channelId,
      PeerId counterparty,
      TypedVoucher voucher,
      Cid baseCid,
      Selector selector,
      long bytesMoved) {
    RequestValidator<?> validator = validators.get(voucher.type());
    if (validator == null) {
      return validateRequest(true, pull, channelId, counterparty, voucher, baseCid, selector);
    }
    return calls.call(
        channelId,
        "validator for '" + voucher.type() + "'",
        () ->
            validate(
                validator,
                true,
                pull,
                channelId,
                counterparty,
                voucher,
                baseCid,
                selector,
                bytesMoved));
  }

  @SuppressWarnings("unchecked")
  private <V> CompletionStage<ValidationResult> validate(
      RequestValidator<V> validator,
      boolean isRestart,
      boolean pull,
      ChannelId channelId,
      PeerId counterparty,
      TypedVoucher voucher,
      Cid baseCid,
      Selector selector,
      long bytesMoved) {
    VoucherType<V> type = (VoucherType<V>) typeOf(voucher.type());
    V decoded = decodeAs(voucher, type);
    var request =
        new ValidationRequest<>(
            isRestart, channelId, counterparty, decoded, baseCid, selector, bytesMoved);
    return pull ? validator.validatePull(request) : validator.validatePush(request);
  }

  @Override
  public CompletionStage<Verdict> revalidate(ChannelId channelId, TypedVoucher voucher) {
    Revalidator<?> revalidator = revalidatorsById.get(voucher.type());
    if (revalidator == null) {
      return CompletableFuture.completedFuture(
          Verdict.reject(
              "unknown voucher type '" + voucher.type() + "': no revalidator registered"));
    }
    return calls.call(
        channelId,
        "revalidator for '" + voucher.type() + "'",
        () -> revalidateWith(revalidator, channelId, voucher));
  }

  @SuppressWarnings("unchecked")
  private <V> CompletionStage<ValidationResult> revalidateWith(
      Revalidator<V> revalidator, ChannelId channelId, TypedVoucher voucher) {
    VoucherType<V> type = (VoucherType<V>) typeOf(voucher.type());
    return revalidator.revalidate(channelId, decodeAs(voucher, type));
  }

  @Override
  public CompletionStage<Optional<Verdict>> onPullDataSent(
      ChannelId channelId, long additionalBytes) {
    return firstHandling(channelId, r -> r.onPullDataSent(channelId, additionalBytes));
  }

  @Override
  public CompletionStage<Optional<Verdict>> onPullDataHeld(
      ChannelId channelId, long nextBlockBytes) {
    return firstHandling(channelId, r -> r.onPullDataHeld(channelId, nextBlockBytes));
  }

  @Override
  public CompletionStage<Optional<Verdict>> onPushDataReceived(
      ChannelId channelId, long additionalBytes) {
    return firstHandling(channelId, r -> r.onPushDataReceived(channelId, additionalBytes));
  }

  @Override
  public CompletionStage<Optional<Verdict>> onComplete(ChannelId channelId) {
    return firstHandling(channelId, r -> r.onComplete(channelId));
  }

  @Override
  public CompletionStage<Optional<Verdict>> onRecheck(ChannelId channelId) {
    return firstHandling(channelId, r -> r.onRecheck(channelId));
  }

  /** Tells every revalidator, in the channel's turn; a failing one is skipped. */
  @Override
  public void channelEnded(ChannelId channelId) {
    calls.firstAnswer(
        channelId,
        revalidators,
        r -> "revalidator for '" + r.type().id() + "'",
        r -> {
          try {
            r.revalidator().onChannelEnded(channelId);
          } catch (RuntimeException e) {
            // the channel has ended either way; the others still hear of it
          }
          return CompletableFuture.completedFuture(Optional.empty());
        });
  }

  /** Asks the revalidators in registration order until one answers. */
  private CompletionStage<Optional<Verdict>> firstHandling(
      ChannelId channelId,
      Function<Revalidator<?>, CompletionStage<Optional<ValidationResult>>> callback) {
    return calls.firstAnswer(
        channelId,
        revalidators,
        r -> "revalidator for '" + r.type().id() + "'",
        r -> callback.apply(r.revalidator()));
  }
}
