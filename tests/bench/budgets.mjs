// Ridgepoint's performance budgets, measured in the page as /work/shared/MEASURING.md says.
//
//   node tests/bench/budgets.mjs <url> [--runs N] [--json] [--trace] [--trace-file PATH]
//
// <url> serves the release build (dist/) on 127.0.0.1; `cargo xtask bench` builds it, serves it
// on a free port and runs this script (it measures the transfer size itself). Printed:
//
//   * main-thread work per control change: Chromium's own TaskDuration counter around a trusted
//     key press on the "Batch size" slider and two animation frames, 60 changes, minus the
//     median of 20 idle samples; p50 / p95 / max in ms. Twice: with the page as it loads (top
//     visible) and scrolled so the roofline chart is in view. Budget p95 <= 8 ms.
//   * navigation -> first chart painted: an init script polls every animation frame for the
//     first <canvas> holding more than one colour; median of three fresh loads. Budget 250 ms.
//
// Figures, not tests: the exit code is 0 whenever the measurements could be taken, within budget
// or not, and 1 when they could not. `--runs N` repeats everything N times (a fresh browser
// context per measurement) and reports the median of the per-run figures. `--trace` (automatic
// when the p95 budget is missed) adds a traced pass that says where the main-thread time goes;
// `--trace-file PATH` also saves its raw trace (PATH-top.json, PATH-roofline.json), which
// Chrome DevTools' Performance panel or https://ui.perfetto.dev open.

import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { chromium } from 'playwright-core';

// ---- settings (MEASURING.md, TOOLCHAIN.md) --------------------------------------------------

const CHROMIUM = '/usr/bin/chromium';
// TOOLCHAIN.md's flags. Playwright adds --headless (headless: true) and a fresh --user-data-dir
// in a temporary directory for every launch.
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const VIEWPORT = { width: 1280, height: 900 };
const CHANGES = 60; // key presses measured
const RUN_OF = 10; // presses in one direction before turning
const IDLE = 20; // samples without a key press (the baseline)
const LOADS = 3; // fresh loads for navigation -> first chart
const SLIDER = 'Batch size';
const ROOFLINE = '[data-chart="roofline"]';
const BUDGET_P95_MS = 8;
const BUDGET_FIRST_CHART_MS = 250;
const TIMEOUT_MS = 30_000;
// Performance.getMetrics counters (seconds) broken out next to TaskDuration. ThreadTime is the
// main thread's CPU time in those tasks: TaskDuration (wall time) minus ThreadTime is time the
// thread was runnable but waiting for a core (other load on the machine).
const PARTS = ['ScriptDuration', 'RecalcStyleDuration', 'LayoutDuration', 'DevToolsCommandDuration', 'ThreadTime'];

// ---- arguments --------------------------------------------------------------------------------

function usage(msg) {
  if (msg) console.error(`budgets.mjs: ${msg}`);
  console.error('usage: node tests/bench/budgets.mjs <url> [--runs N] [--json] [--trace] [--trace-file PATH]');
  process.exit(2);
}

const opts = { url: null, runs: 1, json: false, trace: false, traceFile: null };
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') opts.json = true;
    else if (a === '--trace') opts.trace = true;
    else if (a === '--trace-file') opts.traceFile = argv[++i] ?? usage('--trace-file needs a path');
    else if (a === '--runs' || a.startsWith('--runs=')) {
      const v = a === '--runs' ? argv[++i] : a.slice('--runs='.length);
      opts.runs = Number(v);
      if (!Number.isInteger(opts.runs) || opts.runs < 1) usage(`--runs needs a whole number >= 1, not \`${v}\``);
    } else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('-')) usage(`unknown option \`${a}\``);
    else if (opts.url === null) opts.url = a;
    else usage(`unexpected argument \`${a}\``);
  }
  if (!opts.url) usage('the URL of the served dist/ is required');
}

// Progress goes to stderr, figures to stdout.
const log = (...a) => console.error('bench:', ...a);
const out = opts.json ? () => {} : (...a) => console.log(...a);

// ---- statistics ---------------------------------------------------------------------------------

const sorted = (xs) => [...xs].sort((a, b) => a - b);
function median(xs) {
  const s = sorted(xs);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
/** Nearest-rank percentile (p95 of 60 samples is the 57th smallest). */
function percentile(xs, p) {
  const s = sorted(xs);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)];
}
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const fmt = (x) => x.toFixed(2);

