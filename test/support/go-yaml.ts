// The real thing kubectl runs on every YAML document it reads: sigs.k8s.io/yaml's YAMLToJSON over go-yaml v2
// (Debian's golang-k8s-sigs-yaml-dev and golang-gopkg-yaml.v2-dev, the same decoder as go.yaml.in/yaml/v2 v2.4.2),
// compiled once per test process from the Go sources Debian installs, offline (GOPATH mode).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const PROGRAM = `package main

import (
	"encoding/json"
	"os"

	"sigs.k8s.io/yaml"
)

type result struct {
	JSON  *string \`json:"json,omitempty"\`
	Error *string \`json:"error,omitempty"\`
}

func main() {
	var docs []string
	if err := json.NewDecoder(os.Stdin).Decode(&docs); err != nil {
		panic(err)
	}
	out := make([]result, len(docs))
	for i, d := range docs {
		j, err := yaml.YAMLToJSON([]byte(d))
		if err != nil {
			s := err.Error()
			out[i].Error = &s
		} else {
			s := string(j)
			out[i].JSON = &s
		}
	}
	json.NewEncoder(os.Stdout).Encode(out)
}
`;

const PACKAGES = 'golang-go golang-gopkg-yaml.v2-dev golang-k8s-sigs-yaml-dev';
const GOPATH = '/usr/share/gocode';
let binary: string | undefined;

/** The oracle binary; a clear message naming the Debian packages when they are missing. */
function oracle(): string {
  if (binary) return binary;
  const missing =
    !fs.existsSync('/usr/bin/go') ||
    !fs.existsSync(path.join(GOPATH, 'src', 'sigs.k8s.io', 'yaml')) ||
    !fs.existsSync(path.join(GOPATH, 'src', 'gopkg.in', 'yaml.v2'));
  if (missing) throw new Error(`the YAML oracle needs Go and the sources of sigs.k8s.io/yaml and go-yaml v2: apt-get install ${PACKAGES}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-go-yaml-'));
  fs.writeFileSync(path.join(dir, 'main.go'), PROGRAM);
  const out = path.join(dir, 'yaml-to-json');
  execFileSync('go', ['build', '-o', out, 'main.go'], {
    cwd: dir,
    env: { ...process.env, GO111MODULE: 'off', GOPATH, GOCACHE: path.join(dir, 'cache'), GOFLAGS: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  binary = out;
  return out;
}

/** What kubectl's YAML-to-JSON step makes of each document: the JSON value, or its error message. */
export function goYamlToJson(docs: readonly string[]): ({ json: unknown } | { error: string })[] {
  const raw = execFileSync(oracle(), [], { input: JSON.stringify(docs), maxBuffer: 1 << 30 }).toString('utf8');
  return (JSON.parse(raw) as { json?: string; error?: string }[]).map((r) =>
    r.error !== undefined ? { error: r.error } : { json: JSON.parse(r.json as string) },
  );
}
