import { startDemoProcess } from '@rfc7523/demo-kit';
import { expressDemo } from './app.js';

await startDemoProcess('express-demo', 3000, expressDemo);
