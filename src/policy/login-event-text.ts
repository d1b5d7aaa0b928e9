import { REASONS, type Reason } from './reasons.ts';

const CLASS_NAMES: Readonly<Record<string, string>> = {
  imap: 'IMAP',
  pop3: 'POP3',
  smtp: 'SMTP',
  sieve: 'ManageSieve',
  dav: 'CalDAV/CardDAV',
  ftp: 'FTP',
  webmail: 'webmail',
};

/** The fields of a stored login event that its description uses. */
export interface DescribedEvent {
  outcome: 'accept' | 'reject';
  reason: string;
  service: string;
  serviceClass: string | null;
  remoteIP: string | null;
  throttledBy?: 'account' | 'address' | null;
}

const THROTTLE_TEXT = {
  address:
    'too many failed logins from this address (IPv6: its /64); refused ' +
    'without checking the secret until the window cools',
  account:
    'too many failed logins for this account from any address; refused ' +
    'without checking the secret until the window cools',
} as const;

/**
 * Describes one login event in a sentence a person understands, e.g.
 * "refused on IMAP from 192.0.2.7: wrong password". An explanation that
 * starts with the verb continues the sentence instead of repeating it:
 * "accepted on IMAP with the account password".
 */
export function describeLoginEvent(event: DescribedEvent): string {
  const verb = event.outcome === 'accept' ? 'accepted' : 'refused';
  const where =
    event.serviceClass === null
      ? `service "${event.service}"`
      : (CLASS_NAMES[event.serviceClass] ?? event.serviceClass);
  const from = event.remoteIP === null ? '' : ` from ${event.remoteIP}`;
  const explanation = explainLoginEvent(event);
  if (explanation.startsWith(`${verb} `)) {
    return `${verb} on ${where}${from} ${explanation.slice(verb.length + 1)}`;
  }
  return `${verb} on ${where}${from}: ${explanation}`;
}

/** Explains why an event ended as it did, naming the limit if throttled. */
export function explainLoginEvent(
  event: Pick<DescribedEvent, 'reason' | 'throttledBy'>,
): string {
  if (event.reason === 'throttled' && event.throttledBy) {
    return THROTTLE_TEXT[event.throttledBy];
  }
  return explainReason(event.reason);
}

/** Returns the sentence of a reason code, or the code when it is unknown. */
export function explainReason(reason: string): string {
  return Object.hasOwn(REASONS, reason) ? REASONS[reason as Reason] : reason;
}
