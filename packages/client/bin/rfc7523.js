#!/usr/bin/env node
// The `rfc7523` command. This file is kept in source (unlike dist/) so that `npm install` links the
// command before the first build; it only loads the built CLI.
try {
  await import('../dist/cli/main.js');
} catch (err) {
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main.js')) {
    process.stderr.write('rfc7523: the CLI is not built yet: run "npm run build" first\n');
    process.exit(2);
  }
  throw err;
}
