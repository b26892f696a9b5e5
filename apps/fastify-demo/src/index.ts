export { fastifyDemo } from './app.js';
