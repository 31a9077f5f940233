// One table of bad inputs across every entry point. Each row asserts that the error names the
// construct path (or the property), shows the offending value, and says how to fix it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Chart, Testing } from 'cdk8s';
import {
  CnpgOperator,
  CnpgValidationError,
  type DatabaseProps,
  ExtensionDatabase,
  ExtensionImage,
  type ExtensionImageProps,
  KindConfig,
  type KindConfigConstructProps,
  type OperatorProps,
  PostgresCluster,
  type PostgresClusterProps,
  synthesize,
} from '../lib/cdk8s';
import { FINDING_CODE_PATTERN } from '../lib/core/findings';
import { check } from '../lib/pulumi/provider';
import { extensionsIn, freshDatabase, startProviderFixture } from './support/fixtures';
import type { PgServer } from './support/pg';
import type { Props, ProviderHost } from './support/provider-host';

const IMAGE = 'ghcr.io/cloudnative-pg/postgresql:18-minimal-trixie';
const clusterBase: PostgresClusterProps = { imageName: IMAGE, storage: { size: '1Gi' } };
const img = (p: Partial<ExtensionImageProps>) =>
  new ExtensionImage({ name: 'myext', reference: 'registry.internal/ext/myext:1.0-18-trixie', ...p } as ExtensionImageProps);

type Row =
  | { kind: 'cluster'; props: Partial<PostgresClusterProps> }
  | { kind: 'image'; image: () => ExtensionImage }
  | { kind: 'database'; props: Partial<DatabaseProps>; cluster?: Partial<PostgresClusterProps> }
  | { kind: 'operator'; props: OperatorProps }
  | { kind: 'kind'; props: KindConfigConstructProps; cluster?: Partial<PostgresClusterProps> }
  | { kind: 'check'; inputs: Props }
  | { kind: 'runtime'; extensions: Props[]; setup?: string };

