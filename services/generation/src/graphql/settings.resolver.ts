import 'reflect-metadata';

import { Query, Resolver } from 'type-graphql';

import { DESCRIPTION_WORDS } from '../domain/copy.js';
import { THUMBNAIL_LIMITS } from '../domain/thumbnail.js';
import type { WriterIdentity } from '../writers/copy-writer.js';
import { GenerationSettings } from './generated.type.js';

/** The identity of the configured writer, handed in at start. */
export class SettingsSource {
  constructor(readonly writer: WriterIdentity) {}
}

@Resolver()
export class SettingsResolver {
  constructor(private readonly source: SettingsSource) {}

  @Query(() => GenerationSettings, {
    description:
      'Which writer this deployment uses and the bounds every generated text and thumbnail keeps.',
  })
  generationSettings(): GenerationSettings {
    return {
      ...this.source.writer,
      descriptionMinWords: DESCRIPTION_WORDS.min,
      descriptionMaxWords: DESCRIPTION_WORDS.max,
      thumbnailMinSide: THUMBNAIL_LIMITS.minSide,
      thumbnailMaxSide: THUMBNAIL_LIMITS.maxSide,
    };
  }
}
