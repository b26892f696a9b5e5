// The package tsconfig lists only node types; the tests use jest's globals (describe, test, expect).
/// <reference types="jest" />
