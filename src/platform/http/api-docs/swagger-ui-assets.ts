/**
 * The files of swagger-ui-dist the /docs page loads, with their content types: nothing else of the package is
 * served. scripts/bundle.mjs copies them beside a bundle that serves /docs (one that holds this file).
 */
export const SWAGGER_UI_ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};
