/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
  },
  moduleNameMapper: {
    '^cnpg-constructs$': '<rootDir>/lib/core/index.ts',
    '^cnpg-constructs/(cdk8s|pulumi)$': '<rootDir>/lib/$1/index.ts',
    '^cnpg-constructs/cdk8s-plus$': '<rootDir>/lib/cdk8s/plus.ts',
  },
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  testTimeout: 120000,
  // Real PostgreSQL servers: keep the 2-core machine from running many at once.
  maxWorkers: 2,
};