// [title, input, where (construct path + field, or property), offending value, fix]
const rows: [string, Row, string, string, string][] = [
  // PostgresCluster
  [
    'operand image PostgreSQL 16 with extension images',
    {
      kind: 'cluster',
      props: { imageName: 'ghcr.io/cloudnative-pg/postgresql:16-minimal-trixie', extensions: [ExtensionImage.pgvector('0.8.1')] },
    },
    'imageName',
    'postgresql:16',
    'PostgreSQL 18 image',
  ],
  [
    'no imageName nor imageCatalogRef with extension images (CNPG would run its default system image)',
    { kind: 'cluster', props: { imageName: undefined, extensions: [ExtensionImage.pgvector('0.8.1')] } },
    'imageName',
    '(not set)',
    'imageName: "ghcr.io',
  ],
  [
    'imageName that is not a reference',
    { kind: 'cluster', props: { imageName: 'Postgres 18' } },
    'imageName',
    'Postgres 18',
    '[registry/]repository',
  ],
  [
    'digest-only imageName without postgresMajor',
    { kind: 'cluster', props: { imageName: `ghcr.io/cloudnative-pg/postgresql@sha256:${'a'.repeat(64)}` } },
    'imageName',
    'sha256:aaaa',
    'add the version tag before the digest',
  ],
  ['postgresMajor contradicting the tag', { kind: 'cluster', props: { postgresMajor: 17 } }, 'postgresMajor', '17', 'remove postgresMajor'],
  ['fractional instances', { kind: 'cluster', props: { instances: 1.5 } }, 'instances', '1.5', 'whole number'],
  [
    'WAL storage size not a quantity',
    { kind: 'cluster', props: { walStorage: { size: 'ten gigs' } } },
    'walStorage.size',
    'ten gigs',
    '"1Gi"',
  ],
  [
    'StorageClass name with capitals',
    { kind: 'cluster', props: { storage: { size: '1Gi', storageClass: 'Fast_SSD' } } },
    'storage.storageClass',
    'Fast_SSD',
    'lowercase',
  ],
  ['namespace not a DNS label', { kind: 'cluster', props: { namespace: 'Team A' } }, 'namespace', 'Team A', 'lowercase'],
  [
    'fixed parameter ssl',
    { kind: 'cluster', props: { postgresql: { parameters: { ssl: 'off' } } } },
    'postgresql.parameters.ssl',
    'off',
    'certificates',
  ],
  [
    'blocked parameter data_directory',
    { kind: 'cluster', props: { postgresql: { parameters: { data_directory: '/data' } } } },
    'postgresql.parameters.data_directory',
    '/data',
    'remove it',
  ],
  [
    'parameter value that is not a string',
    { kind: 'cluster', props: { postgresql: { parameters: { work_mem: 64 as unknown as string } } } },
    'postgresql.parameters.work_mem',
    '64',
    'write it as "64"',
  ],
  [
    'preload library with a space',
    { kind: 'cluster', props: { postgresql: { sharedPreloadLibraries: ['pg stat'] } } },
    'postgresql.sharedPreloadLibraries[0]',
    'pg stat',
    'library name',
  ],
  [
    'pull secret name with capitals',
    { kind: 'cluster', props: { imagePullSecrets: ['Registry'] } },
    'imagePullSecrets[0]',
    'Registry',
    'lowercase',
  ],
  ['operator version that is not one', { kind: 'cluster', props: { operatorVersion: 'latest' } }, 'operatorVersion', 'latest', '"1.30.0"'],
  [
    'underscore names on an operator that breaks them',
    { kind: 'cluster', props: { operatorVersion: '1.27.2', extensions: [ExtensionImage.pgIvm('1.13', { name: 'pg_ivm' })] } },
    'extensions[0].name',
    'pg_ivm',
    'use "-" instead',
  ],
  [
    'extension images on an operator without them',
    { kind: 'cluster', props: { operatorVersion: '1.26.1', extensions: [ExtensionImage.pgvector('0.8.1')] } },
    'extensions',
    '1.26.1',
    '1.27.0',
  ],
  // ExtensionImage (reported by the cluster that mounts it)
  ['image name with a dot', { kind: 'image', image: () => img({ name: 'my.ext' }) }, 'extensions[0].name', 'my.ext', 'lowercase letters'],
  [
    'image without reference and no catalog',
    { kind: 'image', image: () => img({ reference: undefined }) },
    'extensions[0].reference',
    '(not set)',
    'image catalog',
  ],
  [
    'pull policy misspelt',
    { kind: 'image', image: () => img({ pullPolicy: 'always' as 'Always' }) },
    'extensions[0].pullPolicy',
    'always',
    '"IfNotPresent"',
  ],
  [
    'empty path entry',
    { kind: 'image', image: () => img({ extensionControlPath: [''] }) },
    'extensions[0].extensionControlPath[0]',
    '""',
    'remove the entry',
  ],
  [
    'duplicate path entry',
    { kind: 'image', image: () => img({ ldLibraryPath: ['system', 'system'] }) },
    'extensions[0].ldLibraryPath[1]',
    'system',
    'remove the duplicate',
  ],
  [
    'path escaping the image',
    { kind: 'image', image: () => img({ binPath: ['bin/../../usr/bin'] }) },
    'extensions[0].binPath[0]',
    'bin/../../usr/bin',
    'inside the image',
  ],
  [
    'LD_LIBRARY_PATH in env',
    { kind: 'image', image: () => img({ env: { LD_LIBRARY_PATH: '/x' } }) },
    'extensions[0].env.LD_LIBRARY_PATH',
    'LD_LIBRARY_PATH',
    'ldLibraryPath',
  ],
  [
    'unknown placeholder in env',
    { kind: 'image', image: () => img({ env: { DATA: '${pgdata}/x' } }) },
    'extensions[0].env.DATA',
    '${pgdata}/x',
    '${image_root}',
  ],
  [
    'factory version that is not one',
    { kind: 'image', image: () => ExtensionImage.pgvector('latest') },
    'extensions[0].version',
    'latest',
    '"0.8.6"',
  ],
  [
    'factory distro CNPG does not build',
    { kind: 'image', image: () => ExtensionImage.pgvector('0.8.1', { distro: 'bullseye' as 'trixie' }) },
    'extensions[0].distro',
    'bullseye',
    '"bookworm"',
  ],
  [
    'SQL version of a custom image',
    { kind: 'image', image: () => img({ sqlVersion: '1--2' }) },
    'extensions[0].sqlVersion',
    '1--2',
    '"0.8.1"',
  ],
  // ExtensionDatabase
  ['database name template0', { kind: 'database', props: { name: 'template0' } }, 'name', 'template0', '"app"'],
  ['database name of 64 bytes', { kind: 'database', props: { name: 'd'.repeat(64) } }, 'name', 'dddd', '63 bytes'],
  ['resourceName with capitals', { kind: 'database', props: { resourceName: 'App-DB' } }, 'resourceName', 'App-DB', 'lowercase'],
  [
    'extension from an image that is not mounted',
    { kind: 'database', props: { extensions: [ExtensionImage.postgis('3.6.1')] } },
    'extensions[0].name',
    'postgis',
    'mount the image',
  ],
  [
    'ensure misspelt',
    { kind: 'database', props: { extensions: [{ name: 'hstore', ensure: 'gone' as 'absent' }] } },
    'extensions[0].ensure',
    'gone',
    '"absent"',
  ],
  [
    'managed extension CNPG creates itself',
    {
      kind: 'database',
      props: { extensions: [{ name: 'pg_stat_statements' }] },
      cluster: { postgresql: { parameters: { 'pg_stat_statements.track': 'top' } } },
    },
    'extensions[0].name',
    'pg_stat_statements',
    'set a pg_stat_statements.* parameter',
  ],
  [
    'managed module that is no extension',
    { kind: 'database', props: { extensions: [{ name: 'auto_explain' }] } },
    'extensions[0].name',
    'auto_explain',
    'module with no SQL extension',
  ],
  [
    'managed extension only preloaded',
    { kind: 'cluster', props: { postgresql: { sharedPreloadLibraries: ['pg_stat_statements'] } } },
    'postgresql.sharedPreloadLibraries[0]',
    'pg_stat_statements',
    "'pg_stat_statements.track': 'top'",
  ],
  [
    'pgaudit image without a pgaudit.* parameter',
    { kind: 'cluster', props: { extensions: [ExtensionImage.pgaudit('18.0')] } },
    'extensions[0]',
    'pgaudit',
    "{ log: 'ddl' }",
  ],
  // CnpgOperator
  ['operator replicas 0', { kind: 'operator', props: { replicas: 0, install: 'none' } }, 'replicas', '0', 'leader election'],
  [
    'operator namespace with capitals',
    { kind: 'operator', props: { namespace: 'CNPG', install: 'none' } },
    'namespace',
    'CNPG',
    'lowercase',
  ],
  [
    'operator image not a reference',
    { kind: 'operator', props: { image: 'my registry/cnpg', install: 'none' } },
    'image',
    'my registry/cnpg',
    '[registry/]repository',
  ],
  [
    'operator log level unknown',
    { kind: 'operator', props: { logLevel: 'verbose' as 'debug', install: 'none' } },
    'logLevel',
    'verbose',
    'error, warning, info, debug or trace',
  ],
  ['operator install mode unknown', { kind: 'operator', props: { install: 'some' as 'all' } }, 'install', 'some', '"crds"'],
  [
    'cluster memory not a quantity',
    { kind: 'cluster', props: { resources: { limits: { memory: 'lots' } } } },
    'resources.limits.memory',
    'lots',
    '"1Gi"',
  ],
  [
    'cluster resources with a misspelt key',
    { kind: 'cluster', props: { resources: { request: { cpu: '1' } } as never } },
    'resources.request',
    'request',
    'requests or limits',
  ],
  [
    'operator with two pull secrets',
    { kind: 'operator', props: { imagePullSecrets: ['a', 'b'], install: 'none' } },
    'imagePullSecrets',
    '["a","b"]',
    'merge the registry credentials',
  ],
  [
    'operator CPU not a quantity',
    { kind: 'operator', props: { resources: { requests: { cpu: 'half' } }, install: 'none' } },
    'resources.requests.cpu',
    'half',
    '"100m"',
  ],
  // Kind config
  [
    'kind 1.32 with extension images',
    {
      kind: 'kind',
      props: { kubernetesVersion: '1.32', nodeImage: `kindest/node:v1.32.11@sha256:${'b'.repeat(64)}` },
      cluster: { extensions: [ExtensionImage.pgvector('0.8.1')] },
    },
    'kubernetesVersion',
    '1.32',
    '"1.33" or later',
  ],
  ['kind version not a version', { kind: 'kind', props: { kubernetesVersion: 'latest' } }, 'kubernetesVersion', 'latest', '"1.35"'],
  ['kind negative workers', { kind: 'kind', props: { workers: -1 } }, 'workers', '-1', 'at least 0'],
  [
    'kind container port out of range',
    { kind: 'kind', props: { extraPortMappings: [{ containerPort: 70000 }] } },
    'extraPortMappings[0].containerPort',
    '70000',
    '30432',
  ],
  [
    'kind host port published twice',
    {
      kind: 'kind',
      props: {
        extraPortMappings: [
          { containerPort: 30432, hostPort: 5432 },
          { containerPort: 30433, hostPort: 5432 },
        ],
      },
    },
    'extraPortMappings[1].hostPort',
    '5432',
    'distinct host ports',
  ],
  [
    'kind listen address not an IP',
    { kind: 'kind', props: { extraPortMappings: [{ containerPort: 30432, listenAddress: 'localhost' }] } },
    'extraPortMappings[0].listenAddress',
    'localhost',
    '"127.0.0.1"',
  ],
  // PostgresExtensions check
  [
    'connection without host',
    { kind: 'check', inputs: { connection: { host: '', user: 'postgres', password: 'x' }, database: 'app', extensions: [] } },
    'connection.host',
    '',
    'host name or address',
  ],
  [
    'sslMode misspelt',
    {
      kind: 'check',
      inputs: { connection: { host: 'h', user: 'postgres', password: 'x', sslMode: 'verify' }, database: 'app', extensions: [] },
    },
    'connection.sslMode',
    'verify',
    'verify-full',
  ],
  [
    'extensions not a list',
    { kind: 'check', inputs: { connection: { host: 'h', user: 'postgres', password: 'x' }, database: 'app', extensions: 'vector' } },
    'extensions',
    'extensions',
    '{ name, version?, schema? }',
  ],
  [
    'version ending in -',
    {
      kind: 'check',
      inputs: {
        connection: { host: 'h', user: 'postgres', password: 'x' },
        database: 'app',
        extensions: [{ name: 'vector', version: '0.8.1-' }],
      },
    },
    'extensions[0].version',
    '0.8.1-',
    'start or end with "-"',
  ],
  [
    'statement timeout of zero',
    {
      kind: 'check',
      inputs: { connection: { host: 'h', user: 'postgres', password: 'x' }, database: 'app', extensions: [], statementTimeoutMs: 0 },
    },
    'statementTimeoutMs',
    '(got 0)',
    'from 1 to 2147483647',
  ],
  [
    'connection option misspelt',
    {
      kind: 'check',
      inputs: { connection: { host: 'h', user: 'postgres', password: 'x', sslmode: 'verify-full' }, database: 'app', extensions: [] },
    },
    'connection.sslmode',
    'sslmode',
    'did you mean "sslMode"?',
  ],
  [
    'top-level option misspelt',
    {
      kind: 'check',
      inputs: { connection: { host: 'h', user: 'postgres', password: 'x' }, database: 'app', extensions: [], dropcascade: true },
    },
    'dropcascade',
    'dropcascade',
    'did you mean "dropCascade"?',
  ],
  [
    'extension name PostgreSQL refuses',
    {
      kind: 'check',
      inputs: {
        connection: { host: 'h', user: 'postgres', password: 'x' },
        database: 'app',
        extensions: [{ name: 'cube"; drop table x; --' }],
      },
    },
    'extensions[0].name',
    'drop table x',
    'must not contain "--"',
  ],
  [
    'extension CNPG owns',
    {
      kind: 'check',
      inputs: { connection: { host: 'h', user: 'postgres', password: 'x' }, database: 'app', extensions: [{ name: 'pg_stat_statements' }] },
    },
    'extensions[0].name',
    'pg_stat_statements',
    "pg_stat_statements.track: 'all'",
  ],
  [
    'timeout beyond 2^31-1 ms',
    {
      kind: 'check',
      inputs: { connection: { host: 'h', user: 'postgres', password: 'x' }, database: 'app', extensions: [], connectTimeoutMs: 2 ** 31 },
    },
    'connectTimeoutMs',
    '2147483648',
    'from 1 to 2147483647',
  ],
  [
    'sslRootCert that is not PEM',
    {
      kind: 'check',
      inputs: {
        connection: { host: 'h', user: 'postgres', password: 'x', sslMode: 'verify-ca', sslRootCert: 'ca.crt' },
        database: 'app',
        extensions: [],
      },
    },
    'connection.sslRootCert',
    'PEM certificate',
    '<cluster>-ca',
  ],
  [
    'host with a control character',
    { kind: 'check', inputs: { connection: { host: 'db\nevil', user: 'postgres', password: 'x' }, database: 'app', extensions: [] } },
    'connection.host',
    'db\\nevil',
    'control characters',
  ],
  ['cluster option misspelt', { kind: 'cluster', props: { instance: 3 } as never }, 'instance', 'instance', 'did you mean "instances"?'],
  [
    'database option misspelt',
    { kind: 'database', props: { dependancyOrder: 'strict' } as never },
    'dependancyOrder',
    'dependancyOrder',
    'did you mean "dependencyOrder"?',
  ],
  [
    'operator option misspelt',
    { kind: 'operator', props: { replica: 2, install: 'none' } as never },
    'replica',
    'replica',
    'did you mean "replicas"?',
  ],
  ['kind option misspelt', { kind: 'kind', props: { worker: 2 } as never }, 'worker', 'worker', 'did you mean "workers"?'],
  [
    'image option misspelt',
    { kind: 'image', image: () => img({ ldLibraryPaths: ['system'] } as never) },
    'extensions[0].ldLibraryPaths',
    'ldLibraryPaths',
    'did you mean "ldLibraryPath"?',
  ],
  ['cluster storage of size 0', { kind: 'cluster', props: { storage: { size: '0' } } }, 'storage.size', '"0"', 'a size such as "1Gi"'],
  ['cluster instances beyond 32 bits', { kind: 'cluster', props: { instances: 1e21 } }, 'instances', '1e+21', 'whole number'],
  ['cluster description not a string', { kind: 'cluster', props: { description: 42 as never } }, 'description', '42', 'write it as "42"'],
  [
    'cluster boolean as a string',
    { kind: 'cluster', props: { enableSuperuserAccess: 'false' as never } },
    'enableSuperuserAccess',
    '"false"',
    'use false without quotes',
  ],
  ['cluster storage null', { kind: 'cluster', props: { storage: null as never } }, 'storage', 'null', 'object literal'],
  [
    'cluster pull secrets as a string',
    { kind: 'cluster', props: { imagePullSecrets: 'abc' as never } },
    'imagePullSecrets',
    '"abc"',
    '["abc"]',
  ],
  [
    'cluster extension that is a plain object',
    { kind: 'cluster', props: { extensions: [{ name: 'pgvector' }] as never } },
    'extensions[0]',
    'pgvector',
    'ExtensionImage.pgvector',
  ],
  [
    'parameter key reaching the prototype',
    { kind: 'cluster', props: { postgresql: { parameters: JSON.parse('{"constructor": "x"}') } } },
    'postgresql.parameters.constructor',
    'constructor',
    'another key',
  ],
  [
    'parameter value with a newline',
    { kind: 'cluster', props: { postgresql: { parameters: { work_mem: '4MB\nport = 1' } } } },
    'postgresql.parameters.work_mem',
    '4MB',
    'on one line',
  ],
  [
    "fixed parameter at another value than CNPG's",
    { kind: 'cluster', props: { postgresql: { parameters: { logging_collector: 'off' } } } },
    'postgresql.parameters.logging_collector',
    'off',
    'remove it',
  ],
  [
    'wal_level minimal with several instances',
    { kind: 'cluster', props: { instances: 3, postgresql: { parameters: { wal_level: 'minimal' } } } },
    'postgresql.parameters.wal_level',
    'minimal',
    '"replica"',
  ],
  [
    'image tag of another PostgreSQL major',
    { kind: 'image', image: () => ExtensionImage.pgvector('0.8.1', { tag: '0.8.1-17-trixie' }) },
    'extensions[0].tag',
    '0.8.1-17-trixie',
    '"...-18-trixie"',
  ],
  [
    'database version PostgreSQL refuses',
    { kind: 'database', props: { extensions: [{ name: 'hstore', version: '1--8' }] } },
    'extensions[0].version',
    '1--8',
    '"0.8.1"',
  ],
  [
    'database extension that is a string',
    { kind: 'database', props: { extensions: ['vector'] as never } },
    'extensions[0]',
    'vector',
    "{ name: 'vector' }",
  ],
  [
    'kind node image of another minor',
    { kind: 'kind', props: { kubernetesVersion: '1.36', nodeImage: `kindest/node:v1.34.3@sha256:${'d'.repeat(64)}` } },
    'nodeImage',
    'v1.34.3',
    'kubernetesVersion: "1.34"',
  ],
  // (one table for every entry point)
  [
    'operand major below 18 with extensions',
    {
      kind: 'cluster',
      props: { imageName: 'ghcr.io/cloudnative-pg/postgresql:17-minimal-trixie', extensions: [ExtensionImage.pgvector('0.8.1')] },
    },
    'imageName',
    'postgresql:17',
    'PostgreSQL 18',
  ],
  [
    'extension image built for 17',
    { kind: 'cluster', props: { extensions: [ExtensionImage.pgvector('0.8.1', { postgresMajor: 17 })] } },
    'extensions[0].reference',
    '0.8.1-17-trixie',
    '-18-<distro>',
  ],
  [
    'custom image whose tag cannot tell the major',
    { kind: 'cluster', props: { extensions: [new ExtensionImage({ name: 'myext', reference: 'registry.example.com/myext:1.0' })] } },
    'extensions[0].reference',
    'myext:1.0',
    'postgresMajor: 18',
  ],
  [
    'explicit major of a custom image below 18',
    {
      kind: 'cluster',
      props: { extensions: [new ExtensionImage({ name: 'myext', reference: 'registry.example.com/myext:1.0', postgresMajor: 16 })] },
    },
    'extensions[0].reference',
    'myext:1.0',
    'PostgreSQL 18',
  ],
  [
    'extension name with capitals',
    {
      kind: 'cluster',
      props: { extensions: [new ExtensionImage({ name: 'PgVector', reference: 'ghcr.io/cloudnative-pg/pgvector:0.8.1-18-trixie' })] },
    },
    'extensions[0].name',
    'PgVector',
    'lowercase',
  ],
  [
    'extension name ending in _',
    {
      kind: 'cluster',
      props: { extensions: [new ExtensionImage({ name: 'vector_', reference: 'ghcr.io/cloudnative-pg/pgvector:0.8.1-18-trixie' })] },
    },
    'extensions[0].name',
    'vector_',
    'starting and ending',
  ],
  [
    'extension name longer than 59',
    {
      kind: 'cluster',
      props: { extensions: [new ExtensionImage({ name: 'x'.repeat(60), reference: 'ghcr.io/cloudnative-pg/pgvector:0.8.1-18-trixie' })] },
    },
    'extensions[0].name',
    'xxxx',
    '59 characters',
  ],
  [
    'duplicate extension names',
    { kind: 'cluster', props: { extensions: [ExtensionImage.pgvector('0.8.1'), ExtensionImage.pgvector('0.8.1')] } },
    'extensions[1]',
    'pgvector',
    'distinct name',
  ],
  [
    'names colliding once _ becomes -',
    {
      kind: 'cluster',
      props: {
        extensions: [
          new ExtensionImage({ name: 'pg_ivm', reference: 'ghcr.io/cloudnative-pg/pg-ivm:1.13-18-trixie' }),
          ExtensionImage.pgIvm('1.13'),
        ],
      },
    },
    'extensions[1]',
    'ext-pg-ivm',
    'rename one',
  ],
  [
    'malformed image reference',
    {
      kind: 'cluster',
      props: { extensions: [new ExtensionImage({ name: 'pgvector', reference: 'ghcr.io/CloudNativePG/pgvector::0.8.1' })] },
    },
    'extensions[0].reference',
    'CloudNativePG',
    '[registry/]repository',
  ],
  [
    'digest that is not sha256 hex',
    { kind: 'cluster', props: { extensions: [ExtensionImage.pgvector('0.8.1', { digest: 'sha256:xyz' })] } },
    'extensions[0].reference',
    'sha256:xyz',
    '64 hex',
  ],
  [
    '.. in a path',
    {
      kind: 'cluster',
      props: {
        extensions: [new ExtensionImage({ name: 'myext', reference: 'r.io/myext:1-18-trixie', dynamicLibraryPath: ['lib/../../etc'] })],
      },
    },
    'extensions[0].dynamicLibraryPath[0]',
    '../../etc',
    'inside the image',
  ],
  [
    'system in dynamicLibraryPath',
    {
      kind: 'cluster',
      props: {
        extensions: [
          new ExtensionImage({
            name: 'postgis',
            reference: 'ghcr.io/cloudnative-pg/postgis-extension:3.6.1-18-trixie',
            dynamicLibraryPath: ['lib', 'system'],
          }),
        ],
      },
    },
    'extensions[0].dynamicLibraryPath[1]',
    'system',
    'ldLibraryPath',
  ],
  [
    'shared_preload_libraries in parameters',
    { kind: 'cluster', props: { postgresql: { parameters: { shared_preload_libraries: 'timescaledb' } } } },
    'postgresql.parameters.shared_preload_libraries',
    'timescaledb',
    'sharedPreloadLibraries',
  ],
  [
    'fixed parameter port',
    { kind: 'cluster', props: { postgresql: { parameters: { port: '6543' } } } },
    'postgresql.parameters.port',
    '6543',
    '5432',
  ],
  [
    'blocked parameter listen_addresses',
    { kind: 'cluster', props: { postgresql: { parameters: { listen_addresses: '0.0.0.0' } } } },
    'postgresql.parameters.listen_addresses',
    '0.0.0.0',
    'remove it',
  ],
  [
    'invalid parameter name',
    { kind: 'cluster', props: { postgresql: { parameters: { 'work-mem': '4MB' } } } },
    'postgresql.parameters.work-mem',
    'work-mem',
    'work_mem',
  ],
  ['storage size not a quantity', { kind: 'cluster', props: { storage: { size: '1 GB' } } }, 'storage.size', '1 GB', '"1Gi"'],
  ['zero instances', { kind: 'cluster', props: { instances: 0 } }, 'instances', '0', 'at least 1'],
  [
    'imageName without a version tag',
    { kind: 'cluster', props: { imageName: 'ghcr.io/cloudnative-pg/postgresql:latest' } },
    'imageName',
    'postgresql:latest',
    '18-minimal-trixie',
  ],
  [
    'imageName and imageCatalogRef together',
    { kind: 'cluster', props: { imageCatalogRef: { kind: 'ClusterImageCatalog', name: 'postgresql-minimal-trixie', major: 18 } } },
    'imageCatalogRef',
    'postgresql-minimal-trixie',
    'remove one',
  ],
  ['cluster name not a DNS label', { kind: 'cluster', props: { name: 'Angus_DB' } }, 'name', 'Angus_DB', 'lowercase'],
  [
    'extension image of another distro',
    { kind: 'cluster', props: { extensions: [ExtensionImage.pgvector('0.8.1', { distro: 'bookworm' })] } },
    'extensions[0].reference',
    'bookworm',
    'trixie',
  ],
  [
    'companion image missing (pgrouting without PostGIS)',
    { kind: 'cluster', props: { extensions: [ExtensionImage.pgrouting('4.0.1')] } },
    'extensions[0]',
    'pgrouting',
    'ExtensionImage.postgis',
  ],
  [
    'env on an operator that ignores it',
    { kind: 'cluster', props: { operatorVersion: '1.28.4', extensions: [ExtensionImage.postgis('3.6.1', { dataDirectoriesEnv: true })] } },
    'extensions[0].env',
    '1.28.4',
    '1.29.0',
  ],
  [
    'reserved env name',
    {
      kind: 'cluster',
      props: { extensions: [new ExtensionImage({ name: 'myext', reference: 'r.io/myext:1-18-trixie', env: { PGDATA: '/x' } })] },
    },
    'extensions[0].env.PGDATA',
    'PGDATA',
    'another name',
  ],
  ['reserved database name postgres', { kind: 'database', props: { name: 'postgres' } }, 'name', 'postgres', '"app"'],
  ['reserved database name template1', { kind: 'database', props: { name: 'template1' } }, 'name', 'template1', '"app"'],
  [
    'extension no mounted image provides',
    { kind: 'database', props: { extensions: [{ name: 'vector' }] } },
    'extensions[0].name',
    'vector',
    'ExtensionImage.pgvector',
  ],
  [
    'image name instead of SQL name',
    { kind: 'database', props: { extensions: [{ name: 'pgvector' }] }, cluster: { extensions: [ExtensionImage.pgvector('0.8.1')] } },
    'extensions[0].name',
    'pgvector',
    'SQL name',
  ],
  [
    'dependency missing from the list',
    {
      kind: 'database',
      props: { extensions: [{ name: 'postgis' }, { name: 'postgis_tiger_geocoder' }] },
      cluster: { extensions: [ExtensionImage.postgis('3.6.1')] },
    },
    'extensions[1].name',
    'postgis_tiger_geocoder',
    '"fuzzystrmatch"',
  ],
  [
    'dependency listed after, strict',
    {
      kind: 'database',
      props: { dependencyOrder: 'strict', extensions: [{ name: 'postgis_raster' }, { name: 'postgis' }] },
      cluster: { extensions: [ExtensionImage.postgis('3.6.1')] },
    },
    'extensions[0].name',
    'postgis_raster',
    'move it after postgis',
  ],
  [
    'version the mounted image does not provide',
    {
      kind: 'database',
      props: { extensions: [{ name: 'vector', version: '0.8.2' }] },
      cluster: { extensions: [ExtensionImage.pgvector('0.8.1')] },
    },
    'extensions[0].version',
    '0.8.2',
    '"0.8.1"',
  ],
  [
    'duplicate extension',
    { kind: 'database', props: { extensions: [{ name: 'hstore' }, { name: 'hstore' }] } },
    'extensions[1].name',
    'hstore',
    'once',
  ],
  [
    'schema name over 63 bytes',
    { kind: 'database', props: { extensions: [{ name: 'hstore', schema: 's'.repeat(64) }] } },
    'extensions[0].schema',
    'ssss',
    '63 bytes',
  ],
  ['owner empty', { kind: 'database', props: { owner: '' } }, 'owner', '""', 'owner role'],
  [
    'a cluster named by a string no Cluster can have',
    { kind: 'database', props: { cluster: 'Bad Name!' } as Partial<DatabaseProps> },
    'cluster',
    'Bad Name!',
    'name the Cluster as it is named in Kubernetes',
  ],
  // PostgresExtensions at run time, on real PostgreSQL 18
  [
    'an extension no image provides',
    { kind: 'runtime', extensions: [{ name: 'vector' }] },
    'extension "vector"',
    'vector',
    'is the image that provides it mounted',
  ],
  [
    'a schema that does not exist',
    { kind: 'runtime', extensions: [{ name: 'cube', schema: 'nowhere' }] },
    'schema "nowhere"',
    'nowhere',
    'create it first',
  ],
  [
    'an existing extension without adopt',
    { kind: 'runtime', extensions: [{ name: 'hstore' }], setup: 'CREATE EXTENSION hstore' },
    'extension "hstore"',
    'hstore',
    'set adopt: true',
  ],
  [
    'a dependency missing from the list',
    { kind: 'runtime', extensions: [{ name: 'earthdistance' }] },
    'extension "earthdistance"',
    'cube',
    'add { name: "cube" }',
  ],
];

