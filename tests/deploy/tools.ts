// Renders the Kubernetes overlays with kustomize and validates the result with kubeconform
// against the schemas kept in k8s/schemas, without any network. Both tools are pinned and
// installed by k8s/install-tools.sh; where they are missing, the callers skip and say so.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { parseAllDocuments } from 'yaml';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Where the schemas live, relative to the root. */
export const SCHEMA_DIR = 'k8s/schemas';

/** The Kubernetes version whose API schemas are kept (the oldest the manifests target). */
export const SCHEMA_KUBERNETES_VERSION = '1.33.0';

/** The overlays that must render and validate. */
export const OVERLAYS = ['dev', 'prod'] as const;
export type Overlay = (typeof OVERLAYS)[number];

/** Where k8s/install-tools.sh puts the tools, unless TAILOR_TOOLS_DIR says otherwise. */
export function toolsDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TAILOR_TOOLS_DIR) return env.TAILOR_TOOLS_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'tailor', 'bin');
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The path of a tool: the variable named after it (KUSTOMIZE, KUBECONFORM), else the tools
 * directory, else PATH; undefined when none has it.
 */
export function findTool(
  name: 'kustomize' | 'kubeconform',
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const explicit = env[name.toUpperCase()];
  if (explicit) return executable(explicit) ? explicit : undefined;
  const candidates = [toolsDir(env), ...(env.PATH ?? '').split(delimiter).filter(Boolean)];
  return candidates.map((dir) => join(dir, name)).find(executable);
}

/** The tools, or why the validation cannot run here. */
export type Tools =
  { available: true; kustomize: string; kubeconform: string } | { available: false; skip: string };

export function findTools(env: NodeJS.ProcessEnv = process.env): Tools {
  const kustomize = findTool('kustomize', env);
  const kubeconform = findTool('kubeconform', env);
  if (kustomize !== undefined && kubeconform !== undefined) {
    return { available: true, kustomize, kubeconform };
  }
  const missing = [kustomize ? undefined : 'kustomize', kubeconform ? undefined : 'kubeconform']
    .filter(Boolean)
    .join(' and ');
  return {
    available: false,
    skip: `${missing} not found in ${toolsDir(env)} nor on PATH: run \`bash k8s/install-tools.sh\` (needs Go)`,
  };
}

function run(command: string, args: string[], input?: string) {
  const result = spawnSync(command, args, {
    cwd: ROOT,
    encoding: 'utf8',
    input,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/** `kustomize build` of an overlay, as YAML. Throws with kustomize's message when it fails. */
export function renderOverlay(kustomize: string, overlay: string): string {
  const { status, stdout, stderr } = run(kustomize, ['build', join('k8s', 'overlays', overlay)]);
  if (status !== 0) throw new Error(`kustomize build ${overlay} failed:\n${stderr}`);
  return stdout;
}

/** A Kubernetes object as rendered: only the fields the assertions read are typed. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: unknown;
  data?: Record<string, string>;
}

/** The objects of a multi-document YAML stream. */
export function parseObjects(yaml: string): K8sObject[] {
  return parseAllDocuments(yaml).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`bad YAML: ${doc.errors[0]?.message}`);
    return doc.toJS() as K8sObject;
  });
}

/** What kubeconform said about one object. */
export interface ValidationResult {
  filename: string;
  kind: string;
  name: string;
  version: string;
  status: 'statusValid' | 'statusInvalid' | 'statusError' | 'statusSkipped' | 'statusEmpty';
  msg: string;
}

/**
 * Validates YAML against the kept schemas in strict mode (unknown fields are errors), with no
 * network: both schema locations are local, and an object without a schema is an error.
 */
export function validateObjects(kubeconform: string, yaml: string): ValidationResult[] {
  const schemas = join(ROOT, SCHEMA_DIR);
  const { stdout, stderr } = run(
    kubeconform,
    [
      '-strict',
      '-verbose',
      '-output',
      'json',
      '-kubernetes-version',
      SCHEMA_KUBERNETES_VERSION,
      '-schema-location',
      join(schemas, 'kubernetes', '{{ .ResourceKind }}{{ .KindSuffix }}.json'),
      '-schema-location',
      join(schemas, 'crds', '{{ .Group }}', '{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json'),
    ],
    yaml,
  );
  let report: { resources?: ValidationResult[] };
  try {
    report = JSON.parse(stdout) as { resources?: ValidationResult[] };
  } catch {
    throw new Error(`kubeconform printed no JSON report:\n${stdout}${stderr}`);
  }
  return report.resources ?? [];
}
