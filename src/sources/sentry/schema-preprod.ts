/** Schemas of preprod artifact (mobile build) deliveries. */

import { z } from 'zod';
import { envelope, numLike, optId, sentryId, str } from './schema-common.js';

const appInfo = z.looseObject({
  appId: str,
  name: str,
  version: str,
  buildNumber: numLike,
  artifactType: str,
  dateAdded: str,
  dateBuilt: str,
});

const preprodCommon = {
  buildId: sentryId,
  organizationSlug: str,
  projectSlug: str,
  platform: str,
  state: z.string().min(1),
  appInfo: appInfo.nullish(),
  gitInfo: z
    .looseObject({
      headSha: str,
      baseSha: str,
      provider: str,
      headRepoName: str,
      baseRepoName: str,
      headRef: str,
      baseRef: str,
      prNumber: z.union([z.number().int(), z.string()]).nullish(),
    })
    .nullish(),
  errorCode: str,
  errorMessage: str,
};

const sizeMetricDiff = z.looseObject({
  headInstallSize: z.number().nullish(),
  headDownloadSize: z.number().nullish(),
  baseInstallSize: z.number().nullish(),
  baseDownloadSize: z.number().nullish(),
});

export const preprodSizeSchema = z.looseObject({
  ...envelope,
  data: z.looseObject({
    ...preprodCommon,
    downloadSize: z.number().nullish(),
    installSize: z.number().nullish(),
    analysisDuration: z.number().nullish(),
    baseBuildId: optId,
    baseAppInfo: appInfo.nullish(),
    comparisons: z
      .array(
        z.looseObject({
          // Sentry names the artifact kind; one it leaves unnamed is still a component of the build.
          metricsArtifactType: str,
          identifier: str,
          state: z.string(),
          errorCode: str,
          errorMessage: str,
          sizeMetricDiff: sizeMetricDiff.nullish(),
        }),
      )
      .nullish(),
  }),
});

export const preprodDistributionSchema = z.looseObject({
  ...envelope,
  data: z.looseObject({
    ...preprodCommon,
    buildConfiguration: str,
    isInstallable: z.boolean().nullish(),
    installUrl: str,
    isCodeSignatureValid: z.boolean().nullish(),
    profileName: str,
    codesigningType: str,
  }),
});
