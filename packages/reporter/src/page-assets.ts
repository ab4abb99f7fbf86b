/** The report page's own stylesheet and chart script (inlined into report.html). */

export const STYLE = `
:root{--bg:#f6f7fb;--fg:#1d2330;--muted:#667085;--card:#fff;--line:#e4e7ee;--accent:#2563eb;--ok:#15803d;--okbg:#e8f6ee;--bad:#b42318;--badbg:#fdecea;--warn:#b54708;--warnbg:#fef4e6;--head:#111a2e}
*{box-sizing:border-box}
html{scroll-behavior:smooth;scroll-padding-top:64px}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
.wrap{max-width:1240px;margin:0 auto;padding:0 24px}
header.top{background:var(--head);color:#fff;padding-top:18px;position:sticky;top:-86px;z-index:10;box-shadow:0 2px 8px rgba(0,0,0,.15)}
.brand{font-weight:700;letter-spacing:.08em;color:#93b4ff;font-size:12px;text-transform:uppercase}
.brand span{color:#aab3c5;font-weight:500;letter-spacing:.02em;text-transform:none}
header h1{margin:4px 0 2px;font-size:26px;font-weight:650;display:flex;align-items:center;gap:12px}
header .meta{margin:0 0 12px;color:#aab3c5;font-size:13px}
nav{display:flex;gap:4px;overflow-x:auto;padding-bottom:0}
nav a{color:#cdd5e4;text-decoration:none;padding:8px 12px;border-bottom:2px solid transparent;white-space:nowrap;font-size:13px}
nav a:hover{color:#fff;border-bottom-color:#93b4ff}
main section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:20px 24px;margin:20px 0;box-shadow:0 1px 2px rgba(16,24,40,.04)}
h2{margin:0 0 6px;font-size:19px;font-weight:650}
.sub{color:var(--muted);margin:0 0 12px}
.muted{color:var(--muted)}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:12px;margin:12px 0 18px}
.card{border:1px solid var(--line);border-radius:8px;padding:12px 14px;background:#fbfcfe}
.card .label{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card .value{font-size:24px;font-weight:650;font-variant-numeric:tabular-nums;margin-top:2px}
.card .value small{font-size:13px;color:var(--muted);font-weight:500}
.card.bad .value{color:var(--bad)}.card.ok .value{color:var(--ok)}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 18px;margin:0}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0;font-variant-numeric:tabular-nums}
ul.notes{margin:12px 0 0;padding:10px 14px 10px 30px;background:var(--warnbg);border-radius:6px;color:var(--warn)}
.table-wrap{overflow-x:auto;border:1px solid var(--line);border-radius:8px;margin:8px 0}
.table-wrap.scroll{max-height:420px;overflow-y:auto}
.table-wrap table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
.table-wrap th,.table-wrap td{padding:7px 10px;text-align:left;border-bottom:1px solid var(--line);vertical-align:top}
.table-wrap th{background:#f2f4f8;font-weight:600;font-size:12px;color:#344054;position:sticky;top:0;z-index:1;white-space:nowrap}
.table-wrap th small{color:var(--muted);font-weight:500}
.table-wrap tbody tr:nth-child(even){background:#fafbfd}
.table-wrap tbody tr:hover{background:#eef3ff}
.table-wrap tbody tr:last-child td{border-bottom:0}
td.num,th.num{text-align:right;white-space:nowrap}
td.err{color:var(--bad);font-weight:600}
td.okc{color:var(--ok)}
.mono,code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
td pre{margin:0;white-space:pre-wrap;word-break:break-word;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px;max-height:8em;overflow:auto}
tr.dead td{background:var(--badbg)}
.badge{display:inline-block;padding:1px 9px;border-radius:999px;font-size:12px;font-weight:600;text-transform:lowercase;border:1px solid transparent}
.badge.ok{background:var(--okbg);color:var(--ok);border-color:#b7e4c7}
.badge.bad{background:var(--badbg);color:var(--bad);border-color:#f5c2bd}
.badge.warn{background:var(--warnbg);color:var(--warn);border-color:#f7d7a8}
.badge.neutral{background:#eef0f4;color:#475467}
h1 .badge{font-size:13px;vertical-align:middle}
.alert{padding:10px 14px;border-radius:6px;margin:8px 0 12px}
.alert.bad{background:var(--badbg);color:var(--bad)}
.alert.warn{background:var(--warnbg);color:var(--warn)}
.ok-text{color:var(--ok)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:16px;margin:16px 0 8px}
figure.chart{margin:0;border:1px solid var(--line);border-radius:8px;padding:10px 10px 4px;min-width:0}
figcaption{font-weight:600;font-size:13px;margin:0 0 4px 6px}
figcaption small{color:var(--muted);font-weight:500}
.plot{min-height:300px}
.plot .u-legend{font-size:12px;text-align:left;padding-left:8px}
.plot .u-legend .u-series{padding:0 6px}
.plot .u-legend th{font-weight:500;color:var(--fg)}
details.intervals>summary{cursor:pointer;font-weight:600;margin:8px 0;color:var(--accent)}
footer{color:var(--muted);font-size:12.5px;padding-bottom:32px}
@media print{header.top{position:static}nav{display:none}main section{break-inside:avoid;box-shadow:none}.table-wrap.scroll{max-height:none}}
`;

