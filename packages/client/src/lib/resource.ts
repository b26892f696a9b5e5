import { badOption } from './checks.js';

/**
 * RFC 8707 §2 `resource` values from a string or a list: each an absolute URI without a fragment,
 * deduplicated and sorted (order does not matter to the server). Internal.
 */
export function resourceList(value: unknown, name: string): string[] {
  if (value === undefined) return [];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list)) return badOption(name, 'must be an absolute URI or an array of them (RFC 8707 §2)');
  for (const item of list as unknown[]) {
    let url: URL | undefined;
    try {
      url = typeof item === 'string' ? new URL(item) : undefined;
    } catch {
      url = undefined;
    }
    if (url === undefined) badOption(name, 'must be an absolute URI or an array of them (RFC 8707 §2)');
    if (url.hash !== '' || (item as string).includes('#')) badOption(name, 'must not include a fragment (RFC 8707 §2)');
  }
  return [...new Set(list as string[])].sort();
}
