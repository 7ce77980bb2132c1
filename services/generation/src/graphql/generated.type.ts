import 'reflect-metadata';

import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

import { AD_FORMATS, type AdFormat } from '../domain/copy.js';
import { type Angle, ANGLES } from '../domain/loop/angles.js';

/** The ad formats as a GraphQL enum (names and values are the domain's). */
export const AdFormatValue = Object.fromEntries(AD_FORMATS.map((f) => [f, f])) as {
  [F in AdFormat]: F;
};

registerEnumType(AdFormatValue, {
  name: 'AdFormat',
  description: 'Where an ad runs; each format has its own length bounds.',
  valuesConfig: {
    BANNER: { description: 'A display banner: headline ≤ 40 characters, body ≤ 125.' },
    SOCIAL: {
      description:
        'A social media post: headline ≤ 40 characters, body ≤ 125, hashtags from the item tags.',
    },
    EMAIL_SUBJECT: {
      description:
        'A marketing e-mail: the headline is the subject line (≤ 60 characters), the body the preheader (≤ 125).',
    },
  },
});

/** The angles as a GraphQL enum, values upper case (`interest` → `INTEREST`). */
export const CreativeAngleValue = Object.fromEntries(ANGLES.map((a) => [a.toUpperCase(), a])) as {
  [A in Angle as Uppercase<A>]: A;
};

registerEnumType(CreativeAngleValue, {
  name: 'CreativeAngle',
  description:
    'What a variant of generated copy leads with. Each item offers the angles its facts can back; a bandit chooses which one a user sees.',
  valuesConfig: {
    INTEREST: {
      description: "The user's interest the item carries, or the new ground next to it.",
    },
    VALUE: { description: 'The price and the concrete facts of the item.' },
    POPULARITY: {
      description: 'That the item is marked popular (a bestseller tag, say); offered only then.',
    },
    NOVELTY: {
      description: "What the item brings that the user's interests do not cover yet.",
    },
  },
});

@ObjectType('AngleProbability', {
  description: 'One angle an item offered a user, with the probability the bandit gave it.',
})
export class AngleProbability {
  @Field(() => CreativeAngleValue, { description: 'The angle.' })
  angle!: Angle;

  @Field(() => Float, { description: 'Its probability of being shown, 0 to 1.' })
  probability!: number;
}

@ObjectType('VariantChoice', {
  description:
    "Why a user sees this variant: the bandit's context bucket and the odds it gave each angle the item offered, as logged with the choice.",
})
export class VariantChoiceView {
  @Field(() => String, {
    description:
      'The context bucket the choice was made and learns in: format, surface and the user\'s top category, e.g. "thumbnail|home|outdoor" (the list\'s surface, "api" for a list asked without one and "any" for copy asked outside a list; "none" for a user without a profile).',
  })
  bucket!: string;

  @Field(() => Float, {
    description:
      'The probability the policy gave the angle shown (the propensity logged for off-policy evaluation); 1 when the variants were off.',
  })
  propensity!: number;

  @Field(() => [AngleProbability], {
    description:
      'Every angle the item offered this user with its probability (they sum to 1), most probable first; only the interest angle when the variants were off.',
  })
  offered!: AngleProbability[];

  @Field(() => Boolean, {
    description:
      'True when the bandit chose; false when the variants were off for this user (their experiment arm, or GENERATION_VARIANTS=false) and the interest angle was shown.',
  })
  byBandit!: boolean;

  @Field(() => Date, {
    description:
      'When the choice was made. A user keeps a choice for GENERATION_VARIANT_STICKY_MS, so a refreshed list can show one made for an earlier list.',
  })
  chosenAt!: Date;
}

const CREATIVE_ID_DESCRIPTION =
  'Stable id of this variant: the same for the same item, angle, format and prompt version on every replica. Send it as context.creativeId with the events it earns (click, like, add_to_cart, purchase) so they are credited to it.';
const CHOICE_DESCRIPTION =
  'How the bandit chose this variant for this user: its context bucket and the odds of each angle offered. Null when no choice was made (a thumbnail asked without a user).';
const ANGLE_DESCRIPTION =
  'The angle this variant leads with, chosen for this user by the bandit among those the item offers.';

@ObjectType('GeneratedText', {
  description: 'A text written for one user about one item, labelled with who wrote it.',
})
export class GeneratedText {
  @Field(() => String, { description: 'The text: 30 to 90 words, every fact in it from the item.' })
  text!: string;

  @Field(() => String, {
    description: 'Writer that produced the text: "template" or "openai-compatible".',
  })
  provider!: string;

  @Field(() => String, {
    description: 'Model of the writer, e.g. "tailor-template" or "gpt-4o-mini".',
  })
  model!: string;

  @Field(() => String, { description: 'Version of the prompt or template phrasings.' })
  promptVersion!: string;

  @Field(() => Boolean, {
    description: 'True only when the text passed the grounding and length check.',
  })
  grounded!: boolean;

