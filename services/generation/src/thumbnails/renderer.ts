import { createRequire } from 'node:module';

import { renderAsync } from '@resvg/resvg-js';

import { THUMBNAIL_FONT_FAMILY } from '../domain/thumbnail.js';

/** Turns a composed SVG into PNG bytes. */
export interface ThumbnailRenderer {
  render(svg: string): Promise<Buffer>;
}

/**
 * The Inter font files (SIL Open Font License 1.1) as shipped in `@expo-google-fonts/inter`:
 * loaded from the package at run time, so the picture is the same on every machine whatever
 * fonts it has installed.
 */
export function interFontFiles(): string[] {
  const require = createRequire(import.meta.url);
  return ['400Regular', '700Bold'].map((weight) =>
    require.resolve(`@expo-google-fonts/inter/${weight}/Inter_${weight}.ttf`),
  );
}

/**
 * A renderer on resvg. Rendering runs on libuv's thread pool (`renderAsync`), so it does not
 * hold up the event loop. System fonts are never loaded: only the shipped ones.
 */
export function createResvgRenderer(
  fontFiles: readonly string[] = interFontFiles(),
): ThumbnailRenderer {
  const options = {
    fitTo: { mode: 'original' as const },
    font: {
      fontFiles: [...fontFiles],
      loadSystemFonts: false,
      defaultFontFamily: THUMBNAIL_FONT_FAMILY,
    },
    logLevel: 'off' as const,
  };
  return {
    render: async (svg) => (await renderAsync(svg, options)).asPng(),
  };
}
