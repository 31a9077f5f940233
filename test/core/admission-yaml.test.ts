// The YAML decoder reads documents exactly as kubectl does, with the real thing as the oracle: sigs.k8s.io/yaml's
// YAMLToJSON over go-yaml v2, compiled from Debian's Go sources (test/support/go-yaml.ts). Hand-written cases of
// every YAML 1.1 rule kubectl applies, and generated documents in every style the `yaml` package writes; the fast
// reader and the general one must agree with each other and with Go.
import * as fc from 'fast-check';
import { stringify } from 'yaml';
import { decodeManifests, yamlDocumentToJson } from '../../lib/core/yaml';
import { Unsupported } from '../../lib/core/yaml/node';
import { parseFast } from '../../lib/core/yaml/parse';
import { goYamlToJson } from '../support/go-yaml';

/** Hand-written documents: YAML 1.1 scalars, keys, tags, anchors, merges, scalar styles, layouts, errors. */
const CORPUS: string[] = [
  // YAML 1.1 scalars as go-yaml v2 resolves them (resolve.go)
  'a: yes\nb: no\nc: on\nd: off\ne: y\nf: n\ng: Y\nh: N\ni: YES\nj: Off\nk: tRue\n',
  'a: 0755\nb: 08\nc: 0x1F\nd: 0o17\ne: 0b101\nf: -0b11\ng: 1_000\nh: +1\ni: -0\nj: 012345678\n',
  'a: 1e3\nb: 1.5e3\nc: .5\nd: 1.\ne: +.5\nf: -1.5\ng: 1e400\nh: 1_0.5\ni: .5_5\nj: 6.02e+23\n',
  'a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: ""\ng: nil\n',
  'a: .inf\n',
  'a: -.Inf\n',
  'a: .NaN\n',
  'a: 2001-01-01\nb: 2001-12-14t21:59:43.10-05:00\nc: 2001-12-14 21:59:43.10\nd: 2001-13-01\ne: 1:20\nf: 190:20:30\n',
  'a: 9223372036854775807\nb: 9223372036854775808\nc: 18446744073709551615\nd: 18446744073709551616\ne: -9223372036854775809\n',
  'a: 0x\nb: 0b\nc: 1__0\nd: _1\ne: 1_\nf: 0.1.2\ng: 1e\nh: --1\n',
  'version: 1.10\nport: 08080\nid: 00\nzip: 01234\n',
  // keys
  '1: a\n2.5: b\ntrue: c\nyes: d\n0x10: e\n1e3: f\n3.14159265358979: g\n1000000.0: h\n0.0001: i\n',
  '~: a\n',
  '18446744073709551615: a\n',
  '[a, b]: c\n',
  '{a: b}: c\n',
  'on: push\nn: 1\n',
  // duplicates and merges
  'a: 1\na: 2\n',
  'base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n',
  'base: &b {x: 1}\nother: &o {x: 2, z: 3}\nm:\n  <<: [*b, *o]\n',
  'm:\n  x: 0\n  <<: {x: 1}\n',
  'm:\n  <<: 1\n',
  'm:\n  <<: [1]\n',
  'm: !!merge\n',
  'a: <<\n',
  // anchors and aliases
  'a: &x hello\nb: *x\nc: [*x, *x]\n',
  'a: &x [1, 2]\nb: *x\n',
  'a: &x\n  k: v\nb: *x\n',
  'a: *missing\n',
  'a: &x [*x]\n',
  'a: &x 1\na2: &x 2\nb: *x\n',
  // tags
  'a: !!str 123\nb: !!int "12"\nc: !!float 1\nd: !!bool yes\ne: !!null ~\nf: !!str\n',
  'a: !!int abc\n',
  'a: !!bool 1\n',
  'a: !!float abc\n',
  'a: !foo bar\nb: !<tag:example.com,2000:x> y\nc: ! 12\n',
  'a: !!binary aGVsbG8=\n',
  'a: !!binary not-base64\n',
  'a: !!timestamp 2001-01-01\n',
  'a: !!timestamp x\n',
  'a: !!map {x: 1}\nb: !!seq [1]\nc: !!omap [a]\nd: !!set {a}\n',
  // scalar styles
  'a: |\n  l1\n  l2\n\n  l3\n\n\nb: |-\n  s\n\nc: |+\n  k\n\n\nd: >\n  f1\n  f2\n\n  f3\n   more\n  back\ne: >-\n  x\n  y\n',
  'a: |2\n    two extra\n  base\nb: >1\n  one\n',
  'a:\n  - |\n    in seq\n  - >\n    folded\n    seq\n',
  'a: "one\n  two\n\n  three"\nb: \'one\n  two\n\n\n  three\'\n',
  'a: "esc \\t \\" \\\\ \\/ \\x41 \\u00e9 \\U0001F600 \\0 \\a \\e \\N \\_ \\L \\P"\nb: "line\\\n  joined"\nc: "trail  \n  next"\n',
  'a: "bad \\q escape"\n',
  "a: 'it''s'\nb: 'x # not a comment'\nc: \"#also\"\n",
  'a: plain # comment\nb: plain#hash\nc: http://example.com/x#y\nd: a:b\ne: "a: b"\n',
  'k: plain\n  continued\n\n  para\n',
  'k: a\n  b: c\n',
  'a: b: c\n',
  // layouts
  'list:\n- a\n- b\nnext: 1\n',
  'list:\n  - a\n  -   b\n  -\n  - c\n',
  '- name: a\n  image: b\n- name: c\n  env:\n  - name: X\n    value: "1"\n',
  '- - 1\n  - 2\n- - 3\n',
  'a:\n  b:\n    c:\n      d: deep\n  e: f\n',
  'a: [1, 2, [3, 4], {b: c}]\nb: {x: 1, y: [2, 3], "z": null}\nc: []\nd: {}\ne: [a,b,]\n',
  'a: {x: 1,\n  y: 2}\nb: [\n  1,\n  2\n]\n',
  '{"apiVersion": "v1", "kind": "ConfigMap", "data": {"a": "b"}}\n',
  '{a: 1} junk\n',
  '{a: 1}\n]\n@\n',
  '"s"\nb: 2\n',
  '{a: 1}\n@\n',
  'a: 1\n]\n',
  'a: {b:1}\nc: {"d":1}\ne: [f:1]\n',
  'a: [b, c\n',
  '? complex\n: key\n',
  'a:\tb\n',
  '\ta: b\n',
  'a: b\n  c\n d: e\n',
  'key with spaces: v\n"quoted key": v\n\'single\': v\n',
  '# only a comment\n',
  '',
  'just a string\n',
  '- 1\n- 2\n',
  'a: 1\n...\nb: 2\n',
  '%YAML 1.1\n---\na: 1\n',
  'a: "\u00e9t\u00e9"\nb: \u6771\u4eac\n',
  `${'k'.repeat(1100)}: v\n`,
  'a: &x {b: &y {c: *x}}\n',
];

