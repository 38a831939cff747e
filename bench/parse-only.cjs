// The baseline of the end-to-end benchmark: read the snapshot file and JSON.parse it, nothing else.
// Usage: node -r ./bench/max-rss.cjs bench/parse-only.cjs <snapshot.json>
//
// The file is read as bytes and decoded, as the CLI reads it (cli/input-files.ts), and the bytes are
// let go before the parse. On Node 20 `readFileSync(path, 'utf8')` is the slower way: at scale 16
// (140 MB) it took 1.1-1.3 s longer to read and parse, at the same peak RSS. A slow baseline would
// flatter the ratio, so the baseline reads the fast way.
const { readFileSync } = require('node:fs');

let bytes = readFileSync(process.argv[2]);
const text = bytes.toString('utf8');
bytes = undefined;
const value = JSON.parse(text);
// Keep the parsed value alive to the end, as the scan keeps its snapshot.
if (typeof value !== 'object') process.exitCode = 1;
