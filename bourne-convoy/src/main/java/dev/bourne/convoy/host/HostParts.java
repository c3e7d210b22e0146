package dev.bourne.convoy.host;

import dev.bourne.common.exec.Workers;
import dev.bourne.common.time.Scheduler;
import dev.bourne.convoy.api.ConvoyConfig;
import dev.bourne.net.Transport;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executor;

/**
 * Everything a {@link ConvoyNode} is made of, checked by {@link HostBuilder}.
 *
 * @param config the member's configuration
 * @param transport where it sends and receives
 * @param scheduler its only source of time ({@link Scheduler#clock()}) and of delayed work
 * @param random its only source of randomness (id, core seed, join backoff jitter)
 * @param state what it keeps across restarts; closed with the member
 * @param workers where its event loop and its listeners run
 * @param callbacks where the futures it hands to callers complete
 * @param closeOnStop further parts closed when the member stops, in order
 * @param nonces where the nonces of encrypted messages come from (a {@code SecureRandom} unless a
 *     simulation gives a seeded one)
 */
record HostParts(ConvoyConfig config, Transport transport, Scheduler scheduler, Random random, DurableState state,
    Workers workers, Executor callbacks, List<AutoCloseable> closeOnStop, Random nonces) {}
