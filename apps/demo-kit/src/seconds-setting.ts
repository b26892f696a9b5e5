import { ConfigurationError } from '@rfc7523/core';

/**
 * Reads an environment variable holding a duration in seconds (decimals allowed, e.g. `0.5`) and
 * returns it in milliseconds; `fallback` (seconds) when the variable is unset or empty. Throws a
 * ConfigurationError naming the variable when the value is not a number within `min`–`max` seconds.
 */
export function secondsSetting(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  fallback: number,
  { min = 0, max = 3600 }: { min?: number; max?: number } = {},
): number {
  const text = env[name];
  if (text === undefined || text === '') return Math.round(fallback * 1000);
  const seconds = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!(seconds >= min && seconds <= max)) {
    throw new ConfigurationError(name, `must be a number of seconds from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return Math.round(seconds * 1000);
}
