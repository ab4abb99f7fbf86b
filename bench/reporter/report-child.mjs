// Child process of bench.mjs: one writeReport, then its wall time and peak RSS as JSON on stdout.
import { writeReport } from '../../packages/reporter/dist/index.js';

const [, , dbPath, outDir] = process.argv;
const t = performance.now();
const { summary } = await writeReport({ dbPath, outDir });
const seconds = (performance.now() - t) / 1000;
console.log(
  JSON.stringify({
    seconds,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    cpuSeconds: (process.resourceUsage().userCPUTime + process.resourceUsage().systemCPUTime) / 1e6,
    transactions: summary.transactions,
    timers: summary.timers.length,
    intervals: Math.round((summary.last_result_at - summary.first_result_at) / summary.interval) + 1,
  }),
);
