// The bundler inlines .graphql files as text (esbuild's text loader), so the page runs the very
// operations checked in under graph/operations.
declare module '*.graphql' {
  const text: string;
  export default text;
}
