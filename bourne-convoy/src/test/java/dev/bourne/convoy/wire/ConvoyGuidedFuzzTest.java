package dev.bourne.convoy.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Tag;

/**
 * Coverage-guided fuzzing (Jazzer) of every Convoy decoder and of the packet envelope, with the
 * oracle of {@link DecoderFuzzTest}: only a typed refusal, and nothing opens that was not sealed.
 * {@code mvn verify} replays the inputs kept in {@code ConvoyGuidedFuzzTestInputs/} (valid messages
 * of each kind to start from, and every crash ever found); the README shows the command that fuzzes.
 */
@Tag("guided-fuzz")
class ConvoyGuidedFuzzTest {
  @FuzzTest(maxDuration = "5m")
  void everyDecoderRefusesCleanly(byte[] bytes) {
    DecoderFuzzTest.decodeEverywhere(bytes);
  }
}
