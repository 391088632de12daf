import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashClientAddress, resolveClientAddress } from '../../server/services/common/clients.js';

describe('resolveClientAddress', () => {
  const proxy = ['10.0.0.1', '192.168.0.0/16'];

  it('uses the socket peer when it is not a trusted proxy', () => {
    assert.equal(resolveClientAddress(proxy, '198.51.100.4', '203.0.113.9'), '198.51.100.4');
    assert.equal(resolveClientAddress([], '198.51.100.4', '203.0.113.9'), '198.51.100.4');
  });

  it('takes the right-most untrusted hop behind trusted proxies', () => {
    assert.equal(
      resolveClientAddress(proxy, '10.0.0.1', '1.1.1.1, 203.0.113.9, 192.168.3.4'),
      '203.0.113.9',
    );
  });

  it('understands hops written with ports or brackets', () => {
    assert.equal(resolveClientAddress(proxy, '10.0.0.1', '203.0.113.9:5555'), '203.0.113.9');
    assert.equal(resolveClientAddress(proxy, '10.0.0.1', '[2001:db8::7]:443'), '2001:db8::7');
  });

  it('falls back to the proxy itself when every hop is garbage or trusted', () => {
    assert.equal(resolveClientAddress(proxy, '10.0.0.1', 'unknown, 192.168.1.1'), '10.0.0.1');
  });
});

describe('hashClientAddress', () => {
  it('is keyed: another secret gives another hash, and the address is not in it', () => {
    const a = hashClientAddress('s'.repeat(32), '203.0.113.9');
    const b = hashClientAddress('t'.repeat(32), '203.0.113.9');
    assert.notEqual(a, b);
    assert.ok(a !== null && !a.includes('203'));
  });

  it('gives one IPv6 /64 one hash', () => {
    const secret = 's'.repeat(32);
    assert.equal(
      hashClientAddress(secret, '2001:db8:1:2::1'),
      hashClientAddress(secret, '2001:db8:1:2:ffff::9'),
    );
    assert.notEqual(
      hashClientAddress(secret, '2001:db8:1:2::1'),
      hashClientAddress(secret, '2001:db8:1:3::1'),
    );
  });
});