/** Scalars that mean something else to YAML 1.1 (or to YAML at all) when written plain. */
const TRICKY = [
  'yes',
  'no',
  'on',
  'off',
  'y',
  'n',
  'Y',
  '~',
  'null',
  '0755',
  '08',
  '0x1F',
  '1_000',
  '1e3',
  '.5',
  '+1',
  '-0',
  '2001-01-01',
  '12:30',
  'a b',
  'é',
  '<<',
  '',
  '1.10',
  '0b11',
  'true',
  'NaN',
];

const scalar = fc.oneof(
  fc.constantFrom(...TRICKY),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('multi\nline', 'trailing\n', ' lead', 'trail ', 'tab\there', 'a: b', 'a #b', '- x', '#x', '"q"', "'s'", '\\'),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('list'), tie('map')),
  list: fc.array(tie('node'), { maxLength: 4 }),
  map: fc.dictionary(fc.oneof(fc.constantFrom(...TRICKY), fc.string({ minLength: 1, maxLength: 8 })), tie('node'), { maxKeys: 4 }),
})).node;
const options = fc.record({
  indent: fc.constantFrom(2, 4),
  indentSeq: fc.boolean(),
  lineWidth: fc.constantFrom(0, 20, 80),
  minContentWidth: fc.constantFrom(0, 20),
  defaultStringType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'),
  defaultKeyType: fc.constantFrom(null, 'PLAIN', 'QUOTE_DOUBLE'),
  collectionStyle: fc.constantFrom('any', 'block', 'flow'),
  flowCollectionPadding: fc.boolean(),
});

