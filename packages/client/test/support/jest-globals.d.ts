// The package tsconfig lists only node types; the tests use jest's globals (describe, it, expect).
/// <reference types="jest" />
