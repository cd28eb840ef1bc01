/**
 * The streaming half of OneRing: ticks on Pulsar, cleaned with the batch path's rules, into
 * one-minute bars, late and quarantined records, and CEP alerts (docs/streaming.md).
 */
package dev.onering.stream;
