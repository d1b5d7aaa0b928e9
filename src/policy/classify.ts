import { isIP, type BlockList } from 'node:net';
import type { ServiceClass } from './service-class.ts';

/**
 * Maps a login to its service class: any address inside the webmail
 * networks is class webmail; otherwise the service name decides through
 * the map. Returns null for a service name the map does not contain.
 */
export function classifyLogin(
  serviceName: string,
  remoteIP: string | null,
  services: Readonly<Record<string, ServiceClass>>,
  webmailNetworks: BlockList,
): ServiceClass | null {
  if (isWebmailAddress(remoteIP, webmailNetworks)) return 'webmail';
  const name = serviceName.toLowerCase();
  return Object.hasOwn(services, name) ? (services[name] ?? null) : null;
}

/** Tells whether a remote address is inside the webmail networks. */
export function isWebmailAddress(
  address: string | null,
  networks: BlockList,
): boolean {
  if (address === null) return false;
  const family = isIP(address);
  if (family === 0) return false;
  return networks.check(address, family === 4 ? 'ipv4' : 'ipv6');
}
