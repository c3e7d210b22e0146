/**
 * A deterministic simulator for the Raft core: {@link dev.bourne.kayak.sim.SimNode} hosts a core
 * on a {@code VirtualClock} and {@code SimNetwork} with in-memory storage that loses un-synced
 * writes on a crash; {@link dev.bourne.kayak.sim.Simulation} runs a seeded cluster through message
 * faults, partitions, crashes and membership changes while {@link
 * dev.bourne.kayak.sim.SafetyChecker} checks Raft's safety properties after every step. A run is a
 * pure function of its seed.
 */
package dev.bourne.kayak.sim;
