package dev.onering.cli.bench;

import dev.onering.report.Assets;
import dev.onering.pipeline.Json;
import java.util.List;
import java.util.Map;

/** A one-page chart of the benchmark: time and throughput per size, OneRing beside DuckDB. */
final class BenchHtml {
  private BenchHtml() {}

  static String render(Map<String, Object> report, List<BenchCommand.SizeResult> results) throws Exception {
    String data = Json.MAPPER.writeValueAsString(report).replace("</", "<\\/");
    return """
        <!doctype html><html><head><meta charset="utf-8"><title>OneRing benchmark</title>
        <style>body{font-family:system-ui,sans-serif;margin:2rem;color:#1f2937}h1{font-size:1.4rem}
        .chart{height:380px;margin:1rem 0}table{border-collapse:collapse}td,th{padding:.3rem .8rem;border-bottom:1px solid #e5e7eb;text-align:right}
        th:first-child,td:first-child{text-align:left}</style>
        <script>%s</script></head><body>
        <h1>OneRing batch path vs DuckDB, same Bronze files, same Gold rows</h1>
        <p>Medians of %s runs after %s warm-up(s), each a fresh process; memory is the peak PSS summed over every process involved.</p>
        <div id="time" class="chart"></div><div id="rate" class="chart"></div><table id="t"></table>
        <script type="application/json" id="data">%s</script>
        <script>
        const r = JSON.parse(document.getElementById('data').textContent);
        const sizes = r.sizes.map(s => s.size);
        echarts.init(document.getElementById('time')).setOption({title:{text:'Wall time (s), lower is better', left:0},
          tooltip:{trigger:'axis'}, legend:{top:0, right:0}, grid:{top:60}, xAxis:{type:'category',data:sizes},
          yAxis:[{type:'value',name:'seconds'},{type:'value',name:'ratio',splitLine:{show:false}}],
          series:[{name:'OneRing',type:'bar',data:r.sizes.map(s=>s.onering_median_ms/1000)},
                  {name:'DuckDB',type:'bar',data:r.sizes.map(s=>s.duckdb_median_ms/1000)},
                  {name:'ratio OneRing/DuckDB',type:'line',yAxisIndex:1,data:r.sizes.map(s=>+s.ratio.toFixed(2))}]});
        echarts.init(document.getElementById('rate')).setOption({title:{text:'Throughput (Bronze lines/s), higher is better', left:0},
          tooltip:{trigger:'axis'}, legend:{top:0, right:0}, grid:{top:60}, xAxis:{type:'category',data:sizes}, yAxis:{type:'value'},
          series:[{name:'OneRing',type:'line',data:r.sizes.map(s=>Math.round(s.onering_ticks_per_second))},
                  {name:'DuckDB',type:'line',data:r.sizes.map(s=>Math.round(s.duckdb_ticks_per_second))}]});
        const rows = r.sizes.map(s => `<tr><td>${s.size}</td><td>${s.lines.toLocaleString()}</td><td>${(s.onering_median_ms/1000).toFixed(1)}</td>`
          + `<td>${(s.duckdb_median_ms/1000).toFixed(1)}</td><td>${s.ratio.toFixed(2)}x</td><td>${(s.onering_peak_rss/1e9).toFixed(1)} GB</td>`
          + `<td>${(s.duckdb_peak_rss/1e9).toFixed(1)} GB</td><td>${Object.entries(s.onering_steps_median_ms).map(([k,v])=>k+' '+(v/1000).toFixed(1)+' s').join(', ')}</td>`
          + `<td>${s.equality.only_one_ring===0&&s.equality.only_duck_db===0&&s.equality.differing===0?'equal':'DIFFERENT'}</td></tr>`).join('');
        document.getElementById('t').innerHTML = '<tr><th>size</th><th>lines</th><th>OneRing s</th><th>DuckDB s</th><th>ratio</th>'
          + '<th>OneRing memory</th><th>DuckDB memory</th><th>OneRing steps</th><th>Gold</th></tr>' + rows;
        </script></body></html>
        """.formatted(Assets.echarts(), report.get("runs"), report.get("warmups"), data);
  }
}
