/**
 * Bad configuration: thrown at start-up, never per request. A `TypeError`, as jose throws for bad
 * options; `field` names the offending option or file field, and `source` the file when there is one.
 */
export class ConfigurationError extends TypeError {
  /** Path of the offending field, e.g. `clients[0].jwks_uri`. */
  readonly field: string;
  /** File the configuration came from, when it came from one. */
  readonly source: string | undefined;

  constructor(field: string, problem: string, source?: string) {
    super(`${source === undefined ? '' : `${source}: `}"${field}" ${problem}`);
    this.name = 'ConfigurationError';
    this.field = field;
    this.source = source;
  }
}
