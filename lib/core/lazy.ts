// Modules loaded on first use, not when an entry point is required: `yaml` is needed only to read an operator
// manifest that is not in the parsed cache, to run the cdk8s validation plugin, or to write a kind config, and
// it costs a third of what `require('cnpg-constructs/cdk8s')` adds to `require('cdk8s')`.

let yamlModule: typeof import('yaml') | undefined;

/** The `yaml` package, loaded on first call. */
export function yaml(): typeof import('yaml') {
  // A deferred load: `import()` would make every caller async.
  yamlModule ??= require('yaml') as typeof import('yaml');
  return yamlModule;
}