let pg: PgServer;
let host: ProviderHost;
let connection: Props;
beforeAll(async () => {
  ({ pg, host, connection } = await startProviderFixture());
});
afterAll(() => {
  host?.stop();
  pg?.destroy();
});

function constructError(build: (chart: Chart) => void): CnpgValidationError {
  const app = Testing.app();
  const chart = new Chart(app, 'app');
  try {
    build(chart);
    // A kind config depends on the app (its clusters' images): checked at synth, and by toConfig() as here.
    for (const c of app.node.findAll()) if (c instanceof KindConfig) c.toConfig();
  } catch (e) {
    if (e instanceof CnpgValidationError) return e;
    throw e;
  }
  throw new Error('expected a CnpgValidationError');
}

test('the table has at least 40 bad inputs over all six entry points', () => {
  expect(rows.length).toBeGreaterThanOrEqual(40);
  expect(new Set(rows.map((r) => r[1].kind))).toEqual(new Set(['cluster', 'image', 'database', 'operator', 'kind', 'check', 'runtime']));
});

test.each(rows)('%s', async (_title, row, where, value, fix) => {
  if (row.kind === 'check') {
    const failures = (await check({}, row.inputs)).failures ?? [];
    const f = failures.find((x) => x.property === where);
    if (!f) throw new Error(`no failure for ${where}: ${JSON.stringify(failures)}`);
    expect(f.reason).toContain(value);
    expect(f.reason).toContain(fix);
    return;
  }
  if (row.kind === 'runtime') {
    const db = await freshDatabase(pg);
    if (row.setup) await pg.query(row.setup, [], db);
    const before = await extensionsIn(pg, db);
    const checked = await host.check({}, { connection, database: db, extensions: row.extensions, readinessTimeoutSeconds: 0 });
    expect(checked.failures).toEqual([]);
    const err = await host.create(checked.inputs).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toContain(`nothing was changed in database ${db} at 127.0.0.1:${pg.port}/${db}`);
    expect(err?.message).toContain(where);
    expect(err?.message).toContain(value);
    expect(err?.message).toContain(fix);
    expect(await extensionsIn(pg, db)).toEqual(before);
    return;
  }
  const e = constructError((chart) => {
    switch (row.kind) {
      case 'cluster':
        new PostgresCluster(chart, 'db', { ...clusterBase, ...row.props } as PostgresClusterProps);
        break;
      case 'image':
        new PostgresCluster(chart, 'db', { ...clusterBase, extensions: [row.image()] });
        break;
      case 'database': {
        const cluster = new PostgresCluster(chart, 'db', { ...clusterBase, ...row.cluster });
        new ExtensionDatabase(chart, 'appdb', { cluster, name: 'app', owner: 'app', ...row.props });
        break;
      }
      case 'operator':
        new CnpgOperator(chart, 'cnpg', row.props);
        break;
      case 'kind':
        if (row.cluster) new PostgresCluster(chart, 'db', { ...clusterBase, ...row.cluster });
        new KindConfig(chart.node.scope as App, 'kind', row.props);
        break;
    }
  });
  const expectedPath = { cluster: 'app/db', image: 'app/db', database: 'app/appdb', operator: 'app/cnpg', kind: 'kind' }[row.kind];
  expect(e.path).toBe(expectedPath);
  const line = e.message.split('\n').find((l) => l.includes(`${where}: `)) ?? e.message;
  expect(e.message).toContain(`at '${expectedPath}'`);
  expect(line).toContain(`${where}: `);
  const p = e.problems.find((x) => x.field === where);
  if (!p) throw new Error(`no problem for ${where}; got:\n${e.message}`);
  expect(line).toContain(value);
  expect(p.fix).toContain(fix);
  // Every problem carries a stable code tools can match on.
  for (const x of e.problems) expect(x.code).toMatch(FINDING_CODE_PATTERN);
});

describe('a failed synth writes nothing', () => {
  test.each([
    ['app.synth()', (app: App) => app.synth()],
    ['synthesize(app)', (app: App) => synthesize(app)],
  ])('%s validates everything before writing a file', (_title, synth) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnpg-out-'));
    const app = new App({ outdir: path.join(dir, 'dist') });
    const chart = new Chart(app, 'db');
    new PostgresCluster(chart, 'angus', { ...clusterBase, extensions: [ExtensionImage.pgvector('0.8.1')] });
    new KindConfig(app, 'kind', { kubernetesVersion: '1.32', nodeImage: `kindest/node:v1.32.11@sha256:${'c'.repeat(64)}` });
    expect(() => synth(app)).toThrow(/\[kind\] kind-[a-z-]+: kubernetesVersion: /);
    expect(fs.readdirSync(path.join(dir, 'dist'))).toEqual([]);
  });
});
