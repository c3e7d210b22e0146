package dev.bourne.net.transport;

import dev.bourne.net.internal.Dispatcher;
import dev.bourne.net.internal.LogLimiter;
import java.util.function.BooleanSupplier;

/**
 * What every channel of one {@link NettyTransport} shares: its methods, counters, log limiter and
 * limits. Immutable; its parts are thread-safe.
 *
 * @param dispatcher the registered handlers
 * @param metrics the counters
 * @param limiter rate limits warnings about bad peers
 * @param maxFrameBytes the largest envelope sent or accepted
 * @param closing true once the transport began to close
 * @param bindsIdentity whether a TLS peer's certificate names its identity ({@link
 *     dev.bourne.net.TlsConfig#bindingIdentity()})
 */
record TransportContext(
    Dispatcher dispatcher,
    NetMetrics metrics,
    LogLimiter limiter,
    int maxFrameBytes,
    BooleanSupplier closing,
    boolean bindsIdentity) {}
