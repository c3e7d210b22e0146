/**
 * The deterministic simulator of Kayak: {@link dev.bourne.kayak.sim.Simulation} runs the real
 * hosts (the code that ships, assembled by {@code Hosts} from simulated parts: a virtual clock,
 * the in-memory transport over the seeded simulated network, in-memory storage that loses
 * un-synced writes on a crash, executors on the virtual clock) through message faults,
 * partitions, crashes and membership changes, with client requests through the public API, while
 * {@link dev.bourne.kayak.sim.SafetyChecker} checks Raft's safety properties after every step. A
 * run is a pure function of its seed.
 */
package dev.bourne.kayak.sim;
