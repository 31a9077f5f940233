// Pulumi's mocks, recording each registration (type, name, inputs) and what it depended on.
import * as pulumi from '@pulumi/pulumi';

export interface Registered {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
}

/** Sets the mocks; returns the registrations and, by resource name, the URNs each registration depended on. */
export function recordRegistrations(project: string): { registered: Registered[]; dependencies: Map<string, string[]> } {
  const registered: Registered[] = [];
  const dependencies = new Map<string, string[]>();
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    project,
    'test',
    false,
  );
  // The mock monitor does not pass dependencies to newResource: they are read from the request.
  const { MockMonitor } = require('@pulumi/pulumi/runtime/mocks');
  const original = MockMonitor.prototype.registerResource;
  MockMonitor.prototype.registerResource = function (req: { getName(): string; getDependenciesList(): string[] }, cb: unknown) {
    dependencies.set(req.getName(), req.getDependenciesList());
    return original.call(this, req, cb);
  };
  return { registered, dependencies };
}
