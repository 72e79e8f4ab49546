package io.ferry.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.ipld.trustless.DagScope;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NegotiationTest {
  private static Wanted decide(Map<String, String> query, String accept) {
    return Negotiation.decide(
        name -> Optional.ofNullable(query.get(name)), Optional.ofNullable(accept));
  }

  @Test
  void theFormatParameterWinsOverAccept() {
    assertThat(decide(Map.of("format", "raw"), "application/vnd.ipld.car"))
        .isInstanceOf(Wanted.Raw.class);
    assertThat(decide(Map.of("format", "car"), "application/vnd.ipld.raw"))
        .isInstanceOf(Wanted.Car.class);
  }

  @Test
  void acceptIsReadByQualityThenOrderSkippingWhatCannotBeServed() {
    Wanted w =
        decide(
            Map.of(),
            "application/vnd.ipld.car;order=foo, application/vnd.ipld.car;order=dfs;dups=y;q=0.5,"
                + " application/vnd.ipld.raw;q=0.4");
    assertThat(w).isEqualTo(new Wanted.Car(true, DagScope.ALL, Optional.empty()));
    assertThat(decide(Map.of(), "application/vnd.ipld.car;q=0.1, application/vnd.ipld.raw"))
        .isInstanceOf(Wanted.Raw.class);
  }

  @Test
  void carQueryParametersOverrideTheAcceptParametersAndEntityBytesMeansEntity() {
    Wanted w =
        decide(
            Map.of("format", "car", "car-dups", "y", "dag-scope", "all", "entity-bytes", "0:9"),
            "application/vnd.ipld.car; dups=n");
    assertThat(w)
        .isInstanceOfSatisfying(
            Wanted.Car.class,
            c -> {
              assertThat(c.dups()).isTrue();
              assertThat(c.scope()).isEqualTo(DagScope.ENTITY);
            });
  }

  @Test
  void anAcceptHeaderOfBareSemicolonsIsARefusalNotAnError() {
    // Jazzer (GatewayRequestFuzzTest#negotiation, 9,753 runs) found that a media range of only
    // ";" threw ArrayIndexOutOfBoundsException: the gateway answered 500 instead of 400.
    assertThatThrownBy(() -> decide(Map.of(), ";"))
        .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.status()).isEqualTo(400));
    assertThat(decide(Map.of(), ";;, ;, application/vnd.ipld.raw")).isInstanceOf(Wanted.Raw.class);
  }

  @Test
  void noChoiceIs400AndOnlyUnservableTypesAre406() {
    assertThatThrownBy(() -> decide(Map.of(), null))
        .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.status()).isEqualTo(400));
    assertThatThrownBy(() -> decide(Map.of(), "*/*"))
        .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.status()).isEqualTo(400));
    assertThatThrownBy(() -> decide(Map.of(), "text/html, application/vnd.ipld.car; version=2"))
        .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.status()).isEqualTo(406));
    assertThatThrownBy(() -> decide(Map.of("format", "tar"), null))
        .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.status()).isEqualTo(400));
    assertThatThrownBy(() -> decide(Map.of("format", "car", "car-version", "2"), null))
        .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.status()).isEqualTo(400));
  }
}
