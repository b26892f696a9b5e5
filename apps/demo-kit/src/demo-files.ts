import { fileURLToPath } from 'node:url';

/** The bundled demo trust configuration (docs/configuration.md format). Demo keys only. */
export const DEMO_CONFIG_PATH = fileURLToPath(new URL('../demo/trust-config.json', import.meta.url));

/** Private JWKs matching the bundled demo configuration, for the walk-through and tests. Never trust them. */
export const DEMO_PRIVATE_KEYS_PATH = fileURLToPath(new URL('../demo/demo-private-keys.json', import.meta.url));
