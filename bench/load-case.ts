// Time to require one module in a fresh process: node build/bench/load-case.js <module>
const t0 = process.hrtime.bigint();
require(process.argv[2] as string);
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
process.stdout.write(JSON.stringify({ ms, rssMb: process.resourceUsage().maxRSS / 1024 }));
