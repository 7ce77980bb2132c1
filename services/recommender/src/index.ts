// The recommender service's public face: what the mesh, the tests and the tools import.
// reflect-metadata comes first: the resolver classes behind these modules are decorated as they
// load.
import 'reflect-metadata';

export { type RecommenderConfig, recommenderEnvShape } from './config.js';
export type { RecommenderDeps } from './deps.js';
export { REASON_LIMITS } from './domain/reasons.js';
export { RECOMMENDATION_LIMITS } from './domain/request.js';
export { TRENDING_EVENT_WEIGHTS } from './domain/trending.js';
export { type RunningRecommender, startRecommender } from './subgraph.js';
export { TRENDING_GROUP_ID } from './trending.service.js';
