// `npm run docs`: the API reference of the package entries (package.json "exports"), written to build/docs/api.
// Each entry's file comment names its module (`@module cnpg-constructs/cdk8s`). The doc comments themselves are
// checked by scripts/api-docs.js in `npm run lint`; here typedoc reports links and types the pages cannot resolve.
const path = require('node:path');
const { OptionDefaults } = require('typedoc');
const { packageEntries } = require('./api-docs');

const root = path.resolve(__dirname, '..');

/** @type {Partial<import('typedoc').TypeDocOptions>} */
module.exports = {
  name: 'cnpg-constructs',
  entryPoints: packageEntries().map((e) => e.file),
  tsconfig: path.join(root, 'tsconfig.json'),
  out: path.join(root, 'build', 'docs', 'api'),
  readme: 'none',
  excludePrivate: true,
  excludeProtected: true,
  excludeInternal: true,
  // The generated CNPG spec types (imports/) carry `@schema` tags from cdk8s import.
  blockTags: [...OptionDefaults.blockTags, '@schema'],
  externalSymbolLinkMappings: {
    '@pulumi/pulumi': { '*': 'https://www.pulumi.com/docs/reference/pkg/nodejs/pulumi/pulumi/' },
    '@pulumi/kubernetes': { '*': 'https://www.pulumi.com/registry/packages/kubernetes/api-docs/' },
    cdk8s: { '*': 'https://cdk8s.io/docs/latest/reference/cdk8s/typescript/' },
    'cdk8s-plus-30': { '*': 'https://cdk8s.io/docs/latest/plus/' },
    constructs: { '*': 'https://github.com/aws/constructs' },
  },
  validation: { notExported: true, invalidLink: true, rewrittenLink: true, notDocumented: false, unusedMergeModuleWith: true },
};
