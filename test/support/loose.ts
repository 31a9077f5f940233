/**
 * Tests read deep, untyped fields of manifests (upstream objects, synthesized YAML).
 */
// biome-ignore lint/suspicious/noExplicitAny: deliberate escape hatch for reading manifest JSON in tests
export type Loose = any;
