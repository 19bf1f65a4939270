/**
 * Which folder of src/ may import which (docs/architecture.md, "Layers").
 * `npm run lint` runs this after eslint; a violation names the rule, the
 * importing file, the imported one and why the rule exists. Imports point
 * down, as the table in docs/architecture.md ("Layers") shows.
 *
 * bench/, tools/ and test/ may import anything and are not checked here.
 */
const IO_BUILTINS = '^(node:)?(fs|fs/promises|child_process|net|http|https|http2|dgram|dns|tls|os|readline|worker_threads|cluster|process|stream|tty)$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle: two modules that need each other belong together, or what both need belongs in a module below them.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-imports-only-core',
      severity: 'error',
      comment: 'src/core is pure logic and data shapes: it imports other core modules and node:crypto only. Move what it needs into core.',
      from: { path: '^src/core/' },
      to: { pathNot: ['^src/core/', '^(node:)?crypto$'] },
    },
    {
      name: 'errors-import-only-core',
      severity: 'error',
      comment: 'src/errors.ts is imported by every layer: it may import core only.',
      from: { path: '^src/errors\\.ts$' },
      to: { pathNot: '^src/core/' },
    },
    {
      name: 'nothing-imports-cli',
      severity: 'error',
      comment: 'src/cli is the top: only src/cli itself and src/bin.ts import it. Move what others need below cli.',
      from: { path: '^src/', pathNot: ['^src/cli/', '^src/bin\\.ts$'] },
      to: { path: '^src/cli/' },
    },
    {
      name: 'config-is-parsing-only',
      severity: 'error',
      comment: 'src/config parses flags, environment and files into a Config: it imports core, errors and files, never the layers that use a Config.',
      from: { path: '^src/config/' },
      to: { path: '^src/(cli|web|transport|probe|sampler|render|export|doctor|demo)/' },
    },
    {
      name: 'render-and-web-take-snapshots',
      severity: 'error',
      comment: 'src/render and src/web show snapshots and diagnoses they are given: they never reach a host (no transport, probe or sampler).',
      from: { path: '^src/(render|web)/' },
      to: { path: '^src/(cli|transport|probe|sampler|demo|export)/|^src/doctor/(?!step\\.ts$)' },
    },
    {
      name: 'render-has-no-io',
      severity: 'error',
      comment: 'src/render turns data into text: it writes to the stream it is handed and opens nothing itself.',
      from: { path: '^src/render/' },
      to: { path: IO_BUILTINS, pathNot: '^(node:)?stream$' },
    },
    {
      name: 'transport-is-below-probe',
      severity: 'error',
      comment: 'src/transport carries bytes to a host: it imports core, errors and files, never probe (the wire format) or anything above.',
      from: { path: '^src/transport/' },
      to: { path: '^src/(probe|sampler|config|render|web|export|doctor|demo)/' },
    },
    {
      name: 'probe-is-below-sampler',
      severity: 'error',
      comment: 'src/probe speaks the wire format over a transport: it imports core, errors and transport only.',
      from: { path: '^src/probe/' },
      to: { path: '^src/(sampler|config|render|web|export|doctor|demo)/' },
    },
    {
      name: 'sampler-is-below-outputs',
      severity: 'error',
      comment: 'src/sampler drives probers and keeps history: it never imports an output (render, web, export) or a transport.',
      from: { path: '^src/sampler/' },
      to: { path: '^src/(transport|render|web|export|doctor|demo)/' },
    },
    {
      name: 'files-is-a-leaf',
      severity: 'error',
      comment: 'src/files writes local files safely: it imports nothing of pvlook but core.',
      from: { path: '^src/files/' },
      to: { path: '^src/', pathNot: '^src/core/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a layer that needs another's types depends on it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js', '.json'],
    },
  },
};
