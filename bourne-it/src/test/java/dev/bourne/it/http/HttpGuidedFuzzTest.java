package dev.bourne.it.http;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Tag;

/**
 * Coverage-guided fuzzing (Jazzer) of the HTTP API's request handling, with the oracles of {@link
 * ApiFuzzTest}: requests built from fuzzer-chosen parts (a method, any printable target, a header,
 * any body), and raw bytes. {@code mvn verify} replays the inputs kept in {@code
 * HttpGuidedFuzzTestInputs/}; the README shows the command that fuzzes.
 */
@Tag("guided-fuzz")
class HttpGuidedFuzzTest {
  @FuzzTest(maxDuration = "5m")
  void everyRequestGetsOneDocumentedAnswer(FuzzedDataProvider data) throws Exception {
    String method = data.pickValue(ApiFuzzTest.METHODS);
    String header = data.pickValue(ApiFuzzTest.HEADERS);
    StringBuilder target = new StringBuilder("/");
    for (char c : data.consumeAsciiString(200).toCharArray()) {
      if (c > ' ' && c < 127) { // a request target has no spaces or controls; the codec refuses those
        target.append(c);
      }
    }
    ApiFuzzTest.checkRequest(new ApiFuzzTest.Request(method, target.toString(), header, data.consumeRemainingAsString()));
  }

  @FuzzTest(maxDuration = "5m")
  void rawBytesNeverBreakTheHandler(byte[] bytes) {
    ApiFuzzTest.checkRawBytes(bytes);
  }
}
