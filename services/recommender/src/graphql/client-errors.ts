import { BadUserInputError } from '@tailor/kit';

import { RecommendationArgumentError } from '../domain/request.js';

/** Turns the domain's argument errors into BAD_USER_INPUT naming the argument. */
export async function clientErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof RecommendationArgumentError) {
      throw new BadUserInputError(err.message, err.argument);
    }
    throw err;
  }
}
