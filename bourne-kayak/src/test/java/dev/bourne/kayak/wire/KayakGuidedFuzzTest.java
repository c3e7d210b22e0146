package dev.bourne.kayak.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Tag;

/**
 * Coverage-guided fuzzing (Jazzer) of every Kayak wire decoder, with the oracle of {@link
 * KayakDecoderFuzzTest}: only a typed refusal. {@code mvn verify} replays the inputs kept in {@code
 * KayakGuidedFuzzTestInputs/} (valid messages to start from, and every crash ever found); the README
 * shows the command that fuzzes.
 */
@Tag("guided-fuzz")
class KayakGuidedFuzzTest {
  @FuzzTest(maxDuration = "5m")
  void everyDecoderRefusesCleanly(byte[] bytes) {
    KayakDecoderFuzzTest.decodeEverywhere(bytes);
  }
}
