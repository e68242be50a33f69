import { isIP } from "node:net";

/** True for 127.0.0.0/8, ::1 and `localhost` (an address to bind, brackets optional). */
export function isLoopback(host: string): boolean {
  const h = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  if (h === "localhost") return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  return h === "::1" || h === "0:0:0:0:0:0:0:1";
}

/** True for the addresses that mean "every interface": they name no host a client would send. */
export function isWildcardAddress(host: string): boolean {
  const h = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  return h === "" || h === "0.0.0.0" || h === "::" || h === "0:0:0:0:0:0:0:0";
}

// A host and an optional port, nothing else: user info (`a@b`), paths and spaces are refused before
// URL parsing could read a different host out of them.
const HOST_HEADER = /^(?:\[[0-9A-Fa-f:.]+\]|[^\s:/?#@[\]\\]+)(?::\d{1,5})?$/;

/**
 * The host name of a `Host` header or an address, normalised as browsers do (lower case, IPv4 in
 * dotted form: `127.1` and `2130706433` are `127.0.0.1`, IPv6 in brackets), port dropped; `null`
 * when it is not a host.
 */
export function normalHostname(value: string): string | null {
  const bare = isIP(value) === 6 ? `[${value}]` : value;
  if (!HOST_HEADER.test(bare)) return null;
  try {
    return new URL(`http://${bare}/`).hostname;
  } catch {
    return null;
  }
}

/** True when an `Origin` header names a page served from this machine (http or https, loopback host). */
export function isLoopbackOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  if (url.username || url.password || (url.pathname !== "/" && url.pathname !== "")) return false;
  return isLoopback(url.hostname);
}