/** Documents in the styles `yaml` writes, read back by YAML 1.1 rules: each one a test of the decoder. */
function generated(n: number, seed: number): string[] {
  return fc.sample(
    fc
      .tuple(fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), value, { minKeys: 1, maxKeys: 5 }), options)
      .map(([v, o]) => stringify(v, { ...(o as object), version: '1.1' } as never)),
    { numRuns: n, seed },
  );
}

/** Raw text where every scalar is written plain, so that YAML 1.1 resolution decides what it is. */
function plainLines(n: number, seed: number): string[] {
  const key = fc.constantFrom(...TRICKY.filter((t) => t !== '' && !t.includes(':')));
  const val = fc.constantFrom(...TRICKY.filter((t) => !t.includes(': ')));
  const entry = fc
    .tuple(key, val, fc.nat(2))
    .map(([k, v, shape]) =>
      shape === 0 ? `${k}: ${v}` : shape === 1 ? `${k}:\n- ${v}\n- ${k}: ${v}` : `${k}:\n  ${k}: ${v}\n  x: [${v}, ${k}]`,
    );
  return fc.sample(
    fc.array(entry, { minLength: 1, maxLength: 6 }).map((lines) => lines.map((l, i) => l.replace(/^([^:\n]+)/, `$1${i}`)).join('\n')),
    { numRuns: n, seed },
  );
}

/** Documents with anchors and aliases (shared values), merge keys, comments and blank lines. */
function decorated(n: number, seed: number): string[] {
  return fc.sample(
    fc.tuple(value, value, fc.nat(3), fc.array(fc.nat(40), { maxLength: 4 })).map(([a, b, shape, marks]) => {
      let text =
        shape === 0
          ? stringify({ first: a, again: a, list: [a, b, a] }, { version: '1.1' } as never)
          : shape === 1
            ? `base: &base\n${stringify({ k: a, m: b }).replace(/^/gm, '  ')}over:\n  <<: *base\n  k: ${JSON.stringify(b)}\n`
            : stringify({ v: a, w: b }, { version: '1.1', collectionStyle: shape === 2 ? 'flow' : 'block' } as never);
      const lines = text.split('\n');
      for (const m of marks) {
        const i = m % lines.length;
        if (m % 3 === 0) lines.splice(i, 0, '');
        else if (m % 3 === 1) lines.splice(i, 0, `${' '.repeat(m % 5)}# a comment`);
        else if (lines[i] && !lines[i].includes('#') && !/[|>][-+0-9]*$/.test(lines[i]) && !lines[i].endsWith('\\'))
          lines[i] += ' # trailing';
      }
      text = lines.join('\n');
      return text;
    }),
    { numRuns: n, seed },
  );
}

function mine(doc: string): { value?: unknown; error?: string } {
  const r = yamlDocumentToJson(doc);
  return 'error' in r ? { error: r.error } : { value: r.value };
}

