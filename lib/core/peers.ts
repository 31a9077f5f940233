/**
 * The peer packages each front end needs, with the ranges package.json declares (a test keeps the two
 * equal). They are optional peers, so npm does not install them by itself.
 */
export const PEER_PACKAGES = {
  'cnpg-constructs/cdk8s': { cdk8s: '^2.70.0', constructs: '^10.0.0' },
  'cnpg-constructs/pulumi': { '@pulumi/pulumi': '^3.248.0', '@pulumi/kubernetes': '^4.34.0' },
  'cnpg-constructs/cdk8s-plus': { cdk8s: '^2.70.0', constructs: '^10.0.0', 'cdk8s-plus-30': '^2.4.0' },
} as const;

/**
 * Throws one error naming every missing peer of `entry` and the command that installs them, instead of
 * the first raw `Cannot find module` a front end would hit. Resolves without loading anything.
 */
export function assertPeersInstalled(entry: keyof typeof PEER_PACKAGES): void {
  const peers = PEER_PACKAGES[entry];
  const missing = Object.keys(peers).filter((name) => {
    try {
      require.resolve(name);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length === 0) return;
  const install = missing.map((name) => `${name}@${peers[name as keyof typeof peers]}`).join(' ');
  const err = new Error(`${entry} needs its peer packages ${missing.join(', ')}, which are not installed. Fix: npm install ${install}`);
  err.name = 'MissingPeerError';
  throw err;
}
