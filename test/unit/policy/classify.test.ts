import assert from 'node:assert/strict';
import { BlockList } from 'node:net';
import { describe, it } from 'node:test';

import { classifyLogin } from '../../../src/policy/classify.ts';
import {
  DEFAULT_SERVICE_MAP,
  type ServiceClass,
} from '../../../src/policy/service-class.ts';

function buildWebmailNetworks(): BlockList {
  const networks = new BlockList();
  networks.addSubnet('192.0.2.0', 28, 'ipv4');
  networks.addAddress('198.51.100.7', 'ipv4');
  networks.addSubnet('2001:db8:1::', 64, 'ipv6');
  return networks;
}

describe('classifyLogin', () => {
  const networks = buildWebmailNetworks();
  const rows: [string, string, string | null, ServiceClass | null][] = [
    ['imap from elsewhere', 'imap', '203.0.113.5', 'imap'],
    ['pop3 without address', 'pop3', null, 'pop3'],
    ['submission is smtp', 'submission', '203.0.113.5', 'smtp'],
    ['managesieve is sieve', 'managesieve', null, 'sieve'],
    ['pure-ftpd is ftp', 'pure-ftpd', null, 'ftp'],
    ['service name in capitals', 'IMAP', null, 'imap'],
    ['unknown service', 'lmtp', '203.0.113.5', null],
    ['empty service', '', null, null],
    ['inherited name is unknown', 'toString', null, null],
    ['v4 inside subnet', 'imap', '192.0.2.14', 'webmail'],
    ['v4 just outside subnet', 'imap', '192.0.2.16', 'imap'],
    ['v4 single address', 'pop3', '198.51.100.7', 'webmail'],
    ['v4 next address', 'pop3', '198.51.100.8', 'pop3'],
    ['v6 inside subnet', 'imap', '2001:db8:1::25', 'webmail'],
    ['v6 outside subnet', 'imap', '2001:db8:2::25', 'imap'],
    ['v4-mapped v6 inside', 'imap', '::ffff:192.0.2.3', 'webmail'],
    ['v4-mapped v6 outside', 'imap', '::ffff:203.0.113.5', 'imap'],
    ['webmail address wins', 'lmtp', '192.0.2.1', 'webmail'],
    ['address not an IP', 'imap', 'localhost', 'imap'],
  ];
  for (const [name, service, address, expected] of rows) {
    it(name, () => {
      const actual = classifyLogin(
        service,
        address,
        DEFAULT_SERVICE_MAP,
        networks,
      );
      assert.equal(actual, expected, name);
    });
  }

  it('uses a configured service map', () => {
    const services = { ...DEFAULT_SERVICE_MAP, roundcube: 'webmail' } as const;
    const empty = new BlockList();

    assert.equal(classifyLogin('roundcube', null, services, empty), 'webmail');
    assert.equal(classifyLogin('imap', null, services, empty), 'imap');
  });
});
