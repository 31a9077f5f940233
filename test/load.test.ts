import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

function loaded(entry: 'core' | 'cdk8s' | 'cdk8s-plus' | 'pulumi' | 'images'): string[] {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'support', 'load-probe.js'), entry], { encoding: 'utf8' });
  return JSON.parse(out).packages;
}

describe('entry points load only their own framework', () => {
  test('cnpg-constructs (core) loads neither cdk8s nor @pulumi/*', () => {
    const pkgs = loaded('core');
    expect(pkgs.filter((p) => p.startsWith('@pulumi/') || p === 'cdk8s' || p === 'constructs')).toEqual([]);
    // yaml is loaded on first use (reading a manifest, writing a kind config), not by the entry point.
    expect(pkgs).not.toContain('yaml');
    // The registry client, tar and zstd are for cnpg-constructs/images only.
    expect(pkgs.filter((p) => p === 'tar' || p === 'fzstd')).toEqual([]);
  });

  test('cnpg-constructs/images loads tar and fzstd, and neither cdk8s nor @pulumi/*', () => {
    const pkgs = loaded('images');
    expect(pkgs).toEqual(expect.arrayContaining(['tar', 'fzstd', 'pg']));
    expect(pkgs.filter((p) => p.startsWith('@pulumi/') || p === 'cdk8s' || p === 'constructs')).toEqual([]);
  });

  test('cnpg-constructs/cdk8s loads cdk8s but no @pulumi/* module, and not its optional peer cdk8s-plus-30', () => {
    const pkgs = loaded('cdk8s');
    expect(pkgs).toContain('cdk8s');
    expect(pkgs.filter((p) => p.startsWith('@pulumi/') || p === 'tar' || p === 'fzstd' || p === 'cdk8s-plus-30')).toEqual([]);
  });

  test('cnpg-constructs/cdk8s-plus loads cdk8s-plus-30 and cdk8s, and no @pulumi/* module', () => {
    const pkgs = loaded('cdk8s-plus');
    expect(pkgs).toEqual(expect.arrayContaining(['cdk8s', 'cdk8s-plus-30']));
    expect(pkgs.filter((p) => p.startsWith('@pulumi/') || p === 'tar' || p === 'fzstd')).toEqual([]);
  });

  test('cnpg-constructs/pulumi loads @pulumi/* but not cdk8s', () => {
    const pkgs = loaded('pulumi');
    expect(pkgs).toEqual(expect.arrayContaining(['@pulumi/pulumi', '@pulumi/kubernetes']));
    expect(pkgs.filter((p) => p === 'cdk8s' || p === 'constructs')).toEqual([]);
  });
});

test('the peer ranges the front ends name in their missing-peer error are the ones package.json declares', () => {
  const { PEER_PACKAGES } = require('../lib/core/peers') as typeof import('../lib/core/peers');
  const declared = require('../package.json').peerDependencies;
  expect(Object.assign({}, ...Object.values(PEER_PACKAGES))).toEqual(declared);
});
