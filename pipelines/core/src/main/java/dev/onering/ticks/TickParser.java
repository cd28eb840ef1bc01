package dev.onering.ticks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.onering.instruments.Instrument;
import dev.onering.instruments.ReferenceData;
import java.io.IOException;
import java.time.LocalDate;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The record-level cleaning rules, shared by the batch (Spark) and streaming (Flink) paths. Rules
 * that need more than one record (price spikes, duplicates) live with the engines; see
 * docs/cleaning-rules.md for the order in which all of them apply.
 *
 * <p>Reads a line with Jackson's streaming parser: it is the hot loop of the Silver job.
 */
public final class TickParser {

  /**
   * Prices and sizes with FastDoubleParser (in jackson-core), which rounds as {@code
   * Double.parseDouble} does, bit for bit, at a fraction of its cost: the JDK's parser was a tenth of
   * the streaming job's parse.
   */
  private static final JsonFactory JSON = JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();

  private final Map<String, Instrument> instruments;

  public TickParser(ReferenceData reference) {
    this.instruments =
        reference.instruments().stream()
            .collect(Collectors.toUnmodifiableMap(Instrument::symbol, Function.identity()));
  }

  /**
   * Parses and validates one line.
   *
   * @param batchDate the date of the Bronze partition the line came from, or null to skip the
   *     batch-date rule (the streaming path has no batches)
   */
  public ParsedTick parse(String line, LocalDate batchDate) {
    if (line == null || line.isBlank()) {
      return new ParsedTick.Rejected(RejectReason.MALFORMED_JSON, null, "the line is empty");
    }
    Fields f = new Fields();
    try (JsonParser p = JSON.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return new ParsedTick.Rejected(
            RejectReason.MALFORMED_JSON, null, "expected a JSON object, found " + describe(line));
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        ParsedTick.Rejected bad = f.read(name, v, p);
        if (bad != null) {
          return bad;
        }
      }
      if (t != JsonToken.END_OBJECT) {
        return new ParsedTick.Rejected(RejectReason.MALFORMED_JSON, null, "the object is not closed");
      }
      if (p.nextToken() != null) {
        return new ParsedTick.Rejected(
            RejectReason.MALFORMED_JSON, null, "unexpected content after the JSON object");
      }
    } catch (JsonParseException e) {
      return new ParsedTick.Rejected(
          RejectReason.MALFORMED_JSON, null, "not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      return new ParsedTick.Rejected(RejectReason.MALFORMED_JSON, null, "unreadable: " + e.getMessage());
    }
    return f.validate(batchDate);
  }

  private static String describe(String line) {
    return line.length() <= 20 ? "'" + line + "'" : "'" + line.substring(0, 20) + "...'";
  }

  /** The fields of one record while it is being read; absent means never seen. */
  private final class Fields {
    String symbol;
    boolean hasSeq;
    long seq;
    boolean hasEventTime;
    long eventTime;
    boolean hasPrice;
    boolean priceNull;
    double price;
    boolean hasSize;
    boolean sizeNull;
    double size;
    String side;
    String exchange;