  @Field(() => String, {
    nullable: true,
    description:
      'Why the configured LLM did not write it and the template did (e.g. "timeout after 8000 ms", "http 500", "ungrounded (2 problems)", "request budget exhausted; model answer pending", "generation queue full"); null when the configured writer answered.',
  })
  fallbackReason!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'The user\'s interest this copy was written around, in words (e.g. "camping"), whether the item carries it or is new ground next to it; null when the copy names none (no profile yet).',
  })
  interest!: string | null;

  @Field(() => Boolean, {
    description:
      "True when the configured LLM is still writing this text in the background: this answer is the template's, standing in (see fallbackReason), and a later request for the same item and interests gets the model's once it is written and has passed the grounding check. False for a model answer, a cached answer, or when no LLM is configured.",
  })
  modelAnswerPending!: boolean;

  @Field(() => ID, { description: CREATIVE_ID_DESCRIPTION })
  creativeId!: string;

  @Field(() => CreativeAngleValue, { description: ANGLE_DESCRIPTION })
  angle!: Angle;

  @Field(() => VariantChoiceView, { nullable: true, description: CHOICE_DESCRIPTION })
  choice!: VariantChoiceView | null;
}

@ObjectType('Ad', {
  description: 'A short ad for one item and one user, labelled with who wrote it.',
})
export class Ad {
  @Field(() => String, {
    description:
      'Headline (≤ 40 characters; ≤ 60 for EMAIL_SUBJECT, where it is the subject line).',
  })
  headline!: string;

  @Field(() => String, {
    description: 'Body text, ≤ 125 characters (the preheader for EMAIL_SUBJECT).',
  })
  body!: string;

  @Field(() => String, { description: 'Call to action, ≤ 20 characters, e.g. "Shop now".' })
  callToAction!: string;

  @Field(() => String, {
    description: 'Writer that produced the ad: "template" or "openai-compatible".',
  })
  provider!: string;

  @Field(() => String, { description: 'Model of the writer.' })
  model!: string;

  @Field(() => String, { description: 'Version of the prompt or template phrasings.' })
  promptVersion!: string;

  @Field(() => Boolean, {
    description: 'True only when every part passed the grounding and length check.',
  })
  grounded!: boolean;

  @Field(() => String, {
    nullable: true,
    description:
      'Why the configured LLM did not write it and the template did; null when the configured writer answered.',
  })
  fallbackReason!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'The user\'s interest this copy was written around, in words (e.g. "camping"), whether the item carries it or is new ground next to it; null when the copy names none (no profile yet).',
  })
  interest!: string | null;

  @Field(() => Boolean, {
    description:
      "True when the configured LLM is still writing this ad in the background: this answer is the template's, standing in (see fallbackReason), and a later request for the same item and interests gets the model's once it is written and has passed the grounding check. False for a model answer, a cached answer, or when no LLM is configured.",
  })
  modelAnswerPending!: boolean;

  @Field(() => ID, { description: CREATIVE_ID_DESCRIPTION })
  creativeId!: string;

  @Field(() => CreativeAngleValue, { description: ANGLE_DESCRIPTION })
  angle!: Angle;

  @Field(() => VariantChoiceView, { nullable: true, description: CHOICE_DESCRIPTION })
  choice!: VariantChoiceView | null;
}

@ObjectType('Thumbnail', { description: 'A personalised product card picture (PNG).' })
export class Thumbnail {
  @Field(() => String, {
    description:
      'Absolute URL of the PNG, content-addressed (/thumbnails/<sha256>.png): its bytes never change.',
  })
  url!: string;

  @Field(() => String, { description: 'What the picture shows, for screen readers.' })
  altText!: string;

  @Field(() => Int, { description: 'Width in pixels, exactly as asked.' })
  width!: number;

  @Field(() => Int, { description: 'Height in pixels, exactly as asked.' })
  height!: number;

  @Field(() => String, {
    description:
      "The badge text the picture shows: the user's interests the item carries, or what is new for them about it; the category when asked without a user.",
  })
  badge!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'The user\'s interest the badge was written around, in words (e.g. "camping"); null when it names none (no user, or no profile yet).',
  })
  interest!: string | null;

  @Field(() => ID, { description: CREATIVE_ID_DESCRIPTION })
  creativeId!: string;

  @Field(() => CreativeAngleValue, { description: ANGLE_DESCRIPTION })
  angle!: Angle;

  @Field(() => VariantChoiceView, { nullable: true, description: CHOICE_DESCRIPTION })
  choice!: VariantChoiceView | null;
}

@ObjectType('GenerationSettings', {
  description: 'How this deployment writes copy and draws thumbnails.',
})
export class GenerationSettings {
  @Field(() => String, { description: 'Configured writer: "template" or "openai-compatible".' })
  provider!: string;

  @Field(() => String, { description: 'Model of the configured writer.' })
  model!: string;

  @Field(() => String, { description: 'Prompt or template version in use.' })
  promptVersion!: string;

  @Field(() => Int, { description: 'Fewest words of a description.' })
  descriptionMinWords!: number;

  @Field(() => Int, { description: 'Most words of a description.' })
  descriptionMaxWords!: number;

  @Field(() => Int, { description: 'Smallest thumbnail side, in pixels.' })
  thumbnailMinSide!: number;

  @Field(() => Int, { description: 'Largest thumbnail side, in pixels.' })
  thumbnailMaxSide!: number;
}
