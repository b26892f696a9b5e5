export { expressDemo } from './app.js';
