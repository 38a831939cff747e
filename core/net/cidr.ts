// CIDR and address math on ipaddr.js. IPv4 and IPv6 are kept apart: a v4 block never contains a v6
// address (including IPv4-mapped IPv6 forms), as AWS evaluates the two rule sets separately.
import ipaddr from 'ipaddr.js';
import { EfsguardError } from '../errors';

export type AddressFamily = 'ipv4' | 'ipv6';

/** A CIDR or address that cannot be parsed. `value` is the offending text. */
export class InvalidCidrError extends EfsguardError {
  override readonly name = 'InvalidCidrError';
  constructor(
    readonly value: string,
    detail: string,
  ) {
    super(`invalid CIDR or address "${value}": ${detail}`);
  }
}

export interface ParsedCidr {
  readonly family: AddressFamily;
  /** Canonical text: the network address and prefix length, e.g. 10.0.0.0/16, 2001:db8::/32. */
  readonly canonical: string;
  readonly prefixLength: number;
  /** The network address as an unsigned integer (IPv4 and IPv6 alike, to compare without re-parsing). */
  readonly first: bigint;
  readonly last: bigint;
  /**
   * IPv4 only: `first` and `last` as numbers (exact: below 2^32), undefined for IPv6. Checking a dotted
   * quad against them allocates nothing, where a BigInt per address did: the sweeps check addresses
   * against ACL entries, security-group peers and subnet blocks hundreds of thousands of times.
   */
  readonly ipv4First: number | undefined;
  readonly ipv4Last: number | undefined;
}

export interface ParsedAddress {
  readonly family: AddressFamily;
  readonly value: bigint;
}

// Parsed values are cached: a benchmark topology carries hundreds of thousands of permissions but
// few distinct CIDRs. Both caches only grow with distinct input strings.
const cidrCache = new Map<string, ParsedCidr>();
const addressCache = new Map<string, ParsedAddress>();

function toBigInt(bytes: readonly number[]): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/**
 * The strict dotted-quad form (four decimal octets 0-255, no leading zeros), read by hand: an account
 * has an address or more per interface, 160,000 interfaces at scale 16, and ipaddr's general parser
 * (with a cache entry per address) was the larger part of normalising them. Anything else, valid or
 * not, is left to ipaddr (undefined), which accepts or refuses it exactly as before. Only the first
 * `length` characters are read (a CIDR's address, without slicing it off).
 */
export function parseDottedQuad(text: string, length = text.length): number | undefined {
  if (length < 7 || length > 15) return undefined;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code === 46) {
      // '.': closes an octet, which must have digits.
      if (digits === 0 || dots === 3) return undefined;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (code >= 48 && code <= 57) {
      // A leading zero only as the whole octet ('0', never '01').
      if (digits > 0 && octet === 0) return undefined;
      octet = octet * 10 + (code - 48);
      digits++;
      if (octet > 255) return undefined;
    } else return undefined;
  }
  if (dots !== 3 || digits === 0) return undefined;
  return value * 256 + octet;
}

function parseAddressUncached(text: string): ParsedAddress {
  // Strict forms only: ipaddr's permissive parser would accept '10.1' or hex octets.
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) {
    return { family: 'ipv4', value: toBigInt(ipaddr.IPv4.parse(text).toByteArray()) };
  }
  if (ipaddr.IPv6.isValid(text)) {
    return { family: 'ipv6', value: toBigInt(ipaddr.IPv6.parse(text).toByteArray()) };
  }
  throw new InvalidCidrError(text, 'not an IPv4 or IPv6 address');
}

/** Parses an IPv4 or IPv6 address (no prefix). Throws InvalidCidrError naming the text. */
export function parseAddress(text: string): ParsedAddress {
  // Dotted quads are read directly, without a cache entry: nearly every address is distinct.
  const quad = parseDottedQuad(text);
  if (quad !== undefined) return { family: 'ipv4', value: BigInt(quad) };
  let parsed = addressCache.get(text);
  if (!parsed) {
    parsed = parseAddressUncached(text);
    addressCache.set(text, parsed);
  }
  return parsed;
}

/**
 * Is `text` an address parseAddress accepts? Dotted quads (an address or more per interface, 160,000
 * interfaces at scale 16) are checked without making the parsed value.
 */
export function isAddress(text: string): boolean {
  if (parseDottedQuad(text) !== undefined) return true;
  try {
    parseAddress(text);
    return true;
  } catch {
    return false;
  }
}

/** The dotted-quad text of an IPv4 address given as an unsigned 32-bit integer (as ipaddr writes it). */
export function ipv4Text(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

function parseCidrUncached(text: string): ParsedCidr {
  const slash = text.indexOf('/');
  if (slash < 0) throw new InvalidCidrError(text, 'missing "/prefix-length"');
  const addressText = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  const quad = parseDottedQuad(addressText);
  if (quad !== undefined) return parseIpv4Cidr(text, quad, prefixText);
  let address: ParsedAddress;
  try {
    address = parseAddress(addressText);
  } catch {
    throw new InvalidCidrError(text, `"${addressText}" is not an IPv4 or IPv6 address`);
  }
  const bits = address.family === 'ipv4' ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) {
    throw new InvalidCidrError(text, `prefix length must be 0-${bits}`);
  }
  const prefixLength = Number(prefixText);
  const hostBits = BigInt(bits - prefixLength);
  const first = (address.value >> hostBits) << hostBits;
  const last = first + (1n << hostBits) - 1n;
  const networkText =
    address.family === 'ipv4' ? ipv4Text(Number(first)) : ipaddr.IPv6.networkAddressFromCIDR(text).toString();
  const ipv4 = address.family === 'ipv4';
  return {
    family: address.family,
    canonical: `${networkText}/${prefixLength}`,
    prefixLength,
    first,
    last,
    ipv4First: ipv4 ? Number(first) : undefined,
    ipv4Last: ipv4 ? Number(last) : undefined,
  };
}