function verdict(figure, budget, unit) {
  return figure <= budget ? 'OK' : `MISSED by ${unit === 'ms' ? fmt(figure - budget) : figure - budget} ${unit}`;
}

// ---- the page -----------------------------------------------------------------------------------

async function newPage(browser, { initScript } = {}) {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  if (initScript) await context.addInitScript(initScript);
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT_MS);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return { context, page, errors };
}

const twoFrames = (page) =>
  page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));

/**
 * "Wait until the charts are painted": every chart canvas near the viewport (the page draws
 * those only) has been drawn, and no canvas has been redrawn for half a second.
 */
async function waitPainted(page) {
  await page.waitForFunction(
    () => {
      const canvases = [...document.querySelectorAll('[data-chart] canvas')];
      if (canvases.length === 0) return false;
      const near = canvases.filter((c) => {
        const r = c.getBoundingClientRect();
        return r.bottom > -200 && r.top < innerHeight + 200 && r.width > 0;
      });
      return near.length > 0 && near.every((c) => c.getAttribute('data-drawn') === '1');
    },
    null,
    { timeout: TIMEOUT_MS, polling: 'raf' },
  );
  const draws = () =>
    page.evaluate(() =>
      [...document.querySelectorAll('[data-chart] canvas')].map((c) => c.getAttribute('data-draws') ?? '0').join(','),
    );
  let last = await draws();
  for (let quiet = Date.now(); Date.now() - quiet < 500; ) {
    await page.waitForTimeout(100);
    const now = await draws();
    if (now !== last) {
      last = now;
      quiet = Date.now();
    }
  }
  await twoFrames(page);
}

const batchInUrl = (page) => Number(new URL(page.url()).searchParams.get('batch') ?? '1');

async function metrics(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
  return m;
}

/** One sample: counters before, the action, two animation frames, counters after (ms). */
async function sample(cdp, page, action) {
  const a = await metrics(cdp);
  if (action) await action();
  await twoFrames(page);
  const b = await metrics(cdp);
  const d = { TaskDuration: (b.TaskDuration - a.TaskDuration) * 1000 };
  for (const k of PARTS) d[k] = (b[k] - a[k]) * 1000;
  return d;
}

/**
 * Main-thread work per control change (MEASURING.md steps 1-5). `scrolled`: the roofline chart
 * is scrolled into view first (the slider keeps focus).
 */
