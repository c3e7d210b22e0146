package dev.bourne.net;

/** Receives the one-way messages and datagrams of one method. Runs on a transport thread: must not block. */
@FunctionalInterface
public interface MessageHandler {
  /**
   * @param from where the message came from
   * @param payload the message bytes
   */
  void onMessage(Inbound from, byte[] payload);
}
