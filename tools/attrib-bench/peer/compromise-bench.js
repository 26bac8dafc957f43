#!/usr/bin/env node
// The peer of attrib-bench: the npm package compromise doing the closest work
// it offers to attrib's (people, organisations, places and quotations of each
// article, serialised as JSON), timed the same way: every text read into
// memory first, the package loaded and timed apart, then per-document latency
// over R repetitions of the corpus, the best repetition reported.
//
// usage: node compromise-bench.js [-r N] [--list FILE] [FILE|DIR...]
// Prints one JSON object on stdout. Run by attrib-bench --peer; installed by
// bench.sh --peer (npm install --prefix tools/attrib-bench/peer ...).
'use strict';

const fs = require('fs');
const path = require('path');

function usage(msg) {
  process.stderr.write(`compromise-bench: ${msg}\nusage: node compromise-bench.js [-r N] [--list FILE] [FILE|DIR...]\n`);
  process.exit(2);
}

let reps = 3;
const inputs = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '-r') {
    reps = parseInt(argv[++i], 10);
    if (!(reps >= 1)) usage('-r needs a positive number');
  } else if (a === '--list') {
    const list = argv[++i];
    if (!list) usage('--list needs a file');
    for (const line of fs.readFileSync(list, 'utf8').split('\n')) if (line) inputs.push(line);
  } else if (a.startsWith('-')) {
    usage(`unknown option ${a}`);
  } else {
    const st = fs.statSync(a);
    if (st.isDirectory()) {
      for (const n of fs.readdirSync(a).filter((n) => n.endsWith('.txt')).sort()) inputs.push(path.join(a, n));
    } else {
      inputs.push(a);
    }
  }
}
if (inputs.length === 0) usage('no input');

// 1. every input in memory before any clock starts
const texts = inputs.map((p) => fs.readFileSync(p, 'utf8'));
let bytes = 0;
let words = 0;
for (const t of texts) {
  bytes += Buffer.byteLength(t, 'utf8');
  const m = t.match(/[^ \t\n\r\v\f]+/g); // same definition as attrib-bench: ASCII-whitespace tokens
  words += m ? m.length : 0;
}

// 2. loading the package (its lexicon is built at require time)
const tl0 = process.hrtime.bigint();
// resolved from this folder (its node_modules), through the package's "exports" like any user
const nlp = require(require.resolve('compromise', { paths: [__dirname] }));
const loadS = Number(process.hrtime.bigint() - tl0) / 1e9;

// 3. the same work per document: entities and quotations, as JSON
function analyse(text) {
  const doc = nlp(text);
  return JSON.stringify({
    people: doc.people().out('array'),
    organizations: doc.organizations().out('array'),
    places: doc.places().out('array'),
    quotations: doc.quotations().out('array'),
  });
}

const best = new Array(texts.length).fill(Infinity);
let bestWall = Infinity;
let bestCpu = Infinity; // process CPU seconds (node's helper threads included)
let jsonBytes = 0;
for (let r = 0; r < reps; r++) {
  const c0 = process.cpuUsage();
  const w0 = process.hrtime.bigint();
  let jb = 0;
  for (let i = 0; i < texts.length; i++) {
    const t0 = process.hrtime.bigint();
    const out = analyse(texts[i]);
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    jb += out.length;
    if (dt < best[i]) best[i] = dt;
  }
  const wall = Number(process.hrtime.bigint() - w0) / 1e9;
  const cu = process.cpuUsage(c0);
  const cpu = (cu.user + cu.system) / 1e6;
  if (wall < bestWall) bestWall = wall;
  if (cpu < bestCpu) bestCpu = cpu;
  jsonBytes = jb;
  process.stderr.write(`compromise-bench: repetition ${r + 1}/${reps}: ${wall.toFixed(3)} s\n`);
}

const sorted = best.slice().sort((a, b) => a - b);
const pct = (p) => sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1];
const result = {
  name: 'compromise',
  version: nlp.version,
  node: process.version,
  docs: texts.length,
  bytes,
  words,
  repetitions: reps,
  load_s: loadS,
  wall_s: bestWall,
  cpu_s: bestCpu,
  mb_per_s: bytes / 1e6 / bestWall,
  words_per_s: words / bestWall,
  p50_s: pct(50),
  p99_s: pct(99),
  max_s: sorted[sorted.length - 1],
  json_bytes: jsonBytes,
  peak_rss_kb: process.resourceUsage().maxRSS,
};
process.stdout.write(JSON.stringify(result) + '\n');