    ParsedTick.Rejected read(String name, JsonToken v, JsonParser p) throws IOException {
      switch (name) {
        case "symbol" -> {
          if (v != JsonToken.VALUE_STRING) {
            return wrongType(name, "a string", v);
          }
          symbol = p.getText();
        }
        case "seq" -> {
          if (v != JsonToken.VALUE_NUMBER_INT) {
            return wrongType(name, "an integer", v);
          }
          seq = p.getLongValue();
          hasSeq = true;
        }
        case "event_time" -> {
          if (v != JsonToken.VALUE_NUMBER_INT) {
            return wrongType(name, "an integer (microseconds since the epoch)", v);
          }
          eventTime = p.getLongValue();
          hasEventTime = true;
        }
        case "price" -> {
          hasPrice = true;
          if (v == JsonToken.VALUE_NULL) {
            priceNull = true;
          } else if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
            price = p.getDoubleValue();
          } else {
            return wrongType(name, "a number", v);
          }
        }
        case "size" -> {
          hasSize = true;
          if (v == JsonToken.VALUE_NULL) {
            sizeNull = true;
          } else if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
            size = p.getDoubleValue();
          } else {
            return wrongType(name, "a number", v);
          }
        }
        case "side" -> {
          if (v != JsonToken.VALUE_STRING) {
            return wrongType(name, "a string", v);
          }
          side = p.getText();
        }
        case "exchange" -> {
          if (v != JsonToken.VALUE_STRING) {
            return wrongType(name, "a string", v);
          }
          exchange = p.getText();
        }
        default -> p.skipChildren(); // Extra fields are tolerated: sources add fields over time.
      }
      return null;
    }

    ParsedTick validate(LocalDate batchDate) {
      if (symbol == null) {
        return missing("symbol");
      }
      if (!hasSeq) {
        return missing("seq");
      }
      if (!hasEventTime) {
        return missing("event_time");
      }
      if (!hasPrice) {
        return missing("price");
      }
      if (!hasSize) {
        return missing("size");
      }
      if (side == null) {
        return missing("side");
      }
      if (exchange == null) {
        return missing("exchange");
      }
      if (priceNull) {
        return new ParsedTick.Rejected(RejectReason.NULL_PRICE, "price", "price is null");
      }
      if (!(price > 0) || Double.isInfinite(price)) {
        return new ParsedTick.Rejected(
            RejectReason.NON_POSITIVE_PRICE, "price", "price must be positive, got " + price);
      }
      if (sizeNull) {
        return new ParsedTick.Rejected(RejectReason.NULL_SIZE, "size", "size is null");
      }
      if (!(size > 0) || Double.isInfinite(size)) {
        return new ParsedTick.Rejected(
            RejectReason.NON_POSITIVE_SIZE, "size", "size must be positive, got " + size);
      }
      if (seq < 0) {
        return new ParsedTick.Rejected(
            RejectReason.INVALID_VALUE, "seq", "seq must not be negative, got " + seq);
      }
      if (!Tick.BUY.equals(side) && !Tick.SELL.equals(side)) {
        return new ParsedTick.Rejected(
            RejectReason.INVALID_VALUE, "side", "side must be 'buy' or 'sell', got '" + side + "'");
      }
      Instrument instrument = instruments.get(symbol);
      if (instrument == null) {
        return new ParsedTick.Rejected(
            RejectReason.UNKNOWN_SYMBOL, "symbol", "'" + symbol + "' is not in the instrument reference set");
      }
      if (!instrument.exchange().equals(exchange)) {
        return new ParsedTick.Rejected(
            RejectReason.INVALID_VALUE,
            "exchange",
            symbol + " trades on " + instrument.exchange() + ", the record says '" + exchange + "'");
      }
      if (batchDate != null && !Tick.utcDate(eventTime).equals(batchDate)) {
        return new ParsedTick.Rejected(
            RejectReason.OUTSIDE_BATCH_DATE,
            "event_time",
            "event date " + Tick.utcDate(eventTime) + " is not the batch date " + batchDate);
      }
      // The reference data's strings, not the line's copies: every trade of a symbol shares them, so
      // the trades a stream holds in state carry no strings of their own, and the symbol's hash,
      // which keyed state takes on every access, is computed once.
      return new ParsedTick.Accepted(new Tick(instrument.symbol(), seq, eventTime, price, size,
          Tick.BUY.equals(side) ? Tick.BUY : Tick.SELL, instrument.exchange()));
    }

    private ParsedTick.Rejected missing(String field) {
      return new ParsedTick.Rejected(RejectReason.MISSING_FIELD, field, "required field '" + field + "' is absent");
    }

    private ParsedTick.Rejected wrongType(String field, String expected, JsonToken got) {
      return new ParsedTick.Rejected(
          RejectReason.INVALID_TYPE, field, field + " must be " + expected + ", got " + tokenName(got));
    }
  }

  private static String tokenName(JsonToken t) {
    return switch (t) {
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT -> "an integer";
      case VALUE_NUMBER_FLOAT -> "a decimal number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      default -> t.asString();
    };
  }
}
