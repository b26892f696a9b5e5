export { demoSettings, type DemoSettings, type DemoSettingsOptions } from './settings.js';
export { DEMO_CONFIG_PATH, DEMO_PRIVATE_KEYS_PATH } from './demo-files.js';
export { runDemo, type RunningDemo, type DemoApp, type RunDemoOptions } from './run-demo.js';
export { startDemoProcess } from './demo-process.js';
export { withHealth, replayStoreReadiness, HEALTHZ_PATH, READYZ_PATH, type HealthOptions, type Readiness, type ReadinessCheck } from './health.js';
export { serverTimeouts, SERVER_TIMEOUT_DEFAULTS, type ServerTimeouts } from './server-timeouts.js';
export { shutdownTimeout, drainServer, SHUTDOWN_TIMEOUT_DEFAULT } from './shutdown.js';
export { demoLogger, formatLogLine, type DemoLoggerOptions, type Logger } from './logger.js';
export { eventLogger } from './event-log.js';
