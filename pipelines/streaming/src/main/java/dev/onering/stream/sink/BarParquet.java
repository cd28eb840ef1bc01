package dev.onering.stream.sink;

import dev.onering.stream.job.BarRecord;
import java.util.Map;
import org.apache.flink.formats.parquet.ParquetWriterFactory;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * Closed bars as Parquet with the columns of the batch path's {@code silver/bars_1m} files, so the
 * lake's stream bars load into {@code silver.bars_1m} the way batch bars do. Written with
 * parquet-hadoop's own builder: Flink's Avro and RowData writers would bring a schema language or
 * the Table API for ten flat columns.
 */
public final class BarParquet {
  private BarParquet() {}

  static final MessageType SCHEMA = Types.buildMessage()
      .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("symbol")
      .required(PrimitiveTypeName.INT64)
      .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS)).named("bar_start")
      .required(PrimitiveTypeName.DOUBLE).named("open")
      .required(PrimitiveTypeName.DOUBLE).named("high")
      .required(PrimitiveTypeName.DOUBLE).named("low")
      .required(PrimitiveTypeName.DOUBLE).named("close")
      .required(PrimitiveTypeName.DOUBLE).named("volume")
      .required(PrimitiveTypeName.DOUBLE).named("notional")
      .required(PrimitiveTypeName.DOUBLE).named("vwap")
      .required(PrimitiveTypeName.INT64).named("trade_count")
      .named("bar");

  public static ParquetWriterFactory<BarRecord> writerFactory() {
    return new ParquetWriterFactory<>(out -> new Builder(out)
        .withCompressionCodec(CompressionCodecName.SNAPPY)
        .build());
  }

  private static final class Builder extends ParquetWriter.Builder<BarRecord, Builder> {
    Builder(OutputFile file) {
      super(file);
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<BarRecord> getWriteSupport(Configuration conf) {
      return new BarWriteSupport();
    }
  }

  private static final class BarWriteSupport extends WriteSupport<BarRecord> {
    private RecordConsumer out;

    @Override
    public WriteContext init(Configuration configuration) {
      return new WriteContext(SCHEMA, Map.of());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      out = recordConsumer;
    }

    @Override
    public void write(BarRecord b) {
      out.startMessage();
      field(0, "symbol", () -> out.addBinary(Binary.fromString(b.symbol)));
      field(1, "bar_start", () -> out.addLong(b.barStart));
      field(2, "open", () -> out.addDouble(b.open));
      field(3, "high", () -> out.addDouble(b.high));
      field(4, "low", () -> out.addDouble(b.low));
      field(5, "close", () -> out.addDouble(b.close));
      field(6, "volume", () -> out.addDouble(b.volume));
      field(7, "notional", () -> out.addDouble(b.notional));
      field(8, "vwap", () -> out.addDouble(b.vwap));
      field(9, "trade_count", () -> out.addLong(b.tradeCount));
      out.endMessage();
    }

    private void field(int index, String name, Runnable value) {
      out.startField(name, index);
      value.run();
      out.endField(name, index);
    }
  }
}