async function measureChanges(browser, { scrolled }) {
  const { context, page, errors } = await newPage(browser);
  try {
    await page.goto(opts.url, { waitUntil: 'load' });
    await waitPainted(page);
    const slider = page.getByRole('slider', { name: SLIDER });
    await slider.waitFor({ state: 'attached' });
    const start = await slider.evaluate((el) => ({ value: el.value, min: el.min, max: el.max }));
    if (start.value !== start.min) {
      throw new Error(`the "${SLIDER}" slider starts at ${start.value}, not at its left end ${start.min}`);
    }
    const steps = Number(start.max) - Number(start.min);
    if (steps < RUN_OF) throw new Error(`the "${SLIDER}" slider has ${steps} steps; runs of ${RUN_OF} need more`);
    // Focus without scrolling, so the page stays as it loaded.
    await slider.evaluate((el) => el.focus({ preventScroll: true }));
    if (scrolled) {
      await page.locator(ROOFLINE).evaluate((el) => el.scrollIntoView({ block: 'center' }));
      await waitPainted(page);
    }
    const focused = await slider.evaluate((el) => document.activeElement === el);
    if (!focused) throw new Error(`the "${SLIDER}" slider did not keep focus`);
    const where = await page.evaluate((sel) => {
      const r = document.querySelector(sel)?.getBoundingClientRect();
      const onScreen = [...document.querySelectorAll('[data-chart]')]
        .filter((f) => {
          const b = f.getBoundingClientRect();
          return b.bottom > 0 && b.top < innerHeight;
        })
        .map((f) => f.getAttribute('data-chart'));
      return { scrollY: Math.round(scrollY), rooflineTop: r ? Math.round(r.top) : null, onScreen };
    }, ROOFLINE);

    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await twoFrames(page);

    const draws = () =>
      page.evaluate(() => [...document.querySelectorAll('[data-chart] canvas')].reduce((n, c) => n + Number(c.getAttribute('data-draws') ?? 0), 0));
    const drawsBefore = await draws();

    const changes = [];
    let pos = 0;
    for (let i = 0; i < CHANGES; i++) {
      const right = Math.floor(i / RUN_OF) % 2 === 0;
      changes.push(await sample(cdp, page, () => page.keyboard.press(right ? 'ArrowRight' : 'ArrowLeft')));
      pos += right ? 1 : -1;
      // The URL is written once the controls settle, so read the exact-value box instead.
      const batch = Number(await page.getByLabel('Batch size, exact value').inputValue());
      if (batch !== 2 ** pos) {
        throw new Error(`change ${i + 1}: expected batch ${2 ** pos} after the key press, found ${batch}`);
      }
    }
    const chartDraws = (await draws()) - drawsBefore;
    const idle = [];
    for (let i = 0; i < IDLE; i++) idle.push(await sample(cdp, page, null));
    await cdp.detach();

    const keys = ['TaskDuration', ...PARTS];
    const base = Object.fromEntries(keys.map((k) => [k, median(idle.map((s) => s[k]))]));
    const net = changes.map((s) => Object.fromEntries(keys.map((k) => [k, s[k] - base[k]])));
    const task = net.map((s) => s.TaskDuration);
    // Where the time goes: median of each counter per change, and the same at the p95 sample.
    const p95 = percentile(task, 95);
    const atP95 = net.find((s) => s.TaskDuration === p95);
    const breakdown = (s) => ({
      script: s.ScriptDuration,
      style: s.RecalcStyleDuration,
      layout: s.LayoutDuration,
      other: s.TaskDuration - s.ScriptDuration - s.RecalcStyleDuration - s.LayoutDuration,
    });
    const medBreak = breakdown(Object.fromEntries(keys.map((k) => [k, median(net.map((s) => s[k]))])));
    if (errors.length) log(`page errors: ${errors.join(' | ')}`);
    const cpu = net.map((s) => s.ThreadTime);
    return {
      cpuP50: median(cpu),
      cpuP95: percentile(cpu, 95),
      p50: median(task),
      p95,
      max: Math.max(...task),
      baseline: base.TaskDuration,
      samples: task,
      chartDrawsPerChange: chartDraws / CHANGES,
      breakdownMedian: medBreak,
      breakdownAtP95: breakdown(atP95),
      where,
    };
  } finally {
    await context.close();
  }
}

/** The init script: first animation frame at which some <canvas> holds more than one colour. */
function firstChartProbe() {
  const seen = (c) => {
    if (!c.width || !c.height) return false;
    let ctx;
    try {
      ctx = c.getContext('2d');
    } catch {
      return false;
    }
    if (!ctx) return false;
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    const px = d.length / 4;
    // About 4000 pixels, spread over the whole canvas (an odd stride avoids lining up on columns).
    const stride = Math.max(1, Math.floor(px / 4000)) | 1;
    const first = (d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3];
    for (let p = 0; p < px; p += stride) {
      const i = p * 4;
      if (((d[i] << 24) | (d[i + 1] << 16) | (d[i + 2] << 8) | d[i + 3]) !== first) return true;
    }
    return false;
  };
  const poll = () => {
    for (const c of document.getElementsByTagName('canvas')) {
      if (seen(c)) {
        window.__firstChartPaint = performance.now();
        return;
      }
    }
    requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
}

async function measureFirstChart(browser) {
  const loads = [];
  for (let i = 0; i < LOADS; i++) {
    const { context, page, errors } = await newPage(browser, { initScript: firstChartProbe });
    try {
      await page.goto(opts.url, { waitUntil: 'commit' });
      const h = await page.waitForFunction(() => window.__firstChartPaint, null, { timeout: TIMEOUT_MS, polling: 100 });
      loads.push(await h.jsonValue());
      if (errors.length) log(`page errors: ${errors.join(' | ')}`);
    } finally {
      await context.close();
    }
  }
  return { median: median(loads), loads };
}

// ---- trace: where the main-thread time goes -------------------------------------------------------

const TRACE_CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'blink',
  'cc',
  'toplevel',
  'v8',
  'v8.execute',
  'disabled-by-default-v8.gc',
  'loading',
  'skia',
];

/**
 * The bucket a trace event's self time goes to. Canvas 2D calls are not traced one by one: they
 * run inside script (FunctionCall); their recorded drawing is flushed at FinalizeFrame.
 */
