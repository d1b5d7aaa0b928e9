import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  describeLoginEvent,
  explainLoginEvent,
  explainReason,
} from '../../../src/policy/login-event-text.ts';

describe('describeLoginEvent', () => {
  it('names class, address and reason', () => {
    const text = describeLoginEvent({
      outcome: 'reject',
      reason: 'account-password-not-allowed',
      service: 'imap',
      serviceClass: 'imap',
      remoteIP: '192.0.2.7',
    });

    assert.equal(
      text,
      'refused on IMAP from 192.0.2.7: the account password is refused ' +
        'here because 2FA or app passwords are on; use an app password',
    );
  });

  it('names an unmapped service', () => {
    const text = describeLoginEvent({
      outcome: 'reject',
      reason: 'unknown-service',
      service: 'gopher',
      serviceClass: null,
      remoteIP: null,
    });

    assert.match(text, /^refused on service "gopher": the service name/);
  });

  it('describes an accepted login', () => {
    const text = describeLoginEvent({
      outcome: 'accept',
      reason: 'app-password',
      service: 'submission',
      serviceClass: 'smtp',
      remoteIP: '2001:db8::1',
    });

    assert.equal(
      text,
      'accepted on SMTP from 2001:db8::1 with an app password',
    );
  });
});

describe('explainLoginEvent', () => {
  it('names the address limit', () => {
    const text = explainLoginEvent({
      reason: 'throttled',
      throttledBy: 'address',
    });

    assert.match(text, /^too many failed logins from this address/);
  });

  it('names the account limit', () => {
    const text = explainLoginEvent({
      reason: 'throttled',
      throttledBy: 'account',
    });

    assert.match(text, /^too many failed logins for this account/);
  });
});

describe('explainReason', () => {
  it('keeps an unknown code as it is', () => {
    assert.equal(explainReason('from-a-newer-version'), 'from-a-newer-version');
  });
});
