// Preloaded (node --require) into a bundle under test: any package the bundle would load from node_modules at
// runtime is "not installed", as in an image that ships dist/split/<module>/main.js alone. Optional packages
// that a bundle tries inside a try/catch stay optional; a real dependency outside the bundle fails the test.
const Module = require('node:module');

const resolve = Module._resolveFilename;
Module._resolveFilename = function resolveBuiltinsAndFilesOnly(request, ...rest) {
  if (Module.isBuiltin(request) || request.startsWith('/') || request.startsWith('.')) return resolve.call(this, request, ...rest);
  const error = new Error(`Cannot find module '${request}' (the bundle runs without node_modules)`);
  error.code = 'MODULE_NOT_FOUND';
  throw error;
};
