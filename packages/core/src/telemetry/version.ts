/**
 * Instrumentation scope of the engine's tracer and meter: the package name and version (OpenTelemetry
 * "instrumentation scope"; a test keeps the version equal to package.json's).
 */
export const INSTRUMENTATION_SCOPE = Object.freeze({ name: '@rfc7523/core', version: '0.1.0' });
