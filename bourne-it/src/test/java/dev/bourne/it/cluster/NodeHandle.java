package dev.bourne.it.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One node of a test cluster, wherever it runs (a process on loopback, a container on a test
 * network): its HTTP API as a small client, and the faults every kind of node can suffer (crash,
 * restart, freeze). Subclasses say where the API listens and how the faults are made.
 */
public abstract class NodeHandle {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final AtomicLong SEQ = new AtomicLong();

  /** The status of a call that was certainly not sent: the connection was refused or never set up. */
  public static final int REFUSED = -2;

  /** A JVM stopped by SIGTERM exits with 128 + 15 once its shutdown hooks (the graceful stop) ran. */
  public static final int SIGTERM_EXIT = 143;

  /** The node's name in the test (not its member id). */
  public final String name;

  protected NodeHandle(String name) {
    this.name = name;
  }

  /** An HTTP answer: the status (-1: no answer, {@link #REFUSED}: never sent) and the JSON body (null if none). */
  public record Answer(int status, JsonNode body, String text) {
    /** The error code of a JSON error body, or "" if there is none. */
    public String errorCode() {
      return body == null ? "" : body.path("error").path("code").asText();
    }
  }

  /** The API's host, as the test reaches it. */
  protected abstract String httpHost();

  /** The API's port. */
  public abstract int httpPort();

  /** Whether the node's process runs (a frozen one counts as running). */
  public abstract boolean alive();

  /** SIGKILL: a crash. Returns once the process is gone. */
  public abstract void kill() throws Exception;

  /** Starts the node again on the same data and addresses, joining through the others. */
  public abstract void restart() throws Exception;

  /** Freezes the node (SIGSTOP, or the cgroup freezer), as in a long GC pause, until {@link #resume}. */
  public abstract void pause() throws Exception;

  /** Lets a frozen node run again. */
  public abstract void resume() throws Exception;

  /** One call; never throws for network trouble (see {@link Answer#status}). */
  public Answer call(String method, String path, String body, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + httpHost() + ":" + httpPort() + path))
        .timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    headers.forEach(b::header);
    try {
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      JsonNode json = null;
      try {
        json = JSON.readTree(r.body());
      } catch (IOException notJson) {
        // /metrics
      }
      return new Answer(r.statusCode(), json, r.body());
    } catch (java.net.ConnectException | HttpConnectTimeoutException notSent) {
      return new Answer(REFUSED, null, notSent.toString());
    } catch (IOException e) {
      return new Answer(-1, null, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /**
   * As {@link #call}, retried while the node answers that it cannot serve yet (503: no leader or
   * not ready; 504: timed out; or no answer) until {@code timeout}. Writes are retried under one
   * request id, so that a retry of a write that did apply returns its first outcome.
   */
  public Answer callSurely(String method, String path, String body, Duration timeout) {
    Map<String, String> id = method.equals("GET") ? Map.of()
        : Map.of("Bourne-Client-Id", "it-" + ProcessHandle.current().pid(), "Bourne-Request-Seq",
            Long.toString(SEQ.incrementAndGet()));
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Answer a = call(method, path, body, id);
      boolean retry = a.status() < 0 || a.status() == 503 || a.status() == 504;
      if (!retry || System.nanoTime() > deadline) {
        return a;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(50_000_000); // 50 ms between retries, bounded above
    }
  }

  public Answer get(String path) {
    return call("GET", path, null, Map.of());
  }

  public Answer put(String key, String value) {
    return call("PUT", "/v1/kv/" + key, value, Map.of());
  }

  /** Whether the node answers and serves the key/value API. */
  public boolean ready() {
    Answer a = get("/v1/status");
    return a.status() == 200 && a.body().path("ready").asBoolean();
  }

  /** The node's Convoy member id, asked until it answers (for up to a minute). */
  public String id() {
    Answer a = callSurely("GET", "/v1/status", null, Duration.ofSeconds(60));
    if (a.status() != 200) {
      throw new AssertionError(name + " did not say its id: " + a);
    }
    return a.body().path("id").asText();
  }

  @Override
  public String toString() {
    return name + "(http " + httpHost() + ":" + httpPort() + ")";
  }
}
