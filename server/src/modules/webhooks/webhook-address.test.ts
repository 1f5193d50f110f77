import { addressPolicy, parseNetwork } from './webhook-address';
import { retryDelaySeconds } from './webhook-delivery';

describe('the webhook address policy', () => {
  const strict = addressPolicy([]);

  it.each([
    '127.0.0.1', '127.255.0.9', '10.0.0.1', '172.16.5.4', '172.31.255.255', '192.168.0.1', '169.254.169.254', '100.64.0.1', '100.127.255.254',
    '0.0.0.0', '0.1.2.3', '224.0.0.1', '255.255.255.255', '198.18.0.1', '::', '::1', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'fe80::1%eth0',
    '::ffff:127.0.0.1', '::ffff:10.0.0.1', '::ffff:7f00:1', '::ffff:a00:1', '64:ff9b::a00:1', '2002:a00:1::1', 'ff02::1', '[::1]',
  ])('refuses %s', (address) => {
    expect(strict.refusal(address)).toMatch(/private, loopback, link-local or reserved/);
  });

  it.each(['93.184.215.14', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e'])('lets %s through', (address) => {
    expect(strict.refusal(address)).toBeNull();
  });

  it('lets an allow-listed network through, IPv4-mapped forms included, and nothing next to it', () => {
    const policy = addressPolicy(['127.0.0.1/32', '10.1.0.0/16', 'fd00::/8']);
    expect(policy.refusal('127.0.0.1')).toBeNull();
    expect(policy.refusal('::ffff:127.0.0.1')).toBeNull();
    expect(policy.refusal('10.1.200.3')).toBeNull();
    expect(policy.refusal('fd00::5')).toBeNull();
    expect(policy.refusal('127.0.0.2')).not.toBeNull();
    expect(policy.refusal('10.2.0.1')).not.toBeNull();
    expect(policy.refusal('fc00::5')).not.toBeNull();
  });

  it('refuses what is not an address', () => {
    expect(strict.refusal('example.com')).toMatch(/not an IP address/);
  });

  it('parses networks strictly', () => {
    expect(parseNetwork('10.0.0.0/8')).toEqual({ network: '10.0.0.0', prefix: 8, family: 'ipv4' });
    expect(parseNetwork('127.0.0.1')).toEqual({ network: '127.0.0.1', prefix: 32, family: 'ipv4' });
    expect(parseNetwork('fd00::/8')).toEqual({ network: 'fd00::', prefix: 8, family: 'ipv6' });
    for (const bad of ['10.0.0.0/33', '10.0.0.0/', '10.0.0.0/8/1', 'localhost', '10.0.0.0/x', '::/129', '10.0.0.0/-1']) expect([bad, parseNetwork(bad)]).toEqual([bad, null]);
    expect(() => addressPolicy(['10.0.0.0/40'])).toThrow('Not a network');
  });
});

describe('the retry schedule', () => {
  it('waits 1, 10, 100 and 1000 minutes, plus at most 10 % jitter, so five attempts fit in 24 hours', () => {
    expect([1, 2, 3, 4].map((n) => retryDelaySeconds(n, () => 0))).toEqual([60, 600, 6000, 60000]);
    expect([1, 2, 3, 4].map((n) => retryDelaySeconds(n, () => 1))).toEqual([66, 660, 6600, 66000]);
    expect([1, 2, 3, 4].reduce((sum, n) => sum + retryDelaySeconds(n, () => 1), 0)).toBeLessThan(24 * 3600);
  });
});
