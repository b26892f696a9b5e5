import 'reflect-metadata';
import { startDemoProcess } from '@rfc7523/demo-kit';
import { nestDemo } from './app.js';

await startDemoProcess('nest-demo', 3002, nestDemo);