describe('YAML as kubectl reads it (sigs.k8s.io/yaml over go-yaml v2 as the oracle)', () => {
  const docs = [
    ...CORPUS,
    ...generated(Number(process.env.NGEN ?? 400), Number(process.env.SEED ?? 424242)),
    ...plainLines(Number(process.env.NPL ?? 200), Number(process.env.SEED ?? 99)),
    ...decorated(Number(process.env.NDEC ?? 200), Number(process.env.SEED ?? 7)),
  ];
  const oracle = goYamlToJson(docs);
  if (process.env.DUMP)
    for (const i of process.env.DUMP.split(',').map(Number))
      console.log(JSON.stringify(docs[i]), JSON.stringify(oracle[i]), JSON.stringify(mine(docs[i])));

  test.each(docs.map((d, i) => [i, d] as const))('document %i decodes as Go decodes it', (i, doc) => {
    const got = mine(doc);
    const want = oracle[i];
    if ('error' in want) expect({ doc, error: got.error === undefined ? 'none' : 'some' }).toEqual({ doc, error: 'some' });
    else expect({ doc, value: got.value, error: got.error }).toEqual({ doc, value: want.json, error: undefined });
  });

  test('the fast reader takes the documents Go reads (the general reader takes the rest), so the cases above test it', () => {
    const valid = docs.filter((_, i) => !('error' in oracle[i]));
    const left = valid.filter((d) => {
      try {
        parseFast(d);
        return false;
      } catch (e) {
        return e instanceof Unsupported;
      }
    });
    if (process.env.SHOW) console.log(left.map((d) => JSON.stringify(d)).join('\n'));
    expect(left.length / valid.length).toBeLessThan(0.1);
  });
});

