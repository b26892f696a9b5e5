/**
 * `@rfc7523/core/node`: the Node `http` helpers adapters build on — a PlainRequest from an
 * `IncomingMessage` (RFC 6749 §3.2: a form body, read up to a limit) and an engine response written to a
 * `ServerResponse`. Apart from the root entry so that a user of the engine alone never sees them.
 */
export { plainRequestFromNode, formFields } from './http/node-request.js';
export { writeNodeResponse, documentResponse } from './http/node-response.js';
export { endpointPaths, type EndpointPaths } from './http/endpoint-paths.js';
export type { HttpResponse } from './error-response.js';
export type { PlainRequest } from './request/plain-request.js';
