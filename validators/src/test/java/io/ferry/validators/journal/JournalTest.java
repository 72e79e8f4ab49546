package io.ferry.validators.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
  record Note(String text, long amount) {}

  record Other(String name) {}

  @TempDir Path dir;

  private Path file() {
    return dir.resolve("sub").resolve("notes.journal");
  }

  private List<Note> reopen() {
    List<Note> seen = new ArrayList<>();
    Journal.open(file(), Note.class, seen::add).close();
    return seen;
  }

  private void write(Note... notes) {
    try (Journal<Note> journal = Journal.open(file(), Note.class, n -> {})) {
      for (Note n : notes) {
        journal.append(n);
      }
    }
  }

  @Test
  void entriesAreReplayedInTheOrderTheyWereAppendedAfterReopening() {
    write(new Note("a", 1), new Note("b", 2));
    write(new Note("c", 3));

    assertThat(reopen()).containsExactly(new Note("a", 1), new Note("b", 2), new Note("c", 3));
  }

  @Test
  void bufferedEntriesAreReadBackOnceTheJournalIsClosed() {
    try (Journal<Note> journal = Journal.open(file(), Note.class, n -> {})) {
      journal.appendBuffered(new Note("progress", 10));
      journal.appendBuffered(new Note("progress", 20));
      assertThat(journal.entries()).isEqualTo(2);
    }

    assertThat(reopen()).extracting(Note::amount).containsExactly(10L, 20L);
  }

  @Test
  void aRecordTornByACrashIsCutOffAndAppendingContinuesAfterIt() throws Exception {
    write(new Note("kept", 1), new Note("torn", 2));
    long size = Files.size(file());
    try (RandomAccessFile raf = new RandomAccessFile(file().toFile(), "rw")) {
      raf.setLength(size - 3);
    }

    assertThat(reopen()).containsExactly(new Note("kept", 1));
    write(new Note("after", 3));
    assertThat(reopen()).containsExactly(new Note("kept", 1), new Note("after", 3));
  }

  @Test
  void zerosLeftAtTheEndByACrashAreCutOff() throws Exception {
    write(new Note("kept", 1));
    Files.write(file(), new byte[64], java.nio.file.StandardOpenOption.APPEND);

    assertThat(reopen()).containsExactly(new Note("kept", 1));
    assertThat(Files.size(file())).isLessThan(64);
  }

  @Test
  void damageBeforeTheLastRecordIsRefusedNamingTheFileAndOffset() throws Exception {
    write(new Note("first", 1), new Note("second", 2));
    byte[] bytes = Files.readAllBytes(file());
    bytes[10] ^= 0x55;
    Files.write(file(), bytes);

    assertThatThrownBy(this::reopen)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(file().toString())
        .hasMessageContaining("offset 0");
    assertThat(Files.readAllBytes(file())).isEqualTo(bytes);
  }

  @Test
  void anEntryThatDoesNotDecodeIsRefusedNamingTheFileAndOffset() throws Exception {
    write(new Note("first", 1));
    long secondAt = Files.size(file());
    try (Journal<Object> any = Journal.open(file(), Object.class, o -> {})) {
      any.append(new Other("not a note"));
    }

    assertThatThrownBy(this::reopen)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(file().toString())
        .hasMessageContaining("unreadable entry at offset " + secondAt + ":");
  }

  @Test
  void aJournalOverItsLimitIsRewrittenAsItsSnapshotAndReplayedAgain() {
    write(new Note("a", 1), new Note("a", 2), new Note("a", 3));
    List<Note> state = new ArrayList<>();

    try (Journal<Note> compacted =
        Journal.openCompacting(
            file(),
            Note.class,
            state::add,
            () -> 2,
            () -> List.of(new Note("a", 6)),
            state::clear)) {
      assertThat(compacted.entries()).isEqualTo(1);
    }

    assertThat(state).containsExactly(new Note("a", 6));
    assertThat(reopen()).containsExactly(new Note("a", 6));
    try (Journal<Note> small =
        Journal.openCompacting(
            file(),
            Note.class,
            n -> {},
            () -> 2,
            () -> {
              throw new AssertionError("a journal within its limit is not compacted");
            },
            () -> {})) {
      assertThat(small.entries()).isEqualTo(1);
    }
  }
}
