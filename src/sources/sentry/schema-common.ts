/** Building blocks shared by the Sentry webhook schemas. */

import { z } from 'zod';

export const sentryId = z.union([z.string().min(1), z.number().int().nonnegative()]);
export const str = z.string().nullish();
/** An id that names something besides the event itself: Sentry may send it empty; `idString` reads "" as absent. */
export const optId = z.union([z.string(), z.number().int().nonnegative()]).nullish();
/** A list of names in which Sentry may leave holes (null or ""); the holes are dropped. */
export const names = z
  .array(z.string().nullish())
  .nullish()
  .transform((a) => (a == null ? a : a.filter((v): v is string => typeof v === 'string' && v.trim() !== '')));
export const numLike = z.union([z.number(), z.string()]).nullish();
export const record = z.record(z.string(), z.unknown()).nullish();

export const actorSchema = z.looseObject({ type: str, id: z.union([z.string(), z.number()]).nullish(), name: str, email: str }).nullish();

export const envelope = {
  action: z.string().min(1),
  installation: z.looseObject({ uuid: z.string().min(1) }).nullish(),
  actor: actorSchema,
};

/**
 * An alert-rule action's saved settings, `[{name, value}]`. Anything else reads as none: a
 * settings list we can't read must not cost the alert its delivery.
 */
export const settingList = z
  .array(z.looseObject({ name: str, value: z.unknown() }))
  .nullish()
  .catch(undefined);
