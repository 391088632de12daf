/**
 * @module services/common/clients
 * Who is asking, as far as rate limits care: the socket's address, or the address a
 * trusted proxy forwarded. Stored only as a keyed hash; the address itself stays in memory.
 */
import { createHmac } from 'node:crypto';
import { BlockList, isIP } from 'node:net';

function toBlockList(specs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const spec of specs) {
    const [address = '', bits] = spec.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  return list;
}

function unmapped(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped?.[1] ?? address;
}

/** A forwarded hop as some proxies write it: `1.2.3.4:5555`, `[2001:db8::1]:443`, or bare. */
function hopAddress(hop: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hop);
  if (bracketed?.[1] !== undefined) return unmapped(bracketed[1]);
  const v4WithPort = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(hop);
  return unmapped(v4WithPort?.[1] ?? hop);
}

function isTrusted(list: BlockList, address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return list.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * The client's address. `X-Forwarded-For` counts only when the socket peer is a trusted
 * proxy; then the right-most hop that is not itself a trusted proxy is the client
 * (left-most entries are whatever the client chose to send).
 */
export function resolveClientAddress(
  trustProxy: readonly string[],
  socketAddress: string | undefined,
  forwardedFor: string | undefined,
): string | undefined {
  const peer = socketAddress === undefined ? undefined : unmapped(socketAddress);
  if (peer === undefined || trustProxy.length === 0 || forwardedFor === undefined) return peer;
  const trusted = toBlockList(trustProxy);
  if (!isTrusted(trusted, peer)) return peer;
  const hops = forwardedFor.split(',').map((h) => hopAddress(h.trim()));
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] ?? '';
    // A hop that is not an address ("unknown", garbage) ends the trail: whatever stands
    // left of it was written by the client, not by a proxy we trust.
    if (isIP(hop) === 0) return peer;
    if (!isTrusted(trusted, hop)) return hop;
  }
  return peer;
}

/** IPv6 clients get a /64 each, so one host cannot rotate through its own addresses. */
function rateKeyAddress(address: string): string {
  if (isIP(address) !== 6) return address;
  const expanded = expandIPv6(address);
  return `${expanded.slice(0, 4).join(':')}::/64`;
}

function expandIPv6(address: string): string[] {
  const [head = '', tail] = address.split('%')[0]?.split('::') ?? [''];
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0');
  return [...left, ...(tail === undefined ? [] : zeros), ...right].map((g) =>
    g.toLowerCase().replace(/^0+(?=.)/, ''),
  );
}

/** A keyed hash of the client's address (its /64 for IPv6); null when unknown. */
export function hashClientAddress(secret: string, address: string | undefined): string | null {
  if (address === undefined) return null;
  return createHmac('sha256', secret)
    .update(`ip:${rateKeyAddress(address)}`)
    .digest('base64url')
    .slice(0, 32);
}
