/** The shapes of generated copy and the bounds every writer must keep. */

/** Where an ad runs: a display banner, a social post, or an email's subject and preheader. */
export const AD_FORMATS = ['BANNER', 'SOCIAL', 'EMAIL_SUBJECT'] as const;
export type AdFormat = (typeof AD_FORMATS)[number];

/** What is generated. */
export type CopyKind = 'description' | 'ad';

/** A personalized description. */
export interface DescriptionCopy {
  text: string;
}

/** An ad: headline, body and call to action. */
export interface AdCopy {
  headline: string;
  body: string;
  callToAction: string;
}

/** Word bounds of a description. */
export const DESCRIPTION_WORDS = { min: 30, max: 90 } as const;

/** Character bounds of an ad's parts. */
export interface AdLimits {
  headlineChars: number;
  bodyChars: number;
  callToActionChars: number;
}

/**
 * Per format. An email subject line gets 60 characters (what mail clients show before cutting);
 * its body is the preheader. Banner and social headlines keep to 40.
 */
export const AD_LIMITS: Readonly<Record<AdFormat, AdLimits>> = {
  BANNER: { headlineChars: 40, bodyChars: 125, callToActionChars: 20 },
  SOCIAL: { headlineChars: 40, bodyChars: 125, callToActionChars: 20 },
  EMAIL_SUBJECT: { headlineChars: 60, bodyChars: 125, callToActionChars: 20 },
};

/** Version of the template phrasings; part of cache keys and of every answer's label. */
export const TEMPLATE_VERSION = 'template-v2';
/** Model name the template writer reports. */
export const TEMPLATE_MODEL = 'tailor-template';
/** Provider names as answers report them. */
export const TEMPLATE_PROVIDER = 'template';
export const OPENAI_PROVIDER = 'openai-compatible';