describe('the stream as kubectl cuts it', () => {
  const objects = (input: string | Uint8Array) => decodeManifests(input).map((d) => d.objects);
  const codes = (input: string | Uint8Array) => decodeManifests(input).map((d) => d.issues.map((i) => `${i.severity} ${i.code}`));

  test('"---" lines separate documents; a comment may follow them, anything else is refused there and the rest is read', () => {
    expect(objects('a: 1\n---\nb: 2\n--- # two\nc: 3\n---\n---\n')).toEqual([[{ a: 1 }], [{ b: 2 }], [{ c: 3 }]]);
    const doc = 'a: 1\n--- b: 2\nc: 3\n---\nd: 4\n';
    expect(codes(doc)).toEqual([[], ['error yaml-separator-invalid'], []]);
    expect(objects(doc)).toEqual([[{ a: 1 }], [], [{ d: 4 }]]);
  });

  test('every document is reported even when one is broken', () => {
    const doc = 'a: [1\n---\nb: 2\n---\nc: !!int x\n---\nd: 4\n';
    expect(codes(doc)).toEqual([['error yaml-invalid'], [], ['error yaml-invalid'], []]);
    expect(objects(doc)).toEqual([[], [{ b: 2 }], [], [{ d: 4 }]]);
  });

  test('bytes that are not UTF-8, UTF-16, and control characters are refused with the line', () => {
    const latin1 = Buffer.concat([Buffer.from('a: 1\n---\nb: caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
    expect(decodeManifests(latin1).map((d) => [d.objects, d.issues.map((i) => [i.code, i.line])])).toEqual([
      [[{ a: 1 }], []],
      [[], [['yaml-not-utf8', 3]]],
    ]);
    expect(codes(Buffer.from('\ufeffa: 1\n', 'utf16le'))).toEqual([['error yaml-not-utf8']]);
    expect(codes('a: "x\u0007"\n')).toEqual([['error yaml-control-character']]);
    expect(objects(Buffer.from('\ufeffa: 1\r\nb: 2\r\n'))).toEqual([[{ a: 1, b: 2 }]]);
  });

  test('a JSON stream (first byte "{") is read as JSON values one after the other', () => {
    expect(objects('  {"kind": "A"}\n{"kind": "B", "x": 1}')).toEqual([[{ kind: 'A' }], [{ kind: 'B', x: 1 }]]);
    expect(objects('\r\n\t {"kind": "A"}{"kind": "B"}')).toEqual([[{ kind: 'A' }], [{ kind: 'B' }]]);
    // After two values the stream is JSON only: what does not parse ends it.
    expect(codes('{"kind": "A"} {"kind": "B"}\n---\nkind: C\n')).toEqual([[], [], ['error json-invalid']]);
  });

  test('a stream that starts as JSON and goes on as YAML after at most one value (apimachinery v0.33+)', () => {
    const docs = (input: string) => decodeManifests(input).map((d) => [d.line, d.objects, d.issues.map((i) => i.code)]);
    // JSON documents separated by "---", as many tools write them: the first is JSON, the rest YAML.
    expect(docs('{"kind": "A"}\n---\n{"kind": "B"}\n---\n{"kind": "C"}\n')).toEqual([
      [1, [{ kind: 'A' }], []],
      [3, [{ kind: 'B' }], []],
      [5, [{ kind: 'C' }], []],
    ]);
    // YAML after the first value, from the line after it.
    expect(docs('{"kind": "A"}  \nkind: B\nx: yes\n')).toEqual([
      [1, [{ kind: 'A' }], []],
      [2, [{ kind: 'B', x: true }], []],
    ]);
    // The first document is not JSON at all: all of it is YAML (a flow mapping, then block keys are an error).
    expect(docs('{kind: A}\n')).toEqual([[1, [{ kind: 'A' }], []]]);
    expect(codes('{"kind": "A"} {"kind": ')).toEqual([[], ['error yaml-invalid']]);
    // U+00A0 before the "{": the sniff skips it (unicode.IsSpace), json.Decoder does not; YAML reads one node.
    expect(docs('\u00a0\t{"kind": "A"}{"kind": "B"}')).toEqual([[1, [{ kind: 'A' }], ['yaml-content-ignored']]]);
    // Only white space JSON does not allow is left: the JSON error stands.
    expect(codes('{"kind": "A"}\u00a0')).toEqual([[], ['error json-invalid']]);
  });

  test('lists: any object with items; items inherit apiVersion and kind; a list inside a list is refused', () => {
    const list =
      'apiVersion: v1\nkind: ConfigMapList\nitems:\n- metadata: {name: a}\n- apiVersion: v1\n  kind: Secret\n- apiVersion: v1\n  kind: List\n  items: []\n- 7\n';
    expect(objects(list)).toEqual([
      [
        { metadata: { name: 'a' }, apiVersion: 'v1', kind: 'ConfigMap' },
        { apiVersion: 'v1', kind: 'Secret' },
      ],
    ]);
    expect(codes(list)).toEqual([['error list-nested', 'error list-item-not-object']]);
    expect(codes('kind: X\nitems: 3\n')).toEqual([['error list-items-not-array']]);
  });

  test('warnings for what kubectl changes without a word: duplicate keys, ignored tags, documents after "..."', () => {
    expect(codes('a: 1\na: 2\nb: !foo x\n')).toEqual([['warning yaml-duplicate-key', 'warning yaml-tag-ignored']]);
    // Two keys that become one JSON key: Go's map order decides which value wins; this reader keeps the last.
    expect(codes('"1": a\n1: b\n')).toEqual([['warning yaml-duplicate-key']]);
    expect(codes('a: 1\n...\nb: 2\n')).toEqual([['warning yaml-document-ignored']]);
    expect(objects('a: 1\n...\nb: 2\n')).toEqual([[{ a: 1 }]]);
  });
});

describe('attacks on the reader', () => {
  test('aliases that expand without bound (a billion laughs) are refused, quickly, as go-yaml refuses them', () => {
    let doc = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 12; i++)
      doc += `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]\n`;
    // Refused before expanding: expanded, the document would hold 10^12 scalars (jest's timeout is the bound).
    expect(decodeManifests(doc).map((d) => d.issues.map((i) => i.message))).toEqual([[expect.stringContaining('excessive aliasing')]]);
  });

  test('nesting deeper than the reader goes is a finding, not a crash; so is a recursive alias', () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    expect(decodeManifests(deep)[0].issues.map((i) => i.code)).toEqual(['yaml-invalid']);
    const block = Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n');
    expect(decodeManifests(block)[0].issues.map((i) => i.code)).toEqual(['yaml-invalid']);
    expect(decodeManifests('a: &x [*x]\n')[0].issues.map((i) => i.message)).toEqual([
      expect.stringContaining("anchor 'x' value contains itself"),
    ]);
  });

  test('a document whose JSON exceeds what the API server accepts (3 MiB) is refused; the others are read', () => {
    const big = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  blob: "${'x'.repeat(3.2 * 1024 * 1024)}"\n`;
    const r = decodeManifests(`${big}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: small}\n`);
    expect(r.map((d) => [d.objects.length, d.issues.map((i) => i.code)])).toEqual([
      [0, ['document-too-large']],
      [1, []],
    ]);
  });
});