/** Builds the uPlot charts from the #oct-data JSON island; plain ES2017 so any current browser runs it. */
export const CLIENT_JS = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('oct-data').textContent);
  var sync = uPlot.sync('oct');
  var COLORS = { avg: '#2563eb', p50: '#16a34a', p90: '#f59e0b', p95: '#ea580c', p99: '#dc2626', max: '#7c3aed' };
  function fmtMs(v) { return v == null ? '—' : (v >= 100 ? v.toFixed(1) : v >= 10 ? v.toFixed(2) : v.toFixed(3)) + ' ms'; }
  function fmtRate(v) { return v == null ? '—' : (v >= 100 ? Math.round(v).toString() : v.toFixed(2)) + '/s'; }
  function iso(v) { return new Date(v * 1000).toISOString(); }
  function timeTicks(u, vals) {
    var span = u.scales.x.max - u.scales.x.min;
    var whole = vals.every(function (v) { return v % 60 === 0; });
    return vals.map(function (v) {
      var s = iso(v);
      return span > 172800 ? s.slice(5, 10) + ' ' + s.slice(11, 16) : whole ? s.slice(11, 16) : s.slice(11, 19);
    });
  }
  function line(label, key, show, fmt) {
    return { label: label, stroke: COLORS[key] || key, width: 1.6, show: show, value: function (u, v) { return fmt(v); }, spanGaps: false };
  }
  function opts(width, kind) {
    var o = {
      width: width, height: 280,
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'); },
      cursor: { sync: { key: sync.key }, drag: { x: true, y: false } },
      legend: { live: true },
      scales: { x: { time: true } },
      axes: [
        { stroke: '#667085', grid: { stroke: '#eef0f4' }, ticks: { stroke: '#e4e7ee' }, values: timeTicks, space: 80 },
        { stroke: '#667085', grid: { stroke: '#eef0f4' }, ticks: { stroke: '#e4e7ee' }, size: 80,
          values: function (u, vals) { return vals.map(function (v) { return kind === 'rt' ? v + ' ms' : v + '/s'; }); } }
      ]
    };
    if (kind === 'rt') {
      o.series = [{ label: 'Time (UTC)', value: function (u, v) { return v == null ? '–' : iso(v).slice(0, 19).replace('T', ' '); } }, line('avg', 'avg', true, fmtMs), line('p50', 'p50', true, fmtMs),
        line('p90', 'p90', true, fmtMs), line('p95', 'p95', true, fmtMs), line('p99', 'p99', true, fmtMs), line('max', 'max', false, fmtMs)];
    } else {
      var tp = line('transactions', 'avg', true, fmtRate); tp.fill = 'rgba(37,99,235,0.10)';
      var er = line('errors', 'p99', true, fmtRate); er.fill = 'rgba(220,38,38,0.12)';
      o.series = [{ label: 'Time (UTC)', value: function (u, v) { return v == null ? '–' : iso(v).slice(0, 19).replace('T', ' '); } }, tp, er];
    }
    return o;
  }
  var plots = [];
  var nodes = document.querySelectorAll('.plot');
  for (var i = 0; i < nodes.length; i++) {
    var el = nodes[i];
    var s = data.series[Number(el.getAttribute('data-series-index'))];
    var kind = el.getAttribute('data-kind');
    var cols = kind === 'rt' ? [s.t, s.avg, s.p50, s.p90, s.p95, s.p99, s.max] : [s.t, s.rate, s.errors];
    var w = Math.max(300, el.clientWidth || 560);
    var p = new uPlot(opts(w, kind), cols, el);
    p.__el = el;
    plots.push(p);
  }
  function resize() {
    for (var j = 0; j < plots.length; j++) {
      var w = Math.max(300, plots[j].__el.clientWidth);
      if (Math.abs(w - plots[j].width) > 2) plots[j].setSize({ width: w, height: 280 });
    }
  }
  var pending = 0;
  window.addEventListener('resize', function () { clearTimeout(pending); pending = setTimeout(resize, 100); });
  document.documentElement.setAttribute('data-charts', String(plots.length));
})();
`;
