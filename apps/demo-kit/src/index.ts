export { demoSettings, type DemoSettings, type DemoSettingsOptions } from './settings.js';
export { DEMO_CONFIG_PATH, DEMO_PRIVATE_KEYS_PATH } from './demo-files.js';
export { runDemo, type RunningDemo, type DemoApp } from './run-demo.js';
export { startDemoProcess } from './demo-process.js';
