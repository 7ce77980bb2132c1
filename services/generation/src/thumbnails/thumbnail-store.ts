import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { Logger } from '@tailor/kit';

import { LruCache } from '../cache/lru-cache.js';
import type { ThumbnailRenderer } from './renderer.js';

/** A thumbnail's name: the SHA-256 of its SVG, hex. */
export const THUMBNAIL_HASH = /^[0-9a-f]{64}$/;

/** SVGs kept in memory for rendering on first fetch (the disk copy stays). */
const SVG_MEMORY_ENTRIES = 1_024;

/** Options of {@link ThumbnailStore}. */
export interface ThumbnailStoreOptions {
  /** Where `<hash>.svg` and `<hash>.png` are kept. */
  dir: string;
  /** Bytes of rendered PNGs kept in memory. */
  maxMemoryBytes: number;
  /**
   * Bytes of files kept in `dir`; past it the oldest are deleted. Any caller can mint a new
   * size, so without a bound the directory would grow without end.
   */
  maxDiskBytes: number;
  renderer: ThumbnailRenderer;
  logger: Logger;
}

/**
 * Content-addressed thumbnails. A query only composes the SVG and names it by its hash; the
 * PNG is rendered when the URL is first fetched, then kept in memory (LRU, bounded in bytes)
 * and on disk, so a URL stays good across restarts and nothing is rendered that no one views.
 */
export class ThumbnailStore {
  private readonly svgs = new LruCache<string, string>({ maxEntries: SVG_MEMORY_ENTRIES });
  private readonly pngs: LruCache<string, Buffer>;
  private readonly rendering = new Map<string, Promise<Buffer | undefined>>();
  private readonly log: Logger;
  private ready: Promise<void> | undefined;
  /** Files on disk, oldest first (a Map keeps insertion order), with their sizes. */
  private readonly onDisk = new Map<string, number>();
  private diskBytes = 0;

  constructor(private readonly options: ThumbnailStoreOptions) {
    this.pngs = new LruCache({
      maxSize: options.maxMemoryBytes,
      sizeOf: (png) => png.length,
    });
    this.log = options.logger.child({ component: 'thumbnail-store' });
  }

  /** Keeps the SVG for later rendering and returns its hash. */
  async remember(svg: string): Promise<string> {
    const hash = createHash('sha256').update(svg).digest('hex');
    if (!this.svgs.has(hash)) {
      this.svgs.set(hash, svg);
      await this.writeOnce(`${hash}.svg`, svg);
    }
    return hash;
  }

  /** The PNG of a remembered SVG, rendered at most once; undefined for an unknown hash. */
  async png(hash: string): Promise<Buffer | undefined> {
    if (!THUMBNAIL_HASH.test(hash)) return undefined;
    const cached = this.pngs.get(hash);
    if (cached !== undefined) return cached;
    let pending = this.rendering.get(hash);
    if (pending === undefined) {
      pending = this.load(hash).finally(() => this.rendering.delete(hash));
      this.rendering.set(hash, pending);
    }
    return pending;
  }

  private async load(hash: string): Promise<Buffer | undefined> {
    const fromDisk = await this.read(`${hash}.png`);
    if (fromDisk !== undefined) {
      this.pngs.set(hash, fromDisk);
      return fromDisk;
    }
    const svg = this.svgs.get(hash) ?? (await this.read(`${hash}.svg`))?.toString('utf8');
    if (svg === undefined) return undefined;
    const png = await this.options.renderer.render(svg);
    this.pngs.set(hash, png);
    await this.writeOnce(`${hash}.png`, png);
    this.log.debug({ hash, bytes: png.length }, 'thumbnail rendered');
    return png;
  }

  private async read(file: string): Promise<Buffer | undefined> {
    try {
      return await readFile(join(this.options.dir, file));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** Write-then-rename, so a reader never sees half a file; a failed write only costs a re-render. */
  private async writeOnce(file: string, data: string | Buffer): Promise<void> {
    this.ready ??= this.scanDisk();
    try {
      await this.ready;
      const temp = join(this.options.dir, `${file}.${randomUUID()}.tmp`);
      await writeFile(temp, data);
      await rename(temp, join(this.options.dir, file));
      this.track(file, Buffer.byteLength(data));
      await this.evict();
    } catch (err) {
      this.log.warn({ err, file }, 'could not keep thumbnail on disk');
    }
  }

  /** What a restart finds on disk counts against the bound too, oldest first. */
  private async scanDisk(): Promise<void> {
    await mkdir(this.options.dir, { recursive: true });
    const files = await Promise.all(
      (await readdir(this.options.dir))
        .filter((name) => /\.(svg|png)$/.test(name))
        .map(async (name) => ({ name, info: await stat(join(this.options.dir, name)) })),
    );
    files.sort((a, b) => a.info.mtimeMs - b.info.mtimeMs);
    for (const { name, info } of files) this.track(name, info.size);
  }

  private track(file: string, bytes: number): void {
    this.diskBytes += bytes - (this.onDisk.get(file) ?? 0);
    this.onDisk.delete(file);
    this.onDisk.set(file, bytes);
  }

  private async evict(): Promise<void> {
    for (const [file, bytes] of this.onDisk) {
      if (this.diskBytes <= this.options.maxDiskBytes) return;
      this.onDisk.delete(file);
      this.diskBytes -= bytes;
      await unlink(join(this.options.dir, file)).catch(() => undefined);
    }
  }
}
