/** Service classes that a login can belong to. */
export const PROTOCOL_CLASSES = [
  'imap',
  'pop3',
  'smtp',
  'sieve',
  'dav',
  'ftp',
] as const;

export type ProtocolClass = (typeof PROTOCOL_CLASSES)[number];

export type ServiceClass = ProtocolClass | 'webmail';

export const SERVICE_CLASSES: readonly ServiceClass[] = [
  ...PROTOCOL_CLASSES,
  'webmail',
];

/**
 * Service names that hosts send, mapped to classes: Dovecot's SERVICE,
 * Postfix's smtpd_sasl_service, PAM service names. The config's [services]
 * table adds to and overrides this map.
 */
export const DEFAULT_SERVICE_MAP: Readonly<Record<string, ServiceClass>> = {
  imap: 'imap',
  pop3: 'pop3',
  smtp: 'smtp',
  submission: 'smtp',
  sieve: 'sieve',
  managesieve: 'sieve',
  dav: 'dav',
  caldav: 'dav',
  carddav: 'dav',
  webdav: 'dav',
  ftp: 'ftp',
  'pure-ftpd': 'ftp',
  webmail: 'webmail',
};

export function isServiceClass(value: string): value is ServiceClass {
  return (SERVICE_CLASSES as readonly string[]).includes(value);
}

export function isProtocolClass(value: string): value is ProtocolClass {
  return (PROTOCOL_CLASSES as readonly string[]).includes(value);
}
