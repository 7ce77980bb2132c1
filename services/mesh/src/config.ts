import { catalogEnvShape } from '@tailor/catalog';
import { eventsEnvShape } from '@tailor/events';
import { generationEnvShape } from '@tailor/generation';
import { authModeEnv, gatewayEnvShape, refineGatewayAuthEnv } from '@tailor/graph';
import { adapterEnvShape, baseEnvShape, env } from '@tailor/kit';
import { profilesEnvShape } from '@tailor/profiles';
import { recommenderEnvShape } from '@tailor/recommender';
import { trainerEnvShape } from '@tailor/trainer';
import { z } from 'zod';

/** Every variable of every service, plus the mesh's own: one process reads them all. */
export const meshEnvSchema = z
  .object({
    ...baseEnvShape,
    ...adapterEnvShape,
    ...catalogEnvShape,
    ...eventsEnvShape,
    ...profilesEnvShape,
    ...recommenderEnvShape,
    ...trainerEnvShape,
    ...generationEnvShape,
    ...gatewayEnvShape,
    /** One process on one machine: no tokens unless asked for; the gateway warns at start. */
    AUTH_MODE: authModeEnv('off'),
    /** Publish the demo users' histories on first start, so personalization shows at once. */
    MESH_SEED_DEMO_USERS: env.bool(true),
  })
  .superRefine(refineGatewayAuthEnv);

export type MeshConfig = z.output<typeof meshEnvSchema>;
