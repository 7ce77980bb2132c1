// Checks that the docs stay true to the tree: every path docs/architecture.md names exists, and
// every service README (the kit's and the mesh's too) has the house's fixed sections in order.
// Run by `npm run check`; exits 1 naming each problem.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const problems = [];

// Code spans that start at a top-level folder are repository paths; `<name>` stands for any
// service, so a span holding it is a pattern, not a path.
const TOP_LEVEL = /^(services|graph|tests|docs|scripts|infra|k8s|apps)\//;
const architecture = join(root, 'docs', 'architecture.md');
const text = readFileSync(architecture, 'utf8');
for (const [, span] of text.matchAll(/`([^`\s]+)`/g)) {
  if (!TOP_LEVEL.test(span) || span.includes('<')) continue;
  if (!existsSync(join(root, span))) problems.push(`docs/architecture.md: ${span} does not exist`);
}
for (const [, link] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
  if (/^[a-z]+:/.test(link)) continue;
  const target = join(dirname(architecture), link);
  if (!existsSync(target)) {
    problems.push(`docs/architecture.md: link ${link} (${relative(root, target)}) does not exist`);
  }
}

/** The sections every service README has, in this order; others may sit between them. */
const README_SECTIONS = ['Purpose', 'Port', 'Settings', 'Topics and stores', 'Run and test'];
const servicesDir = join(root, 'services');
for (const name of readdirSync(servicesDir).sort()) {
  const readme = join(servicesDir, name, 'README.md');
  if (!existsSync(join(servicesDir, name, 'package.json'))) continue;
  if (!existsSync(readme)) {
    problems.push(`services/${name}: no README.md`);
    continue;
  }
  const headings = [...readFileSync(readme, 'utf8').matchAll(/^## (.+)$/gm)].map((m) =>
    m[1].trim(),
  );
  let at = -1;
  for (const section of README_SECTIONS) {
    const found = headings.indexOf(section);
    if (found === -1) problems.push(`services/${name}/README.md: no "## ${section}" section`);
    else if (found < at)
      problems.push(`services/${name}/README.md: "## ${section}" is out of order`);
    else at = found;
  }
}

if (problems.length > 0) {
  process.stderr.write(`${problems.join('\n')}\n`);
  process.exit(1);
}