function kind(name) {
  const is = (re) => re.test(name);
  if (is(/^(FunctionCall|EvaluateScript|v8\.|V8\.|TimerFire|FireAnimationFrame|EventDispatch|RunMicrotasks|MinorGC|MajorGC|BlinkGC|ScheduledAction|FireIdleCallback|BlinkScheduler_PerformMicrotaskCheckpoint|PageAnimator::serviceScriptedAnimations)/)) return 'script (wasm, JS glue, canvas 2D calls)';
  if (is(/^(FrameLoader::updateForSameDocumentNavigation|Document::SetURL|History::)/)) return 'URL write (history.replaceState)';
  if (is(/^(ResourceFetcher::|ResponseBodyLoader::|SVGImage|IsolatedSVGDocumentHost|DecodedDataDocumentParser|Document::(shutdown|Initialize|Document|FinishedParsing|OpenForNavigation)|DocumentLoader::|Frame::Detach|ResourceLoader)/)) return 'resource load (see requests below)';
  if (is(/^(UpdateLayoutTree|RecalculateStyles|ParseAuthorStyleSheet|Document::(recalcStyle|updateStyle|rebuildLayoutTree|UpdateStyle)|StyleEngine|Blink\.Style\.)/)) return 'style';
  if (is(/^(Layout$|UpdateLayerTree|LocalFrameView::(UpdateLayout|layout|performLayout|UpdateStyleAndLayout)|InlineNode::|LayoutBlock|Blink\.Layout\.|Blink\.ForcedStyleAndLayout|Document::UpdateStyleAndLayout|IntersectionObserver|ScrollAnchor)/)) return 'layout';
  if (is(/(Canvas|Raster|Skia|ImageDecode|Decode Image)/i)) return 'canvas flush / raster';
  if (is(/^(Paint|PrePaint|Layerize|Commit|ProxyMain|LocalFrameView::(Paint|RunPaint|RunPrePaint|PushPaintArtifact)|PaintController|LayerTreeHost|Blink\.(Paint|PrePaint|CompositingInputs|CompositingCommit)|WebFrameWidgetImpl::|MainFrameAborted|UpdateLifecycle)/)) return 'paint / composite / commit';
  return 'other (task and IPC overhead)';
}

/**
 * Self time (ms of main-thread CPU time where the trace has it, else wall time) per event name on
 * the renderer main thread, and the URLs the renderer requested.
 */
function selfTimes(events) {
  // The renderer main thread: the CrRendererMain thread that was busiest.
  const busy = new Map();
  for (const e of events) {
    if (e.ph === 'X' && e.dur !== undefined) busy.set(`${e.pid}:${e.tid}`, (busy.get(`${e.pid}:${e.tid}`) ?? 0) + e.dur);
  }
  const mains = events
    .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
    .map((e) => `${e.pid}:${e.tid}`)
    .sort((a, b) => (busy.get(b) ?? 0) - (busy.get(a) ?? 0));
  if (!mains.length) return null;
  const [pid, tid] = mains[0].split(':').map(Number);
  // Complete events (X) on that thread, as [start, end, name, cpu]; cpu/wall scales a clipped span.
  const spans = [];
  const requests = new Map();
  for (const e of events) {
    if (e.pid !== pid || e.tid !== tid) continue;
    if (e.ph === 'X' && e.dur !== undefined) spans.push([e.ts, e.ts + e.dur, e.name, e.dur ? (e.tdur ?? e.dur) / e.dur : 1]);
    if (e.name === 'ResourceFetcher::requestResource' && e.args?.url) {
      const u = String(e.args.url).split('/').pop();
      requests.set(u, (requests.get(u) ?? 0) + 1);
    }
  }
  spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const self = new Map();
  const stack = [];
  const add = (name, us) => self.set(name, (self.get(name) ?? 0) + us);
  for (const [start, stop, name, cpu] of spans) {
    while (stack.length && stack[stack.length - 1].end <= start) stack.pop();
    const parent = stack[stack.length - 1];
    const end = Math.min(stop, parent ? parent.end : stop);
    if (end <= start) continue;
    const d = (end - start) * cpu;
    add(name, d);
    if (parent) add(parent.name, -d);
    stack.push({ end, name });
  }
  return { self, requests };
}

