// Checks that the docs stay true to the tree: every service README (the kit's and the mesh's
// too) has the house's fixed sections in order.
// Run by `npm run check`; exits 1 naming each problem.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const problems = [];

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
