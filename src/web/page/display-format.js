// pvlook's number rules for the page, core's module itself. The browser never
// loads this file: the server answers ./display-format.js with core's file
// (page-assets.ts), so the page's every URL stays relative and works under a
// proxy's path prefix. Node and tsx (the page's unit tests) load it from disk.
export * from '../../core/display-format.js';
