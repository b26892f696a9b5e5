export { nestDemo } from './app.js';
