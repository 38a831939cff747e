// What every part of a generated account shares: its account, region and Availability Zones, the seeded
// random numbers that keep it deterministic, and the ids and addresses it is written with.

export const ACCOUNT_ID = '111122223333';
export const REGION = 'eu-west-1';
export const AZS = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];

export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function ipv4(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function hexId(prefix: string, n: number): string {
  return `${prefix}-${n.toString(16).padStart(17, '0')}`;
}
