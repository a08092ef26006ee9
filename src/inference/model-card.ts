/**
 * The model card: everything the server needs to validate, run and explain a model, and what a reader needs to trust
 * it.
 */
import { z } from 'zod';
import { featureKindSchema, featureSpecSchema } from '@/features/feature-set';

const interval = z.object({ estimate: z.number(), lower: z.number(), upper: z.number() });

const atThreshold = z.object({
  threshold: z.number(),
  sensitivity: z.number(),
  specificity: z.number(),
  ppv: z.number(),
  npv: z.number(),
  f1: z.number(),
  mcc: z.number(),
});

const calibrationBin = z.object({
  lower: z.number(),
  upper: z.number(),
  count: z.number().int(),
  meanPredicted: z.number().nullable(),
  observedRate: z.number().nullable(),
});

/**
 * Threshold-dependent metrics with the threshold chosen inside each outer training fold by the model's own rule (on
 * predictions for training-fold rows the fitted model had not seen), then applied to that fold's test rows: what a
 * threshold chosen without the test data achieves. The shipped threshold is chosen on all out-of-fold data instead.
 */
export const foldThresholdMetricsSchema = z.object({
  /** How each fold's threshold was chosen, in words. */
  rule: z.string(),
  /** Outer folds, each with its own threshold. */
  folds: z.number().int().positive(),
  /** The folds' thresholds: lowest, median, highest. */
  thresholds: z.object({ min: z.number(), median: z.number(), max: z.number() }),
  sensitivity: interval,
  specificity: interval,
  ppv: interval,
  npv: interval,
  f1: interval,
  mcc: interval,
  /** PhysioNet/CinC 2012 Event 1, min(sensitivity, PPV) (icu-mortality). */
  event1: interval.optional(),
  /** PhysioNet/CinC 2019 normalized utility (sepsis). */
  utility: interval.optional(),
});
export type FoldThresholdMetrics = z.infer<typeof foldThresholdMetricsSchema>;

export const modelMetricsSchema = z.object({
  /** Pooled over every out-of-fold prediction, with a bootstrap interval. */
  auroc: interval,
  /** Mean and SD of the AUROC of each test fold: how published cross-validations usually report it. */
  aurocFoldMean: z.object({ mean: z.number(), sd: z.number() }),
  auprc: interval,
  brier: interval,
  /** Expected calibration error over the 10 reliability bins. */
  ece: z.number(),
  calibration: z.array(calibrationBin),
  atThreshold,
  /** Sensitivity etc. with 95% intervals, for the threshold above. */
  atThresholdIntervals: z.object({
    sensitivity: interval,
    specificity: interval,
    ppv: interval,
    f1: interval,
    mcc: interval,
  }),
  roc: z.array(z.object({ fpr: z.number(), tpr: z.number(), threshold: z.number() })),
  /** PhysioNet 2019 normalized utility (sepsis only). */
  utility: interval.optional(),
  /** PhysioNet/CinC 2012 Event 1 = min(sensitivity, PPV) at the threshold above (icu-mortality). */
  event1: interval.optional(),
  /**
   * Hosmer–Lemeshow H over 10 groups by deciles of predicted risk (the challenge's Event 2): the mean over the repeats
   * of H on each repeat's out-of-fold predictions, a bootstrap interval over stays, df = groups − 2 and the χ² p-value
   * of that mean (icu-mortality).
   */
  hosmerLemeshow: z
    .object({ h: interval, groups: z.number().int(), df: z.number().int(), pValue: z.number() })
    .optional(),
  /** The same threshold-dependent metrics with the threshold chosen inside each training fold. */
  atFoldThresholds: foldThresholdMetricsSchema.optional(),
});
export type ModelMetrics = z.infer<typeof modelMetricsSchema>;

/** An observation code a timeline model reads (src/features/timeline.ts `ObservationSpec`, as the card lists it). */
export const observationSpecSchema = z.object({
  name: z.string().min(1),
  label: z.string().min(1),
  unit: z.string().nullable(),
  description: z.string().min(1),
  kind: z.union([featureKindSchema, z.literal('categorical')]),
  codes: z.array(z.object({ value: z.number(), label: z.string().min(1) })).optional(),
  min: z.number(),
  max: z.number(),
  atAdmissionOnly: z.boolean().optional(),
  units: z
    .array(z.object({ from: z.number(), to: z.number(), divideBy: z.number().positive(), why: z.string().min(1) }))
    .optional(),
});

/**
 * A model that reads a stay's course: which pure function in src/features turns the observations into its vector
 * (`TIMELINE_FUNCTIONS`), over which window, and the observation codes it takes.
 */
export const timelineInputSchema = z.object({
  function: z.string().min(1),
  /**
   * Minutes from admission the function reads, scoring at their end (icu-mortality: 2880, the first 48 h); null: the
   * course up to its latest observation (sepsis, hour by hour).
   */
  windowMinutes: z.number().int().positive().nullable(),
  /**
   * A model without a window: the latest minute from admission it can score (sepsis: hour 336, where the challenge cut
   * every stay); a later observation is refused.
   */
  lastMinute: z.number().int().positive().optional(),
  observations: z.array(observationSpecSchema).min(1),
});

