/** swagger-ui-dist ships no types; only this file of it is loaded on the server (the rest is served to browsers). */
declare module 'swagger-ui-dist/absolute-path.js' {
  /** The directory swagger-ui-dist's files are in: node_modules, or a bundle's own directory (scripts/bundle.mjs copies them there). */
  function getAbsoluteFSPath(): string;
  export = getAbsoluteFSPath;
}