async function traceChanges(browser, { scrolled, changes = 20 }) {
  const { context, page } = await newPage(browser);
  try {
    await page.goto(opts.url, { waitUntil: 'load' });
    await waitPainted(page);
    const slider = page.getByRole('slider', { name: SLIDER });
    await slider.evaluate((el) => el.focus({ preventScroll: true }));
    if (scrolled) {
      await page.locator(ROOFLINE).evaluate((el) => el.scrollIntoView({ block: 'center' }));
      await waitPainted(page);
    }
    const cdp = await context.newCDPSession(page);
    const events = [];
    cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
    const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
    await cdp.send('Tracing.start', {
      transferMode: 'ReportEvents',
      traceConfig: { includedCategories: TRACE_CATEGORIES, recordMode: 'recordAsMuchAsPossible' },
    });
    await twoFrames(page);
    for (let i = 0; i < changes; i++) {
      const right = Math.floor(i / RUN_OF) % 2 === 0;
      await page.keyboard.press(right ? 'ArrowRight' : 'ArrowLeft');
      await twoFrames(page);
    }
    await cdp.send('Tracing.end');
    await done;
    await cdp.detach();
    if (opts.traceFile) {
      const file = `${opts.traceFile.replace(/\.json$/, '')}-${scrolled ? 'roofline' : 'top'}.json`;
      writeFileSync(file, JSON.stringify({ traceEvents: events }));
      log(`trace saved to ${file}`);
    }
    const st = selfTimes(events);
    if (!st) return null;
    const byKind = {};
    const byName = [];
    for (const [name, us] of st.self) {
      const ms = us / 1000 / changes;
      byKind[kind(name)] = (byKind[kind(name)] ?? 0) + ms;
      byName.push([name, ms]);
    }
    byName.sort((a, b) => b[1] - a[1]);
    return {
      changes,
      perChangeMsByKind: Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, round(v)])),
      topEvents: byName.slice(0, 15).map(([name, ms]) => ({ name, kind: kind(name), ms: round(ms) })),
      requests: Object.fromEntries(st.requests),
    };
  } finally {
    await context.close();
  }
}

// ---- main ---------------------------------------------------------------------------------------

function summarizeChanges(runs) {
  const pick = (k) => median(runs.map((r) => r[k]));
  return { p50: pick('p50'), p95: pick('p95'), max: pick('max'), baseline: pick('baseline') };
}

function printChanges(title, runs) {
  const s = summarizeChanges(runs);
  out(`${title}`);
  if (runs.length > 1) {
    runs.forEach((r, i) => out(`    run ${i + 1}: p50 ${fmt(r.p50)}  p95 ${fmt(r.p95)}  max ${fmt(r.max)} ms`));
    out(`    median of ${runs.length} runs:`);
  }
  const r = runs[0];
  out(`    p50 ${fmt(s.p50)} ms   p95 ${fmt(s.p95)} ms   max ${fmt(s.max)} ms   (idle baseline ${fmt(s.baseline)} ms subtracted)`);
  out(`    p95 ${fmt(s.p95)} ms, budget ${BUDGET_P95_MS} ms: ${verdict(s.p95, BUDGET_P95_MS, 'ms')}`);
  const b = (x) =>
    `script ${fmt(x.script)}, style ${fmt(x.style)}, layout ${fmt(x.layout)}, rest ${fmt(x.other)} (paint, commit, loads, waiting for a core)`;
  out(`    main-thread CPU time (ThreadTime) of the same samples: p50 ${fmt(median(runs.map((x) => x.cpuP50)))} ms, p95 ${fmt(median(runs.map((x) => x.cpuP95)))} ms`);
  const of = runs.length > 1 ? ' (run 1)' : '';
  out(`    per change, median${of}: ${b(r.breakdownMedian)} ms`);
  out(`    at the p95 sample${of}:  ${b(r.breakdownAtP95)} ms`);
  out(`    charts on screen: ${r.where.onScreen.join(', ') || 'none'} (scrollY ${r.where.scrollY}); chart draws per change: ${fmt(r.chartDrawsPerChange)}`);
  return s;
}

function printTrace(title, t) {
  if (!t) {
    out(`  trace (${title}): no renderer main thread found`);
    return;
  }
  const kinds = Object.entries(t.perChangeMsByKind).sort((a, b) => b[1] - a[1]);
  const total = kinds.reduce((n, [, v]) => n + v, 0);
  out(`  ${title}: ${fmt(total)} ms main-thread CPU per change (${t.changes} changes, tracing on), by kind:`);
  for (const [k, v] of kinds) out(`    ${fmt(v).padStart(7)} ms  ${k}`);
  out(`    largest events (self time per change):`);
  for (const e of t.topEvents.slice(0, 8)) out(`    ${fmt(e.ms).padStart(7)} ms  ${e.name}`);
  const req = Object.entries(t.requests);
  out(`    resources requested during the changes: ${req.length ? req.map(([u, n]) => `${u} x${n}`).join(', ') : 'none'}`);
}

