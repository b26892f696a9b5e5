export { koaDemo } from './app.js';
