package io.ferry.channels.entity;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDelegatingDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdDelegatingSerializer;
import com.fasterxml.jackson.databind.util.StdConverter;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.PeerId;
import io.ferry.channels.TypedVoucher;
import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selector;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Teaches Jackson Ferry's value types: a {@link Cid}, {@link PeerId} and {@link ChannelId} as their
 * string forms, a {@link Selector} as its dag-json text, a {@link ChannelState} in its stored flat
 * form ({@link StoredChannelState}), and the derived accessors of {@link TypedVoucher} left out.
 * Registered with Pekko's Jackson serializer in {@code reference.conf}.
 */
public final class FerryJacksonModule extends SimpleModule {
  private static final long serialVersionUID = 1L;

  public FerryJacksonModule() {
    super("ferry");
    addSerializer(Cid.class, new AsText<>(Cid::toString));
    addDeserializer(Cid.class, new FromText<>(Cid.class, Cid::parse));
    addSerializer(Selector.class, new AsText<>(Selector::toDagJson));
    addDeserializer(
        Selector.class, new FromText<>(Selector.class, new Remembered<>(Selector::fromDagJson)));
    addSerializer(PeerId.class, new AsText<>(PeerId::toString));
    addDeserializer(PeerId.class, new FromText<>(PeerId.class, PeerId::parse));
    addSerializer(ChannelId.class, new AsText<>(ChannelId::toString));
    addDeserializer(ChannelId.class, new FromText<>(ChannelId.class, ChannelId::parse));
    addSerializer(ChannelState.class, new StdDelegatingSerializer(new ToStored()));
    addDeserializer(ChannelState.class, new StdDelegatingDeserializer<>(new FromStored()));
    setMixInAnnotation(TypedVoucher.class, TypedVoucherMixin.class);
  }

  /** A channel state in its stored, flat form ({@link StoredChannelState}). */
  private static final class ToStored extends StdConverter<ChannelState, StoredChannelState> {
    @Override
    public StoredChannelState convert(ChannelState value) {
      return StoredChannelState.of(value);
    }
  }

  private static final class FromStored extends StdConverter<StoredChannelState, ChannelState> {
    @Override
    public ChannelState convert(StoredChannelState value) {
      return value.toChannelState();
    }
  }

  abstract static class TypedVoucherMixin {
    @JsonIgnore
    abstract boolean isEmpty();
  }

  private static final class AsText<T> extends JsonSerializer<T> {
    private final Function<T, String> text;

    AsText(Function<T, String> text) {
      this.text = text;
    }

    @Override
    public void serialize(T value, JsonGenerator gen, SerializerProvider serializers)
        throws IOException {
      gen.writeString(text.apply(value));
    }
  }

  /**
   * A parse that remembers what it parsed, by text (up to {@value #KEPT} texts; then it parses):
   * nearly every channel has the same selector (the whole DAG), and decoding its DAG-JSON for each
   * of 100,000 channel states in the read model's checkpoint was a good part of a restart. For
   * immutable values only.
   */
  private static final class Remembered<T> implements Function<String, T> {
    private static final int KEPT = 256;
    private final Function<String, T> parse;
    private final Map<String, T> known = new ConcurrentHashMap<>();

    Remembered(Function<String, T> parse) {
      this.parse = parse;
    }

    @Override
    public T apply(String text) {
      T value = text == null ? null : known.get(text);
      if (value != null) {
        return value;
      }
      value = parse.apply(text);
      if (value != null && known.size() < KEPT) {
        known.putIfAbsent(text, value);
      }
      return value;
    }
  }

  private static final class FromText<T> extends JsonDeserializer<T> {
    private final Class<T> type;
    private final Function<String, T> parse;

    FromText(Class<T> type, Function<String, T> parse) {
      this.type = type;
      this.parse = parse;
    }

    @Override
    public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String text = p.getValueAsString();
      try {
        return parse.apply(text);
      } catch (RuntimeException e) {
        throw JsonMappingException.from(
            p, "not a " + type.getSimpleName() + ": '" + text + "' (" + e.getMessage() + ")", e);
      }
    }
  }
}
