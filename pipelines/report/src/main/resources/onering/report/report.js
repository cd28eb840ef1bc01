/* Draws a report page's charts from the report embedded in it. The batch run's page (onering run)
 * and the stream demo's (onering stream demo) share this script; each names the renderers it needs
 * in data-chart. Text and tables are already in the page; this only adds what needs a canvas, plus
 * table sorting. Each chart is drawn on its own so one bad series cannot blank the rest of the page. */
(function () {
  'use strict';

  var data = JSON.parse(document.getElementById('report-data').textContent);
  var meta = JSON.parse(document.getElementById('report-meta').textContent);

  var FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
  var C = {
    ink: '#1c2433', muted: '#667085', grid: '#eef1f6', axis: '#d0d5dd',
    accent: '#4f46e5', accentSoft: '#c7c9fb',
    up: '#16a34a', down: '#dc2626', upSoft: 'rgba(22,163,74,.45)', downSoft: 'rgba(220,38,38,.45)',
    sma: '#f59e0b', vwap: '#0ea5e9', z: '#7c3aed', rsi: '#0f766e',
    success: '#22a55b', failed: '#dc2626', skipped: '#98a2b3',
    layer: { bronze: '#b87333', silver: '#8e9aaf', gold: '#d4a017', quarantine: '#e05252' }
  };
  var PALETTE = ['#4f46e5', '#0ea5e9', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#ec4899', '#14b8a6', '#84cc16', '#f97316'];

  // ---- helpers ---------------------------------------------------------------------------------

  function esc(s) {
    return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  /** Jackson writes NaN as the string "NaN"; every figure goes through here to become a number or null. */
  function num(v) {
    if (v === null || v === undefined || v === '') return null;
    var n = Number(v);
    return isFinite(n) ? n : null;
  }
  function orDash(v) { var n = num(v); return n === null ? '-' : n; }
  function fmtInt(v) { var n = num(v); return n === null ? '—' : Math.round(n).toLocaleString('en-US'); }
  function fmtNum(v, d) {
    var n = num(v);
    return n === null ? '—' : n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  }
  function fmtPrice(v) {
    var n = num(v);
    if (n === null) return '—';
    var a = Math.abs(n);
    return fmtNum(n, a >= 1 ? 2 : a >= 0.01 ? 4 : 6);
  }
  /** Axis ticks are round numbers: no forced decimals, just grouping. */
  function axisNum(v) { return Number(v).toLocaleString('en-US', { maximumFractionDigits: 6 }); }
  function fmtPct(f, d) { var n = num(f); return n === null ? '—' : (n * 100).toFixed(d == null ? 2 : d) + ' %'; }
  function compact(v) {
    var n = num(v);
    if (n === null) return '';
    var a = Math.abs(n);
    if (a >= 1e9) return (n / 1e9).toFixed(1) + 'B';
    if (a >= 1e6) return (n / 1e6).toFixed(1) + 'M';
    if (a >= 1e3) return (n / 1e3).toFixed(a >= 1e4 ? 0 : 1) + 'k';
    return String(Math.round(n * 100) / 100);
  }
  function fmtDur(ms) {
    var n = num(ms);
    if (n === null || n < 0) return '—';
    if (n < 1000) return Math.round(n) + ' ms';
    if (n < 60000) return (n / 1000).toFixed(1) + ' s';
    var s = Math.floor(n / 1000);
    if (s < 3600) return Math.floor(s / 60) + ' min ' + String(s % 60).padStart(2, '0') + ' s';
    return Math.floor(s / 3600) + ' h ' + String(Math.floor((s % 3600) / 60)).padStart(2, '0') + ' min';
  }
  /** Instants may carry micro- or nanoseconds; Date.parse is only required to read milliseconds. */
  function parseTime(iso) {
    if (!iso) return null;
    var t = Date.parse(String(iso).replace(/(\.\d{3})\d+/, '$1'));
    return isNaN(t) ? null : t;
  }
  function pick(o, camel, snake) { return o[camel] !== undefined ? o[camel] : o[snake]; }
  function row(label, value, color) {
    return '<div style="display:flex;justify-content:space-between;gap:16px"><span style="color:' + (color || C.muted) + '">' +
      esc(label) + '</span><b style="font-variant-numeric:tabular-nums">' + esc(value) + '</b></div>';
  }

  function base(extra) {
    var o = {
      animation: false, // a report is read, not watched; and a headless screenshot must see the final frame
      textStyle: { fontFamily: FONT, color: C.ink },
      tooltip: {
        confine: true, backgroundColor: 'rgba(255,255,255,.97)', borderColor: '#e4e8f0',
        textStyle: { color: C.ink, fontSize: 12 }, extraCssText: 'box-shadow:0 4px 14px rgba(16,24,40,.12);border-radius:8px;'
      }
    };
    for (var k in extra) o[k] = extra[k];
    return o;
  }
  function valueAxis(extra) {
    var o = {
      type: 'value', axisLine: { show: false }, axisTick: { show: false },
      axisLabel: { color: C.muted, fontSize: 11 }, splitLine: { lineStyle: { color: C.grid } }
    };
    for (var k in extra) o[k] = extra[k];
    return o;
  }
  function catAxis(extra) {
    var o = {
      type: 'category', axisLine: { lineStyle: { color: C.axis } }, axisTick: { show: false },
      axisLabel: { color: C.muted, fontSize: 11 }
    };
    for (var k in extra) o[k] = extra[k];
    return o;
  }

  // ---- charts ----------------------------------------------------------------------------------

  var renderers = {};

  /** A Gantt of the run: each bar starts where the step started, relative to the run's start. */
  renderers.steps = function (chart) {
    var steps = (data.steps || []).filter(Boolean);
    var starts = steps.map(function (s) { return parseTime(s.started_at); });
    var t0 = parseTime(data.started_at);
    starts.forEach(function (t) { if (t !== null && (t0 === null || t < t0)) t0 = t; });
    // The date only tells steps apart when a run covers several dates; otherwise it is noise.
    var dates = {};
    steps.forEach(function (s) { dates[s.run_date || ''] = true; });
    var showDate = Object.keys(dates).length > 1;
    var cursor = 0, offsets = [], labels = [], seen = {};
    steps.forEach(function (s, i) {
      var off = starts[i] !== null && t0 !== null ? (starts[i] - t0) / 1000 : cursor;
      offsets.push(Math.max(0, off));
      cursor = Math.max(cursor, off + (num(s.duration_ms) || 0) / 1000);
      var label = s.step + (showDate && s.run_date ? ' · ' + s.run_date : '');
      seen[label] = (seen[label] || 0) + 1;
      labels.push(seen[label] > 1 ? label + ' #' + seen[label] : label);
    });
    chart.setOption(base({
      grid: { left: 8, right: 70, top: 8, bottom: 30, containLabel: true },
      tooltip: {
        trigger: 'item',
        formatter: function (p) {
          var s = steps[p.dataIndex];
          return '<b>' + esc(s.step) + '</b>' + row('status', s.status) + row('started', s.started_at || '—') +
            row('duration', fmtDur(s.duration_ms)) + row('rows in', fmtInt(s.rows_in)) + row('rows out', fmtInt(s.rows_out)) +
            row('rejected', fmtInt(s.rows_rejected));
        }
      },
      xAxis: valueAxis({ axisLabel: { color: C.muted, fontSize: 11, formatter: function (v) { return fmtDur(v * 1000); } } }),
      yAxis: catAxis({ data: labels, inverse: true, axisLabel: { color: C.ink, fontSize: 12, fontFamily: 'ui-monospace, Menlo, Consolas, monospace' } }),
      series: [
        { type: 'bar', stack: 't', silent: true, itemStyle: { color: 'transparent' }, tooltip: { show: false }, data: offsets },
        {
          type: 'bar', stack: 't', barMaxWidth: 20, barMinHeight: 3,
          data: steps.map(function (s) {
            return { value: (num(s.duration_ms) || 0) / 1000, itemStyle: { color: C[s.status] || C.skipped, borderRadius: 4 } };
          }),
          label: {
            show: true, position: 'right', color: C.muted, fontSize: 11,
            formatter: function (p) { var s = steps[p.dataIndex]; return s.status === 'skipped' ? 'skipped' : fmtDur(s.duration_ms); }
          }
        }
      ]
    }));
  };

  renderers.layers = function (chart) {
    var layers = data.layers || {};
    var order = ['bronze', 'silver', 'gold', 'quarantine'];
    Object.keys(layers).forEach(function (k) { if (order.indexOf(k) < 0) order.push(k); });
    var keys = order.filter(function (k) { return layers[k] !== undefined && layers[k] !== null; });
    var names = { bronze: 'Bronze lines', silver: 'Silver trades', gold: 'Gold rows', quarantine: 'Quarantined' };
    chart.setOption(base({
      grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
      tooltip: { trigger: 'item', formatter: function (p) { return '<b>' + esc(p.name) + '</b><br>' + fmtInt(p.value); } },
      xAxis: catAxis({ data: keys.map(function (k) { return names[k] || k; }), axisLabel: { color: C.ink, fontSize: 12 } }),
      yAxis: valueAxis({ axisLabel: { color: C.muted, fontSize: 11, formatter: compact } }),
      series: [{
        type: 'bar', barMaxWidth: 64,
        data: keys.map(function (k, i) {
          return { value: num(layers[k]), itemStyle: { color: C.layer[k] || PALETTE[i % PALETTE.length], borderRadius: [6, 6, 0, 0] } };
        }),
        label: { show: true, position: 'top', color: C.ink, fontWeight: 600, formatter: function (p) { return fmtInt(p.value); } }
      }]
    }));
  };

  renderers.quarantine = function (chart) {
    var q = data.quarantine_by_reason || {};
    var entries = Object.keys(q).map(function (k) { return [k, num(q[k]) || 0]; })
      .filter(function (e) { return e[1] > 0; })
      .sort(function (a, b) { return b[1] - a[1]; });
    var total = entries.reduce(function (s, e) { return s + e[1]; }, 0);
    chart.setOption(base({
      grid: { left: 8, right: 64, top: 8, bottom: 8, containLabel: true },
      tooltip: {
        trigger: 'item',
        formatter: function (p) {
          var code = entries[p.dataIndex][0];
          return '<b>' + esc(code) + '</b><br><span style="color:' + C.muted + '">' + esc(meta.reasons[code] || '') + '</span>' +
            row('records', fmtInt(p.value)) + row('share', fmtPct(p.value / total, 1));
        }
      },
      xAxis: valueAxis({ axisLabel: { show: false }, splitLine: { show: false } }),
      yAxis: catAxis({ data: entries.map(function (e) { return e[0]; }), inverse: true,
        axisLabel: { color: C.ink, fontSize: 12, fontFamily: 'ui-monospace, Menlo, Consolas, monospace' } }),
      series: [{
        type: 'bar', barMaxWidth: 18,
        data: entries.map(function (e) { return e[1]; }),
        itemStyle: { color: '#e05252', borderRadius: [0, 4, 4, 0] },
        label: { show: true, position: 'right', color: C.ink, formatter: function (p) { return fmtInt(p.value); } }
      }]
    }));
  };

  /** Candles, SMA-20 and volume over z-score and RSI, on one time axis so the crosshair lines up. */
  function priceOption(series) {
    var candles = (series.candles || []).filter(Boolean);
    var dates = candles.map(function (c) { return c.date; });
    var G = [
      { left: 70, right: 28, top: 34, height: 300 },
      { left: 70, right: 28, top: 362, height: 72 },
      { left: 70, right: 28, top: 468, height: 96 },
      { left: 70, right: 28, top: 598, height: 96 }
    ];
    var titles = [series.symbol + (series.asset_class ? '  ·  ' + series.asset_class : '') + '  —  price and SMA-20',
      'Volume', 'z-score (20 days)', 'RSI (14 days, Wilder)'];
    var xAxes = G.map(function (g, i) {
      return catAxis({
        gridIndex: i, data: dates, boundaryGap: true,
        axisLabel: { show: i === G.length - 1, color: C.muted, fontSize: 11 },
        axisPointer: { label: { show: i === G.length - 1 } }
      });
    });
    var zMax = 3;
    candles.forEach(function (c) { var z = num(c.zscore20); if (z !== null) zMax = Math.max(zMax, Math.ceil(Math.abs(z))); });
    var visible = 130; // about six months of trading days: readable candles; the slider reaches the rest
    var start = candles.length > visible ? 100 - (visible / candles.length) * 100 : 0;
    var band = function (lo, hi, color) {
      return { silent: true, itemStyle: { color: color }, data: [[{ yAxis: lo }, { yAxis: hi }]] };
    };
    var lines = function (vals, color) {
      return {
        silent: true, symbol: 'none', lineStyle: { color: color, type: 'dashed', width: 1 },
        label: { color: color, fontSize: 10, position: 'insideEndTop' },
        data: vals.map(function (v) { return { yAxis: v }; })
      };
    };
    return base({
      title: G.map(function (g, i) {
        return { text: titles[i], left: g.left - 2, top: g.top - 24, textStyle: { fontSize: i === 0 ? 13 : 12, fontWeight: i === 0 ? 650 : 550, color: i === 0 ? C.ink : C.muted } };
      }),
      legend: { right: 28, top: 4, itemWidth: 14, itemHeight: 8, textStyle: { color: C.muted, fontSize: 11 }, data: ['Daily candle', 'SMA-20'] },
      grid: G,
      axisPointer: { link: [{ xAxisIndex: 'all' }], lineStyle: { color: '#98a2b3' } },
      tooltip: {
        trigger: 'axis', axisPointer: { type: 'cross' },
        formatter: function (ps) {
          var c = candles[ps[0].dataIndex];
          if (!c) return '';
          var up = num(c.close) >= num(c.open);
          return '<b>' + esc(series.symbol) + '</b> <span style="color:' + C.muted + '">' + esc(c.date) + '</span>' +
            row('open', fmtPrice(c.open)) + row('high', fmtPrice(c.high)) + row('low', fmtPrice(c.low)) +
            row('close', fmtPrice(c.close), up ? C.up : C.down) + row('volume', fmtInt(c.volume)) +
            row('SMA-20', fmtPrice(c.sma20)) + row('z-score', fmtNum(c.zscore20, 2)) + row('RSI-14', fmtNum(c.rsi14, 1));
        }
      },
      xAxis: xAxes,
      yAxis: [
        valueAxis({ gridIndex: 0, scale: true, splitNumber: 5, axisLabel: { color: C.muted, fontSize: 11, formatter: axisNum } }),
        valueAxis({ gridIndex: 1, splitNumber: 2, axisLabel: { color: C.muted, fontSize: 10, formatter: compact } }),
        // Symmetric about zero so the ±2 bands sit where the eye expects them.
        valueAxis({ gridIndex: 2, min: -zMax, max: zMax, interval: zMax }),
        valueAxis({ gridIndex: 3, min: 0, max: 100, interval: 50 })
      ],
      dataZoom: [
        { type: 'inside', xAxisIndex: [0, 1, 2, 3], start: start, end: 100 },
        { type: 'slider', xAxisIndex: [0, 1, 2, 3], start: start, end: 100, bottom: 8, height: 22,
          borderColor: '#e4e8f0', fillerColor: 'rgba(79,70,229,.10)', handleStyle: { color: '#fff', borderColor: C.accent },
          textStyle: { color: C.muted, fontSize: 10 } }
      ],
      series: [
        {
          name: 'Daily candle', type: 'candlestick', xAxisIndex: 0, yAxisIndex: 0, barMaxWidth: 12,
          // ECharts' candle order is open, close, low, high.
          data: candles.map(function (c) { return [num(c.open), num(c.close), num(c.low), num(c.high)]; }),
          itemStyle: { color: C.up, color0: C.down, borderColor: C.up, borderColor0: C.down }
        },
        {
          name: 'SMA-20', type: 'line', xAxisIndex: 0, yAxisIndex: 0, showSymbol: false, smooth: false,
          lineStyle: { color: C.sma, width: 2 }, itemStyle: { color: C.sma },
          data: candles.map(function (c) { return orDash(c.sma20); })
        },
        {
          name: 'Volume', type: 'bar', xAxisIndex: 1, yAxisIndex: 1, barMaxWidth: 12,
          data: candles.map(function (c) {
            return { value: num(c.volume), itemStyle: { color: num(c.close) >= num(c.open) ? C.upSoft : C.downSoft } };
          })
        },
        {
          name: 'z-score', type: 'line', xAxisIndex: 2, yAxisIndex: 2, showSymbol: false,
          lineStyle: { color: C.z, width: 1.6 }, itemStyle: { color: C.z },
          data: candles.map(function (c) { return orDash(c.zscore20); }),
          markArea: band(-2, 2, 'rgba(124,58,237,.06)'),
          markLine: lines([-2, 2], '#a78bfa')
        },
        {
          name: 'RSI-14', type: 'line', xAxisIndex: 3, yAxisIndex: 3, showSymbol: false,
          lineStyle: { color: C.rsi, width: 1.6 }, itemStyle: { color: C.rsi },
          data: candles.map(function (c) { return orDash(c.rsi14); }),
          markArea: band(30, 70, 'rgba(15,118,110,.06)'),
          markLine: lines([30, 70], '#5eae9f')
        }
      ]
    });
  }

  renderers.prices = function (chart) {
    var all = data.prices || [];
    var buttons = Array.prototype.slice.call(document.querySelectorAll('#prices .sym'));
    function show(i) {
      chart.setOption(priceOption(all[i]), { notMerge: true });
      buttons.forEach(function (b) {
        var on = Number(b.dataset.series) === i;
        b.classList.toggle('active', on);
        b.setAttribute('aria-selected', String(on));
      });
    }
    buttons.forEach(function (b) {
      b.addEventListener('click', function () { show(Number(b.dataset.series)); });
    });
    var first = buttons.length ? Number(buttons[0].dataset.series) : 0;
    show(first);
  };

  renderers.intraday = function (chart) {
    var d = data.intraday;
    var bars = (d.bars || []).filter(Boolean);
    // bar_start is an ISO instant in UTC; its hh:mm is the label a trader expects.
    var times = bars.map(function (b) { return String(b.bar_start).substring(11, 16); });
    // Each bar's own VWAP sits inside the candle and adds nothing; the running session VWAP is the
    // line intraday traders compare price against.
    var pv = 0, vol = 0;
    var sessionVwap = bars.map(function (b) {
      var w = num(b.vwap), v = num(b.volume);
      if (w !== null && v !== null && v > 0) { pv += w * v; vol += v; }
      return vol > 0 ? pv / vol : '-';
    });
    var G = [{ left: 70, right: 28, top: 30, height: 280 }, { left: 70, right: 28, top: 330, height: 70 }];
    chart.setOption(base({
      legend: { right: 28, top: 0, itemWidth: 14, itemHeight: 8, textStyle: { color: C.muted, fontSize: 11 }, data: ['1-minute candle', 'Session VWAP'] },
      grid: G,
      axisPointer: { link: [{ xAxisIndex: 'all' }], lineStyle: { color: '#98a2b3' } },
      tooltip: {
        trigger: 'axis', axisPointer: { type: 'cross' },
        formatter: function (ps) {
          var b = bars[ps[0].dataIndex];
          if (!b) return '';
          return '<b>' + esc(d.symbol) + '</b> <span style="color:' + C.muted + '">' + esc(String(b.bar_start).replace('T', ' ')) + '</span>' +
            row('open', fmtPrice(b.open)) + row('high', fmtPrice(b.high)) + row('low', fmtPrice(b.low)) +
            row('close', fmtPrice(b.close), num(b.close) >= num(b.open) ? C.up : C.down) + row('bar VWAP', fmtPrice(b.vwap)) +
            row('session VWAP', fmtPrice(sessionVwap[ps[0].dataIndex])) +
            row('volume', fmtNum(b.volume, 2));
        }
      },
      xAxis: [
        catAxis({ gridIndex: 0, data: times, axisLabel: { show: false } }),
        catAxis({ gridIndex: 1, data: times, axisPointer: { label: { show: true } } })
      ],
      yAxis: [
        valueAxis({ gridIndex: 0, scale: true, axisLabel: { color: C.muted, fontSize: 11, formatter: axisNum } }),
        valueAxis({ gridIndex: 1, splitNumber: 2, axisLabel: { color: C.muted, fontSize: 10, formatter: compact } })
      ],
      dataZoom: [
        { type: 'inside', xAxisIndex: [0, 1] },
        { type: 'slider', xAxisIndex: [0, 1], bottom: 8, height: 22, borderColor: '#e4e8f0', fillerColor: 'rgba(79,70,229,.10)',
          handleStyle: { color: '#fff', borderColor: C.accent }, textStyle: { color: C.muted, fontSize: 10 } }
      ],
      series: [
        {
          name: '1-minute candle', type: 'candlestick', xAxisIndex: 0, yAxisIndex: 0, barMaxWidth: 8,
          data: bars.map(function (b) { return [num(b.open), num(b.close), num(b.low), num(b.high)]; }),
          itemStyle: { color: C.up, color0: C.down, borderColor: C.up, borderColor0: C.down }
        },
        {
          name: 'Session VWAP', type: 'line', xAxisIndex: 0, yAxisIndex: 0, showSymbol: false,
          lineStyle: { color: C.vwap, width: 1.8 }, itemStyle: { color: C.vwap },
          data: sessionVwap
        },
        {
          name: 'Volume', type: 'bar', xAxisIndex: 1, yAxisIndex: 1, barMaxWidth: 8,
          data: bars.map(function (b) {
            return { value: num(b.volume), itemStyle: { color: num(b.close) >= num(b.open) ? C.upSoft : C.downSoft } };
          })
        }
      ]
    }));
  };

  /** Where each instrument landed: risk taken (volatility) against reward (return). */
  renderers.risk = function (chart) {
    var list = (data.instruments || []).filter(Boolean);
    var classes = [];
    list.forEach(function (s) { var k = pick(s, 'assetClass', 'asset_class') || 'other'; if (classes.indexOf(k) < 0) classes.push(k); });
    chart.setOption(base({
      title: { text: 'Return against volatility', left: 0, top: 0, textStyle: { fontSize: 13, fontWeight: 600, color: C.ink } },
      legend: { right: 0, top: 2, itemWidth: 10, itemHeight: 10, textStyle: { color: C.muted, fontSize: 11 } },
      grid: { left: 8, right: 72, top: 44, bottom: 28, containLabel: true },
      tooltip: {
        trigger: 'item',
        formatter: function (p) {
          var s = p.data.s;
          return '<b>' + esc(s.symbol) + '</b>' + row('period return', fmtPct(pick(s, 'periodReturn', 'period_return'))) +
            row('annualised vol', fmtPct(pick(s, 'annualisedVol', 'annualised_vol'))) +
            row('max drawdown', fmtPct(pick(s, 'maxDrawdown', 'max_drawdown')));
        }
      },
      xAxis: valueAxis({ name: 'annualised volatility', nameLocation: 'middle', nameGap: 24, nameTextStyle: { color: C.muted, fontSize: 11 },
        scale: true, axisLabel: { color: C.muted, fontSize: 11, formatter: function (v) { return Math.round(v * 100) + '%'; } } }),
      yAxis: valueAxis({ scale: true, axisLabel: { color: C.muted, fontSize: 11, formatter: function (v) { return Math.round(v * 100) + '%'; } } }),
      series: classes.map(function (k, i) {
        return {
          name: k, type: 'scatter', symbolSize: 11, itemStyle: { color: PALETTE[i % PALETTE.length], opacity: .85 },
          label: { show: true, position: 'right', fontSize: 10, color: C.muted, formatter: function (p) { return p.data.s.symbol; } },
          labelLayout: { hideOverlap: true },
          markLine: i === 0 ? { silent: true, symbol: 'none', lineStyle: { color: '#98a2b3', type: 'dashed' }, label: { show: false }, data: [{ yAxis: 0 }] } : undefined,
          data: list.filter(function (s) { return (pick(s, 'assetClass', 'asset_class') || 'other') === k; })
            .map(function (s) {
              return { value: [num(pick(s, 'annualisedVol', 'annualised_vol')), num(pick(s, 'periodReturn', 'period_return'))], s: s };
            })
            .filter(function (p) { return p.value[0] !== null && p.value[1] !== null; })
        };
      })
    }));
  };

  /** Injected defects, summed per quarantine reason, beside what the Silver job actually quarantined. */
  renderers.dataset = function (chart) {
    var m = data.dataset, q = data.quarantine_by_reason || {};
    var expected = {};
    Object.keys(m.defects || {}).forEach(function (code) {
      var reason = meta.defects[code];
      if (reason) expected[reason] = (expected[reason] || 0) + (num(m.defects[code]) || 0);
    });
    var reasons = Object.keys(expected);
    Object.keys(q).forEach(function (r) { if (reasons.indexOf(r) < 0 && num(q[r]) > 0) reasons.push(r); });
    chart.setOption(base({
      legend: { right: 0, top: 0, itemWidth: 12, itemHeight: 8, textStyle: { color: C.muted, fontSize: 11 } },
      grid: { left: 8, right: 48, top: 26, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: valueAxis({ axisLabel: { color: C.muted, fontSize: 10, formatter: compact } }),
      yAxis: catAxis({ data: reasons, inverse: true, axisLabel: { color: C.ink, fontSize: 11, fontFamily: 'ui-monospace, Menlo, Consolas, monospace' } }),
      series: [
        { name: 'Injected', type: 'bar', barGap: '10%', barMaxWidth: 12, itemStyle: { color: C.accentSoft, borderRadius: [0, 3, 3, 0] },
          data: reasons.map(function (r) { return expected[r] || 0; }) },
        { name: 'Quarantined', type: 'bar', barMaxWidth: 12, itemStyle: { color: '#e05252', borderRadius: [0, 3, 3, 0] },
          label: { show: true, position: 'right', fontSize: 10, color: C.muted, formatter: function (p) { return fmtInt(p.value); } },
          data: reasons.map(function (r) { return num(q[r]) || 0; }) }
      ]
    }));
  };

  // ---- model (onering run: train and drift) -------------------------------------------------------

  var MODEL = { model: '#4f46e5', majority: '#98a2b3', z_rule: '#f59e0b' };
  var MODEL_NAMES = { model: 'XGBoost', majority: 'Majority class', z_rule: 'z-score rule (|z| > 2)' };

  /** AUC (higher is better) above log loss (lower is better), per fold and pooled, for the model and both baselines. */
  renderers['model-folds'] = function (chart) {
    var t = data.model.training;
    var folds = (t.folds || []).filter(Boolean);
    var cats = folds.map(function (f) { return 'fold ' + f.fold; }).concat(['all folds']);
    var all = folds.concat([{ model: t.overall.model, majority: t.overall.majority, z_rule: t.overall.z_rule }]);
    var G = [{ left: 60, right: 16, top: 40, height: 140 }, { left: 60, right: 16, top: 236, height: 140 }];
    function series(key, metric, grid) {
      return {
        name: MODEL_NAMES[key], type: 'bar', xAxisIndex: grid, yAxisIndex: grid, barMaxWidth: 18,
        itemStyle: { color: MODEL[key], borderRadius: [3, 3, 0, 0] },
        data: all.map(function (f) { return num(f[key] && f[key][metric]); })
      };
    }
    chart.setOption(base({
      title: [{ text: 'AUC (higher is better; 0.5 is a coin toss)', left: 56, top: 14, textStyle: { fontSize: 12, fontWeight: 550, color: C.muted } },
        { text: 'Log loss (lower is better)', left: 56, top: 210, textStyle: { fontSize: 12, fontWeight: 550, color: C.muted } }],
      legend: { right: 16, top: 0, itemWidth: 12, itemHeight: 8, textStyle: { color: C.muted, fontSize: 11 } },
      grid: G,
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: function (v) { return fmtNum(v, 4); } },
      xAxis: [catAxis({ gridIndex: 0, data: cats }), catAxis({ gridIndex: 1, data: cats })],
      yAxis: [valueAxis({ gridIndex: 0, min: function (v) { return Math.min(0.4, Math.floor(v.min * 10) / 10); }, max: 1 }),
        valueAxis({ gridIndex: 1, scale: true })],
      series: [series('model', 'auc', 0), series('majority', 'auc', 0), series('z_rule', 'auc', 0),
        series('model', 'log_loss', 1), series('majority', 'log_loss', 1), series('z_rule', 'log_loss', 1)]
    }));
  };

  renderers['model-importance'] = function (chart) {
    var imp = (data.model.training.importance || []).filter(Boolean);
    chart.setOption(base({
      title: { text: 'Feature importance (share of total gain)', left: 0, top: 0, textStyle: { fontSize: 12, fontWeight: 550, color: C.muted } },
      grid: { left: 8, right: 56, top: 28, bottom: 8, containLabel: true },
      tooltip: {
        trigger: 'item',
        formatter: function (p) {
          var f = imp[p.dataIndex];
          return '<b>' + esc(f.feature) + '</b>' + row('share of gain', fmtPct(f.gain_share, 1)) + row('splits', fmtInt(f.splits));
        }
      },
      xAxis: valueAxis({ axisLabel: { show: false }, splitLine: { show: false } }),
      yAxis: catAxis({ data: imp.map(function (f) { return f.feature; }), inverse: true,
        axisLabel: { color: C.ink, fontSize: 11, fontFamily: 'ui-monospace, Menlo, Consolas, monospace' } }),
      series: [{ type: 'bar', barMaxWidth: 16, itemStyle: { color: C.accent, borderRadius: [0, 4, 4, 0] },
        data: imp.map(function (f) { return num(f.gain_share); }),
        label: { show: true, position: 'right', color: C.muted, fontSize: 10, formatter: function (p) { return fmtPct(p.value, 1); } } }]
    }));
  };

  /** The reliability diagram: a calibrated model's points sit on the diagonal; bar height is how many predictions fell in the bin. */
  renderers['model-calibration'] = function (chart) {
    var bins = (data.model.training.calibration || []).filter(function (b) { return b && num(b.count) > 0; });
    chart.setOption(base({
      title: { text: 'Calibration (out-of-fold predictions)', left: 0, top: 0, textStyle: { fontSize: 12, fontWeight: 550, color: C.muted } },
      legend: { right: 0, top: 0, itemWidth: 12, itemHeight: 8, textStyle: { color: C.muted, fontSize: 11 } },
      grid: { left: 50, right: 50, top: 40, bottom: 40 },
      tooltip: {
        trigger: 'item',
        formatter: function (p) {
          var b = bins[p.dataIndex];
          if (!b) return '';
          return '<b>' + fmtNum(b.from, 1) + ' to ' + fmtNum(b.to, 1) + '</b>' + row('mean predicted', fmtNum(b.mean_predicted, 3)) +
            row('observed rate', fmtNum(b.observed_rate, 3)) + row('rows', fmtInt(b.count));
        }
      },
      xAxis: valueAxis({ min: 0, max: 1, name: 'predicted probability', nameLocation: 'middle', nameGap: 24, nameTextStyle: { color: C.muted, fontSize: 11 } }),
      yAxis: [valueAxis({ min: 0, max: 1, name: 'observed rate', nameTextStyle: { color: C.muted, fontSize: 11 } }),
        valueAxis({ name: 'rows', position: 'right', splitLine: { show: false }, minInterval: 1, nameTextStyle: { color: C.muted, fontSize: 11 } })],
      series: [
        { name: 'Rows in bin', type: 'bar', yAxisIndex: 1, barMaxWidth: 22, itemStyle: { color: C.accentSoft },
          data: bins.map(function (b) { return [(num(b.from) + num(b.to)) / 2, num(b.count)]; }) },
        { name: 'Perfectly calibrated', type: 'line', showSymbol: false, silent: true, lineStyle: { color: '#98a2b3', type: 'dashed', width: 1 },
          data: [[0, 0], [1, 1]] },
        { name: 'Model', type: 'line', symbolSize: 8, lineStyle: { color: C.accent, width: 2 }, itemStyle: { color: C.accent },
          data: bins.map(function (b) { return [num(b.mean_predicted), num(b.observed_rate)]; }) }
      ]
    }));
  };

  // ---- stream demo page (onering stream demo) ---------------------------------------------------

  var STREAM = { ticks: '#4f46e5', updates: '#0ea5e9', closed: '#10b981', late: '#f59e0b', quarantined: '#e05252', alerts: '#8b5cf6' };

  /** The run's moments (all published, draining) as dashed vertical lines on a value x axis. */
  function eventLines(events, labels) {
    return {
      silent: true, symbol: 'none', lineStyle: { color: '#98a2b3', type: 'dashed', width: 1 },
      label: { show: labels, color: C.muted, fontSize: 10, formatter: '{b}', position: 'insideEndTop' },
      data: events.map(function (e) { return { name: e.label, xAxis: num(e.t) }; })
    };
  }

  /** Per second over the run: throughput above, what was set aside below, on one time axis. */
  renderers['stream-timeline'] = function (chart) {
    var tl = data.timeline || {};
    var pts = (tl.points || []).filter(Boolean);
    var events = (tl.events || []).filter(function (e) { return e && num(e.t) !== null; });
    var xmax = 0;
    pts.forEach(function (p) { xmax = Math.max(xmax, num(p.t) || 0); });
    events.forEach(function (e) { xmax = Math.max(xmax, num(e.t)); });
    function xy(key) { return pts.map(function (p) { return [num(p.t), num(p[key])]; }); }
    function line(name, key, color, x, y, extra) {
      var o = { name: name, type: 'line', xAxisIndex: x, yAxisIndex: y, showSymbol: false, lineStyle: { color: color, width: 1.8 },
        itemStyle: { color: color }, data: xy(key) };
      for (var k in extra) o[k] = extra[k];
      return o;
    }
    function bar(name, key, color) {
      return { name: name, type: 'bar', xAxisIndex: 1, yAxisIndex: 2, stack: 'aside', barMaxWidth: 10, itemStyle: { color: color }, data: xy(key) };
    }
    var G = [{ left: 64, right: 64, top: 56, height: 220 }, { left: 64, right: 64, top: 318, height: 96 }];
    var secs = function (v) { return Math.round(v) + ' s'; };
    chart.setOption(base({
      legend: { top: 0, left: 'center', itemWidth: 14, itemHeight: 8, textStyle: { color: C.muted, fontSize: 11 } },
      grid: G,
      axisPointer: { link: [{ xAxisIndex: 'all' }], lineStyle: { color: '#98a2b3' } },
      tooltip: {
        trigger: 'axis',
        formatter: function (ps) {
          var p = pts[ps[0].dataIndex];
          if (!p) return '';
          return '<b>' + fmtNum(p.t, 1) + ' s</b> <span style="color:' + C.muted + '">per second</span>' +
            row('ticks sent', fmtInt(p.ticks_sent), STREAM.ticks) + row('bar updates', fmtInt(p.bar_updates), STREAM.updates) +
            row('bars closed', fmtInt(p.closed_bars), STREAM.closed) + row('late', fmtNum(p.late, 1), STREAM.late) +
            row('quarantined', fmtNum(p.quarantined, 1), STREAM.quarantined) + row('alerts', fmtNum(p.alerts, 1), STREAM.alerts);
        }
      },
      xAxis: [
        valueAxis({ gridIndex: 0, min: 0, max: xmax, axisLabel: { show: false }, splitLine: { show: false } }),
        valueAxis({ gridIndex: 1, min: 0, max: xmax, splitLine: { show: false }, name: 'seconds since the job was submitted',
          nameLocation: 'middle', nameGap: 26, nameTextStyle: { color: C.muted, fontSize: 11 },
          axisLabel: { color: C.muted, fontSize: 11, formatter: secs } })
      ],
      yAxis: [
        valueAxis({ gridIndex: 0, name: 'ticks/s', nameTextStyle: { color: C.muted, fontSize: 11 },
          axisLabel: { color: C.muted, fontSize: 11, formatter: compact } }),
        valueAxis({ gridIndex: 0, name: 'bars/s', position: 'right', splitLine: { show: false },
          nameTextStyle: { color: C.muted, fontSize: 11 }, axisLabel: { color: C.muted, fontSize: 11, formatter: compact } }),
        valueAxis({ gridIndex: 1, name: 'records/s', splitNumber: 2, nameTextStyle: { color: C.muted, fontSize: 11 },
          axisLabel: { color: C.muted, fontSize: 10, formatter: compact } })
      ],
      dataZoom: [{ type: 'inside', xAxisIndex: [0, 1] }],
      series: [
        line('Ticks sent', 'ticks_sent', STREAM.ticks, 0, 0, { areaStyle: { color: 'rgba(79,70,229,.10)' }, markLine: eventLines(events, true) }),
        line('Bar updates', 'bar_updates', STREAM.updates, 0, 1),
        line('Bars closed', 'closed_bars', STREAM.closed, 0, 1),
        bar('Late', 'late', STREAM.late),
        bar('Quarantined', 'quarantined', STREAM.quarantined),
        line('Alerts', 'alerts', STREAM.alerts, 1, 2, { markLine: eventLines(events, false) })
      ]
    }));
  };

  /** How many minutes took how long to reach ClickHouse, with the share at or below each delay. */
  renderers['stream-delay'] = function (chart) {
    var d = data.bar_delays || {};
    var bins = (d.bins || []).filter(Boolean);
    function binOf(v) {
      var n = num(v);
      for (var i = 0; i < bins.length; i++) if (n < num(bins[i].to_ms)) return i;
      return bins.length - 1;
    }
    var marks = [['p50', d.p50_ms], ['p99', d.p99_ms]]
      .filter(function (m) { return num(m[1]) !== null; })
      .map(function (m) { return { name: m[0] + ' ' + fmtDur(m[1]), xAxis: binOf(m[1]) }; });
    chart.setOption(base({
      legend: { top: 0, right: 0, itemWidth: 14, itemHeight: 8, textStyle: { color: C.muted, fontSize: 11 } },
      grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
      tooltip: {
        trigger: 'axis', axisPointer: { type: 'shadow' },
        formatter: function (ps) {
          var b = bins[ps[0].dataIndex];
          if (!b) return '';
          return '<b>' + fmtDur(b.from_ms) + ' to ' + fmtDur(b.to_ms) + '</b>' + row('minutes', fmtInt(b.count)) +
            row('at or below', fmtPct(b.cumulative_share, 1));
        }
      },
      xAxis: catAxis({ data: bins.map(function (b) { return fmtDur(b.from_ms); }) }),
      yAxis: [
        valueAxis({ name: 'minutes', minInterval: 1, nameTextStyle: { color: C.muted, fontSize: 11 } }),
        valueAxis({ min: 0, max: 1, splitLine: { show: false },
          axisLabel: { color: C.muted, fontSize: 11, formatter: function (v) { return Math.round(v * 100) + '%'; } } })
      ],
      series: [
        {
          name: 'Minutes', type: 'bar', barCategoryGap: '10%', itemStyle: { color: C.accentSoft, borderRadius: [3, 3, 0, 0] },
          emphasis: { itemStyle: { color: C.accent } },
          data: bins.map(function (b) { return num(b.count); }),
          markLine: {
            silent: true, symbol: 'none', lineStyle: { color: C.accent, type: 'dashed', width: 1 },
            label: { color: C.accent, fontSize: 11, fontWeight: 600, formatter: '{b}', position: 'insideEndTop' },
            data: marks
          }
        },
        {
          name: 'Cumulative share', type: 'line', yAxisIndex: 1, showSymbol: false, smooth: false,
          lineStyle: { color: C.ink, width: 1.6 }, itemStyle: { color: C.ink },
          data: bins.map(function (b) { return num(b.cumulative_share); })
        }
      ]
    }));
  };

  /** Matches per CEP pattern, with what the pattern means in the tooltip. */
  renderers['stream-alerts'] = function (chart) {
    var by = (data.alerts && data.alerts.by_pattern) || {};
    var entries = Object.keys(by).map(function (k) { return [k, num(by[k]) || 0]; })
      .filter(function (e) { return e[1] > 0; })
      .sort(function (a, b) { return b[1] - a[1]; });
    chart.setOption(base({
      grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
      tooltip: {
        trigger: 'item',
        formatter: function (p) {
          var code = entries[p.dataIndex][0];
          return '<b>' + esc(code) + '</b><br><span style="color:' + C.muted + '">' + esc((meta.patterns || {})[code] || '') +
            '</span>' + row('alerts', fmtInt(p.value));
        }
      },
      xAxis: valueAxis({ axisLabel: { show: false }, splitLine: { show: false }, minInterval: 1 }),
      yAxis: catAxis({ data: entries.map(function (e) { return e[0]; }), inverse: true,
        axisLabel: { color: C.ink, fontSize: 12, fontFamily: 'ui-monospace, Menlo, Consolas, monospace' } }),
      series: [{
        type: 'bar', barMaxWidth: 22,
        data: entries.map(function (e, i) { return { value: e[1], itemStyle: { color: PALETTE[(i + 5) % PALETTE.length], borderRadius: [0, 4, 4, 0] } }; }),
        label: { show: true, position: 'right', color: C.ink, formatter: function (p) { return fmtInt(p.value); } }
      }]
    }));
  };

  // ---- wiring ----------------------------------------------------------------------------------

  function fail(el, name, e) {
    var msg = 'chart "' + name + '": ' + (e && e.message ? e.message : e);
    window.__reportErrors.push(msg);
    var box = document.getElementById('js-errors');
    box.hidden = false;
    box.appendChild(document.createTextNode(msg + '\n'));
    el.classList.add('chart-failed');
    el.textContent = 'This chart could not be drawn (' + (e && e.message ? e.message : e) + '). The figures are in report.json.';
  }

  var charts = [], drawn = 0;
  Array.prototype.forEach.call(document.querySelectorAll('[data-chart]'), function (el) {
    var name = el.getAttribute('data-chart');
    try {
      if (typeof echarts === 'undefined') throw new Error('ECharts did not load');
      var render = renderers[name];
      if (!render) throw new Error('no renderer');
      var chart = echarts.init(el, null, { renderer: 'canvas' });
      render(chart);
      charts.push(chart);
      el.setAttribute('data-rendered', 'true');
      // What the chart plots, for the headless browser check: a canvas with no data is not a chart.
      el.setAttribute('data-points', String((chart.getOption().series || []).reduce(function (n, s) {
        return n + (s.data ? s.data.length : 0);
      }, 0)));
      drawn++;
    } catch (e) {
      fail(el, name, e);
    }
  });
  document.body.setAttribute('data-charts-drawn', String(drawn));

  var pending = null;
  window.addEventListener('resize', function () {
    clearTimeout(pending);
    pending = setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 100);
  });

  // ---- sortable tables -------------------------------------------------------------------------

  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
    var heads = Array.prototype.slice.call(table.querySelectorAll('th[data-sort]'));
    heads.forEach(function (th, col) {
      function sort() {
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        var numeric = th.getAttribute('data-sort') === 'num';
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[col].getAttribute('data-v'), y = b.cells[col].getAttribute('data-v');
          if (x === '' || x === null) return (y === '' || y === null) ? 0 : 1; // missing last, either way
          if (y === '' || y === null) return -1;
          var c = numeric ? Number(x) - Number(y) : x.localeCompare(y);
          return asc ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
        heads.forEach(function (h) { h.setAttribute('aria-sort', 'none'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      }
      th.addEventListener('click', sort);
      th.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); } });
    });
  });
})();
