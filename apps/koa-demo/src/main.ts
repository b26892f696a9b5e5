import { startDemoProcess } from '@rfc7523/demo-kit';
import { koaDemo } from './app.js';

await startDemoProcess('koa-demo', 3001, koaDemo);