export const modelCardSchema = z
  .object({
    cardVersion: z.literal(1),
    id: z.string().regex(/^[a-z][a-z0-9-]*$/),
    name: z.string(),
    version: z.string(),
    outcome: z.string(),
    description: z.string(),
    intendedUse: z.string(),
    limitations: z.array(z.string()).min(1),
    dataset: z.object({
      name: z.string(),
      citation: z.string(),
      licence: z.string(),
      url: z.string().url(),
      file: z.string(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      rows: z.number().int().positive(),
      positives: z.number().int().nonnegative(),
      /** Distinct patients, where a patient contributes several rows. */
      patients: z.number().int().positive().optional(),
      preprocessing: z.array(z.string()),
    }),
    /**
     * The inputs a client sends, in the order of the model's vector. Empty for a model that takes only a timeline: its
     * whole vector is then `derivedFeatures`, computed by the timeline function.
     */
    features: z.array(featureSpecSchema),
    /** Features the server computes from the inputs (or from the timeline), appended to the vector after them. */
    derivedFeatures: z.array(
      z.object({
        name: z.string(),
        label: z.string(),
        description: z.string(),
        unit: z.string().nullable().optional(),
      }),
    ),
    /** Present when the model takes a stay's observations (`predict(input: { observations })`). */
    timeline: timelineInputSchema.optional(),
    onnx: z.object({
      file: z.string(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      inputName: z.string(),
      /**
       * The float [N, 2] tensor holding [1 − p, p]; for a graph ending in a ZipMap, the tensor that feeds it (skl2onnx:
       * "probabilities").
       */
      probabilityOutput: z.string(),
      trees: z.number().int().positive(),
      /**
       * For models exported elsewhere (skl2onnx, onnxmltools) whose graph carries no covers: a CSV beside
       * the card, header = the input feature names, empty cell = missing, whose rows give the covers
       * TreeSHAP needs (rows reaching each node). Read only when the graph has no covers.
       */
      background: z
        .object({
          file: z.string(),
          sha256: z.string().regex(/^[0-9a-f]{64}$/),
          rows: z.number().int().positive(),
        })
        .optional(),
    }),
    threshold: z.object({ value: z.number().min(0).max(1), rule: z.string() }),
    /** LOW below `moderateFrom`, MODERATE below `highFrom`, HIGH from `highFrom` (the decision threshold). */
    riskBands: z.object({
      moderateFrom: z.number().min(0).max(1),
      highFrom: z.number().min(0).max(1),
      rule: z.string(),
    }),
    evaluation: z.object({
      method: z.string(),
      folds: z.number().int(),
      repeats: z.number().int(),
      groupedBy: z.string().nullable(),
      gbdt: modelMetricsSchema,
      baseline: modelMetricsSchema,
      /**
       * A published severity score evaluated on the same folds (icu-mortality: SAPS-I from the outcomes files), as a
       * probability by a logistic recalibration fitted in each training fold.
       */
      scoreBaseline: z.object({ name: z.string(), description: z.string(), metrics: modelMetricsSchema }).optional(),
      /** Further comparisons made to choose the model (e.g. feature sets), each with its AUROC. */
      comparisons: z.array(
        z.object({
          name: z.string(),
          description: z.string(),
          auroc: interval,
          /** Normalized challenge utility at the candidate's own threshold (sepsis). */
          utility: interval.optional(),
          note: z.string().optional(),
        }),
      ),
      /** Patient-level alarm behaviour implied by the threshold (sepsis only). */
      alarms: z.record(z.string(), z.number()).optional(),
      /**
       * Transfer check: the model's recipe fitted on one unit of the data (sepsis: an ICU type) and tested on another,
       * every choice (hyper-parameters, threshold) made inside the training unit.
       */
      transfer: z
        .object({
          method: z.string(),
          results: z.array(
            z.object({
              train: z.string(),
              test: z.string(),
              thresholdFrom: z.string(),
              trainRows: z.number().int(),
              trainPatients: z.number().int(),
              rows: z.number().int(),
              patients: z.number().int(),
              positivePatients: z.number().int(),
              auroc: z.number(),
              threshold: z.number(),
              utility: z.number().optional(),
            }),
          ),
        })
        .optional(),
    }),
    /** Mean |TreeSHAP contribution| (log-odds) of every feature of the vector over the training rows, largest first. */
    globalImportance: z.array(z.object({ name: z.string(), meanAbsContribution: z.number() })),
    /** How many training rows that mean is over (all of them, or an evenly spaced sample). */
    globalImportanceRows: z.number().int().positive(),
    training: z.object({
      algorithm: z.string(),
      seed: z.number().int(),
      params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
      selection: z.string(),
      baseline: z.string(),
    }),
  })
  .refine((card) => card.features.length > 0 || card.timeline !== undefined, {
    message: 'a model takes inputs (`features`), a timeline (`timeline`), or both',
    path: ['features'],
  });
export type ModelCard = z.infer<typeof modelCardSchema>;
export type TimelineInput = z.infer<typeof timelineInputSchema>;
