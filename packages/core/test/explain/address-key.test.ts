import { createExplainHandler } from '@rfc7523/core';
import { addressKey } from '../../src/explain/rate-limiter.js';
import { frozenClock, makeServer } from '../support/fixtures.js';

describe('addressKey: the rate limit keys IPv6 by /64 and IPv4-mapped addresses as IPv4', () => {
  it.each<[string, string]>([
    ['198.51.100.7', '198.51.100.7'],
    ['::ffff:198.51.100.7', '198.51.100.7'],
    ['::FFFF:c633:6407', '198.51.100.7'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002:0:0:0:9', '2001:db8:1:2::/64'],
    ['2001:db8::', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::192.0.2.33', '64:ff9b:0:0::/64'],
    ['', ''],
    ['unknown', 'unknown'],
  ])('%j → %j', (address, key) => {
    expect(addressKey(address)).toBe(key);
  });
});

describe('one IPv6 /64 shares one bucket', () => {
  it('600 addresses of one /64 get one burst, and another client still gets through', async () => {
    const clock = frozenClock();
    const server = await makeServer({ now: clock.now, clients: [] });
    const explain = createExplainHandler(server, { now: clock.now, burst: 10, perMinute: 600 })!;
    const post = (clientAddress: string) => explain.handle({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'assertion=a.b.c', clientAddress });
    let allowed = 0;
    for (let i = 0; i < 600; i++) if ((await post(`2001:db8:1:2:${(i >> 8).toString(16)}:${(i & 255).toString(16)}::1`)).status === 200) allowed++;
    expect(allowed).toBe(10);
    expect((await post('198.51.100.7')).status).toBe(200);
    expect((await post('2001:db8:1:3::1')).status).toBe(200);
  });
});
