// Preloaded into each measured process: writes its peak resident memory (KiB) to BENCH_PROBE_FILE at exit.
"use strict";
process.on("exit", () => {
  require("fs").writeFileSync(process.env.BENCH_PROBE_FILE, String(process.resourceUsage().maxRSS));
});
