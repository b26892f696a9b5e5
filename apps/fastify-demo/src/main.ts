import { startDemoProcess } from '@rfc7523/demo-kit';
import { fastifyDemo } from './app.js';

await startDemoProcess('fastify-demo', 3003, fastifyDemo);
