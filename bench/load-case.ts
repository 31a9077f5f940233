// Time to require one module in a fresh process: node build/bench/load-case.js <module> [<preloaded module>...]
// Modules named after the first are required before the clock starts, so `load-case.js <entry> cdk8s constructs`
// times what the entry adds to its framework alone. Also reports how many of this package's compiled files the
// timed require loaded and their size (what V8 had to compile).
import * as fs from 'node:fs';
import * as path from 'node:path';

const [target, ...preload] = process.argv.slice(2) as [string, ...string[]];
for (const m of preload) require(m);
const ownBuild = path.resolve(__dirname, '..') + path.sep;
const before = new Set(Object.keys(require.cache));
const t0 = process.hrtime.bigint();
require(target);
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
const own = Object.keys(require.cache).filter((f) => !before.has(f) && f.startsWith(ownBuild));
const ownKb = own.reduce((n, f) => n + fs.statSync(f).size, 0) / 1024;
process.stdout.write(JSON.stringify({ ms, rssMb: process.resourceUsage().maxRSS / 1024, ownModules: own.length, ownKb }));
