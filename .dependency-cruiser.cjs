// Enforces the layering of DESIGN.md: each top-level folder of src/ may import only the folders
// listed for it, other folders only through their index.ts, and nothing may form a cycle.
const allowed = {
  core: [],
  math: ['core'],
  data: ['core', 'math'],
  ports: ['core', 'math', 'data'],
  config: ['core'],
  algorithms: ['core', 'math', 'data'],
  adapters: ['core', 'math', 'data', 'ports'],
  pipeline: ['core', 'math', 'data', 'ports', 'algorithms', 'config'],
  eval: ['core', 'math', 'data', 'ports', 'algorithms', 'pipeline'],
  services: ['core', 'math', 'data', 'ports', 'algorithms', 'pipeline', 'eval', 'config'],
  server: ['core', 'math', 'data', 'ports', 'algorithms', 'pipeline', 'eval', 'config', 'services'],
  worker: ['core', 'math', 'data', 'ports', 'algorithms', 'pipeline', 'eval', 'config', 'services'],
  cli: ['core', 'math', 'data', 'ports', 'algorithms', 'pipeline', 'eval', 'config', 'services'],
  bootstrap: null, // the composition root may name anything
  client: ['server'], // types only: see client-types-only
};

const layerRules = Object.entries(allowed)
  .filter(([, targets]) => targets !== null)
  .map(([layer, targets]) => ({
    name: `layer-${layer}`,
    comment: `src/${layer} may import only: ${targets.length ? targets.join(', ') : 'nothing outside itself'}`,
    severity: 'error',
    from: { path: `^src/${layer}/` },
    to: {
      path: '^src/',
      pathNot: [`^src/${layer}/`, ...targets.map((t) => `^src/${t}/`)],
    },
  }));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'import-through-index',
      comment: 'another folder is imported through its index.ts',
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/[^/]+/.*[^/]+\\.ts$', pathNot: ['^src/$1/', '/index\\.ts$'] },
    },
    {
      name: 'client-types-only',
      comment: 'src/client runs in browsers: it may import only types from outside itself (the server\'s schemas), nothing at run time',
      severity: 'error',
      from: { path: '^src/client/' },
      to: { pathNot: '^src/client/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'dashboard-through-client',
      comment: 'the dashboard talks to the engine only through the typed client (src/client)',
      severity: 'error',
      from: { path: '^dashboard/' },
      to: { path: '^src/', pathNot: '^src/client/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['\\.test\\.ts$', '/testing/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js'] },
  },
};
