// Writes a synthetic account snapshot for one scale: node --import tsx bench/write-account.ts <scale> <out.json>
import { writeFileSync } from 'node:fs';
import { describeAccount, generateAccount } from './generate-account';

const scale = Number(process.argv[2]);
const out = process.argv[3];
if (!Number.isInteger(scale) || scale < 1 || !out) throw new Error('usage: write-account <scale> <out.json>');
const snapshot = generateAccount(scale);
writeFileSync(out, JSON.stringify(snapshot));
process.stdout.write(`${JSON.stringify(describeAccount(snapshot))}\n`);
