// The baseline of the end-to-end benchmark: read the snapshot file and JSON.parse it, nothing else.
// Usage: node -r ./bench/max-rss.cjs bench/parse-only.cjs <snapshot.json>
const { readFileSync } = require('node:fs');

const value = JSON.parse(readFileSync(process.argv[2], 'utf8'));
// Keep the parsed value alive to the end, as the scan keeps its snapshot.
if (typeof value !== 'object') process.exitCode = 1;
