/** Building blocks shared by the Sentry webhook schemas. */

import { z } from 'zod';

export const sentryId = z.union([z.string().min(1), z.number().int().nonnegative()]);
export const str = z.string().nullish();
export const numLike = z.union([z.number(), z.string()]).nullish();
export const record = z.record(z.string(), z.unknown()).nullish();

export const actorSchema = z
  .looseObject({ type: str, id: z.union([z.string(), z.number()]).nullish(), name: str, email: str })
  .nullish();

export const envelope = {
  action: z.string().min(1),
  installation: z.looseObject({ uuid: z.string().min(1) }).nullish(),
  actor: actorSchema,
};

