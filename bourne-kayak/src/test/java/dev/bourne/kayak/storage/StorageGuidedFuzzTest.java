package dev.bourne.kayak.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bourne.kayak.api.StorageException;
import dev.bourne.kayak.core.SnapshotStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Tag;

/**
 * Coverage-guided fuzzing (Jazzer) of what Kayak reads back from disk: a log record (the segment
 * reader's check and decoder), a snapshot file and the snapshot point file. The first input byte
 * says whether to make the checksums match the rest, as a buggy or hostile writer would, so that the
 * rules behind the checksums are reached too. A damaged file may only be refused with a {@link
 * StorageException} (or an {@link IOException}); what is accepted reads back as written.
 *
 * <p>{@code mvn verify} replays the inputs kept in {@code StorageGuidedFuzzTestInputs/}; the README
 * shows the command that fuzzes.
 */
@Tag("guided-fuzz")
class StorageGuidedFuzzTest {
  @FuzzTest(maxDuration = "5m")
  void aLogRecordIsRefusedOrDecodes(FuzzedDataProvider data) {
    boolean fix = data.consumeBoolean();
    byte[] record = data.consumeRemainingAsBytes();
    RecordFuzzTest.checkOrDecode(fix ? RecordFuzzTest.withChecksumFixed(record) : record);
  }

  @FuzzTest(maxDuration = "5m")
  void aSnapshotFileIsRefusedOrReadsBack(FuzzedDataProvider data) throws IOException {
    boolean fix = data.consumeBoolean();
    byte[] file = data.consumeRemainingAsBytes();
    int header = FileSnapshotStorage.HEADER_BYTES;
    if (fix && file.length >= header) {
      ByteBuffer b = ByteBuffer.wrap(file);
      CRC32C crc = new CRC32C();
      crc.update(file, header, file.length - header);
      b.putInt(32, (int) crc.getValue());
      crc.reset();
      crc.update(file, 0, header - 4);
      b.putInt(header - 4, (int) crc.getValue());
    }
    // Named after the header's own point where it has one, so the name check is passed too.
    long index = file.length >= 16 ? Math.max(0, ByteBuffer.wrap(file).getLong(8)) : 0;
    long term = file.length >= 24 ? Math.max(0, ByteBuffer.wrap(file).getLong(16)) : 0;
    Path dir = Files.createTempDirectory("snapfuzz");
    try {
      Files.write(dir.resolve(String.format("snapshot-%020d-%020d.snap", index, term)), file);
      Optional<SnapshotStorage.Meta> latest;
      try (FileSnapshotStorage s = FileSnapshotStorage.open(dir)) {
        latest = s.latest();
        if (latest.isPresent()) {
          SnapshotStorage.Meta m = latest.get();
          assertEquals(file.length - header, m.length(), "an accepted snapshot has the length of its content");
          assertArrayEquals(Arrays.copyOfRange(file, header, file.length), s.read(m, 0, (int) m.length()),
              "an accepted snapshot reads back as written");
        }
      } catch (StorageException refused) {
        // the only refusal allowed
      }
    } finally {
      deleteTree(dir);
    }
  }

  @FuzzTest(maxDuration = "5m")
  void aSnapshotPointIsRefusedOrLoads(FuzzedDataProvider data) throws IOException {
    boolean fix = data.consumeBoolean();
    byte[] file = data.consumeRemainingAsBytes();
    if (fix && file.length >= 24) {
      CRC32C crc = new CRC32C();
      crc.update(file, 0, 20);
      ByteBuffer.wrap(file).putInt(20, (int) crc.getValue());
    }
    Path dir = Files.createTempDirectory("pointfuzz");
    try {
      Files.write(dir.resolve(SnapshotMarker.FILE), file);
      try {
        SnapshotMarker.Point p = SnapshotMarker.load(dir);
        assertEquals(ByteBuffer.wrap(file).getLong(4), p.index());
        assertEquals(ByteBuffer.wrap(file).getLong(12), p.term());
        assertTrue(p.index() >= 0 && p.term() >= 0 && (p.index() == 0) == (p.term() == 0), "an impossible point: " + p);
      } catch (StorageException refused) {
        // allowed
      }
    } finally {
      deleteTree(dir);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
