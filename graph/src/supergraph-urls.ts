/**
 * The supergraph with each subgraph's URL replaced by where it is reached (the committed file
 * records the default ports). Engines that route by the supergraph's own URLs, and the bench's
 * other gateways, load this instead.
 */
export function supergraphAt(sdl: string, subgraphUrls: Record<string, string>): string {
  return sdl.replace(/@join__graph\(name: "([^"]+)", url: "[^"]*"\)/g, (_whole, name: string) => {
    const url = subgraphUrls[name];
    if (url === undefined) throw new Error(`no URL for subgraph ${name}`);
    return `@join__graph(name: "${name}", url: "${url}")`;
  });
}
