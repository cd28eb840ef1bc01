package dev.onering.ticks;

/** The outcome of reading one Bronze line: a tick, or the reason it was rejected. */
public sealed interface ParsedTick {

  record Accepted(Tick tick) implements ParsedTick {}

  /**
   * @param field the offending field, or null when the line as a whole is at fault
   * @param detail a sentence for the person reading the quarantine
   */
  record Rejected(RejectReason reason, String field, String detail) implements ParsedTick {}
}
