/** Posts one GraphQL operation and returns `data`; any error in the answer is thrown. */
export async function postGraphql<T>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors !== undefined || body.data === undefined) {
    throw new Error(`GraphQL ${url} answered ${response.status}: ${JSON.stringify(body.errors)}`);
  }
  return body.data;
}
