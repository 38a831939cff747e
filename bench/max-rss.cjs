// Preloaded with `node -r` into a benchmarked process (the real CLI, or the bare parse): on exit it
// reports the process's peak resident set size on stderr, as the last line, for bench/end-to-end.ts.
// It changes nothing else; the measured program runs exactly as it would without it.
process.on('exit', () => {
  process.stderr.write(`\nbench-max-rss-kb ${process.resourceUsage().maxRSS}\n`);
});
