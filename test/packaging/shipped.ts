/**
 * Every package we publish, and what proves it works once installed from its tarball. The
 * pack-and-install test (pack-install.test.ts) packs them all, installs every tarball into one
 * empty project outside the repository, checks each package.json is ready to publish, then runs
 * each package's checks there; engines.test.ts holds them to the workspace's Node versions.
 *
 * To ship a new package, add it here with its checks (checks/<name>.ts; fixtures/ holds the files
 * they copy into the project). Its package.json then needs: a version, `"license": "MIT"`, a
 * description, `engines` as the root package.json's, `repository` as the others' with its own
 * `directory`, a `files` list, a `prepack` script that builds it, and LICENSE (the root one) and
 * README.md in its folder; a dependency on another workspace package must be a shipped one.
 * `project.provider()` gives a check a running provider installed from its tarball.
 */
import type { ConsumerProject } from './consumer.ts';
import { clientChecks } from './checks/client.ts';
import { protocolChecks } from './checks/protocol.ts';
import { providerChecks } from './checks/provider.ts';
import { singpassClientChecks } from './checks/singpass-client.ts';

/** A package as packed: its workspace folder, its manifest, the tarball's path and file list. */
export interface PackedPackage {
  dir: string;
  name: string;
  version: string;
  tarball: string;
  files: string[];
  manifest: Record<string, unknown>;
}

export interface Check {
  name: string;
  run(project: ConsumerProject, pkg: PackedPackage): Promise<void>;
}

export interface ShippedPackage {
  /** The workspace folder, e.g. `packages/client`. */
  dir: string;
  /** Packages from the registry that the checks need in the consumer project (e.g. typescript). */
  consumerDevDependencies?: string[];
  checks: Check[];
}

export const SHIPPED: ShippedPackage[] = [
  { dir: 'packages/protocol', checks: protocolChecks },
  { dir: 'packages/client', consumerDevDependencies: ['typescript', '@types/node'], checks: clientChecks },
  { dir: 'packages/provider', consumerDevDependencies: ['typescript', '@types/node'], checks: providerChecks },
  { dir: 'packages/singpass-client', consumerDevDependencies: ['typescript', '@types/node'], checks: singpassClientChecks },
];