/**
 * A CIDR whose address is a strict dotted quad, in numbers: no BigInt shifts, and when the text is
 * already canonical (host bits clear, as nearly every CIDR AWS reports is) it is its own canonical
 * text, with no second string made.
 */
function parseIpv4Cidr(text: string, value: number, prefixText: string): ParsedCidr {
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > 32) {
    throw new InvalidCidrError(text, 'prefix length must be 0-32');
  }
  const prefixLength = Number(prefixText);
  const size = 2 ** (32 - prefixLength);
  const first = Math.floor(value / size) * size;
  const last = first + size - 1;
  const canonical =
    first === value && prefixText === String(prefixLength) ? text : `${ipv4Text(first)}/${prefixLength}`;
  return {
    family: 'ipv4',
    canonical,
    prefixLength,
    first: BigInt(first),
    last: BigInt(last),
    ipv4First: first,
    ipv4Last: last,
  };
}

/**
 * `text`, a strict dotted quad and /32: its own canonical text. Kept apart from parseIpv4Cidr on
 * purpose: built through the same block arithmetic, this uncached path made efs-nfs-exposure 150-450
 * ms slower at scale 16 (alternating runs; the cause was not pinned down).
 */
function ipv4Host(text: string, value: number): ParsedCidr {
  const bound = BigInt(value);
  return {
    family: 'ipv4',
    canonical: text,
    prefixLength: 32,
    first: bound,
    last: bound,
    ipv4First: value,
    ipv4Last: value,
  };
}

/** Parses and validates a CIDR. Throws InvalidCidrError naming the bad CIDR. */
export function parseCidr(text: string): ParsedCidr {
  // A host address (a dotted quad and /32) is parsed each time, not cached: exposure cuts at the
  // address of every member of a referenced group, 160,000 of them at scale 16, and a cache entry per
  // address cost more to look up and keep than the parse.
  if (text.endsWith('/32')) {
    const value = parseDottedQuad(text, text.length - 3);
    if (value !== undefined) return ipv4Host(text, value);
  }
  let parsed = cidrCache.get(text);
  if (!parsed) {
    parsed = parseCidrUncached(text);
    cidrCache.set(text, parsed);
  }
  return parsed;
}

export function isValidCidr(text: string): boolean {
  try {
    parseCidr(text);
    return true;
  } catch {
    return false;
  }
}

/** The canonical form: host bits cleared, IPv6 compressed (e.g. 10.0.0.1/16 -> 10.0.0.0/16). */
export function canonicaliseCidr(text: string): string {
  return parseCidr(text).canonical;
}

/** True when `address` lies in `cidr`, same address family only. */
export function cidrContainsAddress(cidr: string, address: string): boolean {
  const quad = parseDottedQuad(address);
  if (quad !== undefined) return cidrContainsQuad(cidr, quad);
  const block = parseCidr(cidr);
  const parsed = parseAddress(address);
  return block.family === parsed.family && block.first <= parsed.value && parsed.value <= block.last;
}

/** True when the IPv4 address `quad` (as parseDottedQuad reads it) lies in `cidr`; never in an IPv6 one. */
export function cidrContainsQuad(cidr: string, quad: number): boolean {
  const block = parseCidr(cidr);
  return block.ipv4First !== undefined && block.ipv4First <= quad && quad <= (block.ipv4Last as number);
}

/** True when every address of `inner` lies in `outer`, same address family only. */
export function cidrContainsCidr(outer: string, inner: string): boolean {
  const a = parseCidr(outer);
  const b = parseCidr(inner);
  return a.family === b.family && a.first <= b.first && b.last <= a.last;
}

/** 0.0.0.0/0 or ::/0 (in any spelling): every address of its family. */
export function isWorldOpen(cidr: string): boolean {
  return parseCidr(cidr).prefixLength === 0;
}

/**
 * The address families every address of which lies in the union of `cidrs`: 0.0.0.0/1 with
 * 128.0.0.0/1 is as world-open as 0.0.0.0/0. The blocks are merged as intervals, in order of their
 * first address.
 */
export function familiesCoveredBy(cidrs: readonly string[]): AddressFamily[] {
  const covered: AddressFamily[] = [];
  for (const family of ['ipv4', 'ipv6'] as const) {
    const blocks = cidrs
      .map(parseCidr)
      .filter((block) => block.family === family)
      .sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
    const end = 1n << (family === 'ipv4' ? 32n : 128n);
    let next = 0n; // the first address not yet covered
    for (const block of blocks) {
      if (block.first > next) break;
      if (block.last + 1n > next) next = block.last + 1n;
    }
    if (next >= end) covered.push(family);
  }
  return covered;
}

export function cidrFamilyOf(cidr: string): AddressFamily {
  return parseCidr(cidr).family;
}
