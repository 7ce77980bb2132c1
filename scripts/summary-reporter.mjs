// Ends a `node --test` run with the plain line CI reads: `N passed, N failed, N skipped`.
// Only leaf tests count (a describe block is not a test of its own).
export default async function* summary(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const results = [];
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { data } = event;
    if (data.details?.type === 'suite') continue;
    results.push(data);
  }
  for (const data of results) {
    if (data.skip !== undefined || data.todo !== undefined) skipped += 1;
    else if (data.details?.error === undefined) passed += 1;
    else failed += 1;
  }
  const tail = skipped > 0 ? `, ${skipped} skipped` : '';
  yield `\n${passed} passed, ${failed} failed${tail}\n`;
}