async function main() {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  try {
    log(`Chromium ${browser.version()}, ${opts.url}, ${opts.runs} run(s)`);
    const load = () => os.loadavg()[0].toFixed(1);
    const loadBefore = load();
    const top = [];
    const scrolled = [];
    const first = [];
    for (let i = 0; i < opts.runs; i++) {
      log(`run ${i + 1}: control changes, page as loaded`);
      top.push(await measureChanges(browser, { scrolled: false }));
      log(`run ${i + 1}: control changes, roofline in view`);
      scrolled.push(await measureChanges(browser, { scrolled: true }));
      log(`run ${i + 1}: navigation -> first chart painted`);
      first.push(await measureFirstChart(browser));
    }

    out(`Machine: ${os.cpus().length} CPUs, 1-minute load average ${loadBefore} before and ${load()} after the browser measurements`);
    out('Main-thread work per control change ("Batch size" slider, 60 trusted key presses, Chromium TaskDuration)');
    const sTop = printChanges('  page as loaded (top of the page):', top);
    const sScr = printChanges('  roofline chart scrolled into view:', scrolled);

    const firstMedian = median(first.map((f) => f.median));
    out('Navigation -> first chart painted (median of 3 fresh loads)');
    if (first.length > 1) first.forEach((f, i) => out(`    run ${i + 1}: ${fmt(f.median)} ms (loads ${f.loads.map(fmt).join(', ')})`));
    else out(`    loads: ${first[0].loads.map(fmt).join(', ')} ms`);
    out(`    ${fmt(firstMedian)} ms, budget ${BUDGET_FIRST_CHART_MS} ms: ${verdict(firstMedian, BUDGET_FIRST_CHART_MS, 'ms')}`);

    let trace = null;
    if (opts.trace || opts.traceFile || sTop.p95 > BUDGET_P95_MS || sScr.p95 > BUDGET_P95_MS) {
      log('traced pass: where the main-thread time goes');
      trace = {
        top: await traceChanges(browser, { scrolled: false }),
        scrolled: await traceChanges(browser, { scrolled: true }),
      };
      out('Where the time goes (Chromium trace of a separate pass; tracing adds overhead of its own)');
      printTrace('page as loaded', trace.top);
      printTrace('roofline in view', trace.scrolled);
    }

    if (opts.json) {
      const changes = (runs, s) => ({
        p50_ms: round(s.p50),
        p95_ms: round(s.p95),
        max_ms: round(s.max),
        idle_baseline_ms: round(s.baseline),
        budget_p95_ms: BUDGET_P95_MS,
        within_budget: s.p95 <= BUDGET_P95_MS,
        runs: runs.map((r) => ({
          p50_ms: round(r.p50),
          p95_ms: round(r.p95),
          max_ms: round(r.max),
          cpu_p50_ms: round(r.cpuP50),
          cpu_p95_ms: round(r.cpuP95),
          samples_ms: r.samples.map((x) => round(x)),
          breakdown_median_ms: Object.fromEntries(Object.entries(r.breakdownMedian).map(([k, v]) => [k, round(v)])),
          breakdown_at_p95_ms: Object.fromEntries(Object.entries(r.breakdownAtP95).map(([k, v]) => [k, round(v)])),
          chart_draws_per_change: round(r.chartDrawsPerChange),
          charts_on_screen: r.where.onScreen,
          scroll_y: r.where.scrollY,
        })),
      });
      console.log(
        JSON.stringify(
          {
            chromium: browser.version(),
            machine: { cpus: os.cpus().length, loadavg_1min_before: Number(loadBefore), loadavg_1min_after: Number(load()) },
            control_change: { page_as_loaded: changes(top, sTop), roofline_in_view: changes(scrolled, sScr) },
            first_chart: {
              median_ms: round(firstMedian),
              budget_ms: BUDGET_FIRST_CHART_MS,
              within_budget: firstMedian <= BUDGET_FIRST_CHART_MS,
              runs: first.map((f) => ({ median_ms: round(f.median), loads_ms: f.loads.map((x) => round(x)) })),
            },
            trace,
          },
          null,
          2,
        ),
      );
    }
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(`budgets.mjs: measurement failed: ${e?.stack ?? e}`);
  process.exit(1);
});
