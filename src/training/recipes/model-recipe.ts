/** What it takes to train one model: its description, data, features, validation design and search space. */
import type { FeatureSet } from '@/features/feature-set';
import type { ModelCard } from '@/inference/model-card';
import type { Dataset } from '../dataset';
import type { GbdtSearch, InnerValidation } from '../model-selection';
import type { TransferUnits } from '../transfer-check';

export type Progress = (message: string) => void;

export interface TrainingData {
  data: Dataset;
  sha256: string;
  rows: number;
  positives: number;
  patients?: number;
  preprocessing: string[];
  /** Sepsis only: hourly SepsisLabel per row, rows of a patient contiguous in hour order (for the utility score). */
  hourly?: true;
  /** The recipe's severity score of each row (NaN when unknown), for its score baseline. */
  score?: Float64Array;
}

/** A set of the recipe's inputs to compare in cross-validation before committing to one. */
export interface FeatureSetCandidate {
  name: string;
  description: string;
  /** Inputs used, in vector order (names from the recipe's feature set). */
  inputs: string[];
  /** Optional inputs hidden (set missing) in this share of training rows, so the model learns their absence. */
  hideOptionalShare: number;
}

export interface ModelRecipe {
  id: string;
  card: Pick<ModelCard, 'name' | 'version' | 'outcome' | 'description' | 'intendedUse' | 'limitations'>;
  dataset: Pick<ModelCard['dataset'], 'name' | 'citation' | 'licence' | 'url' | 'file'>;
  featureSet: FeatureSet;
  load(dataDir: string, progress: Progress): Promise<TrainingData>;
  /**
   * Outer cross-validation; grouped by patient when the data has groups. `reuseHoldoutFit`: with a
   * single inner hold-out, each fold keeps the model fitted during selection instead of refitting.
   */
  evaluation: { folds: number; repeats: number; reuseHoldoutFit?: boolean };
  search: GbdtSearch;
  /** The logistic baseline; `features`: the vector columns it reads (default: all). */
  baseline: { l2Grid: number[]; inner: InnerValidation; features?: string[] };
  /**
   * How the decision threshold is chosen: the shipped one on all out-of-fold predictions, and each outer fold's own
   * (for the honest metrics) on predictions for its training rows. `event1`: maximise min(sensitivity, PPV).
   */
  thresholdRule: 'youden' | 'utility' | 'event1';
  /**
   * A timeline model: the name of its function in TIMELINE_FUNCTIONS, whose vector is the whole dataset (the feature
   * set then has no inputs); the card gets a `timeline` section and lists the vector as derived features.
   */
  timeline?: string;
  /** Report Hosmer–Lemeshow H (10 groups by deciles of risk) on the out-of-fold predictions. */
  hosmerLemeshow?: boolean;
  /** A published severity score compared on the same folds (`TrainingData.score` holds it). */
  scoreBaseline?: { name: string; description: string; l2: number };
  /** Candidates compared by cross-validation; the first is the reference. Absent: all inputs. */
  featureCandidates?: FeatureSetCandidate[];
  /**
   * Transfer check reported in the card: the recipe fitted on one unit of its data and tested on another (each
   * direction), the threshold chosen inside the training unit (out-of-fold in `thresholdFolds` grouped folds, or its
   * inner hold-out when absent).
   */
  transferCheck?: { method: string; thresholdFolds?: number; units(dataDir: string): Promise<TransferUnits> };
  /** Comparisons made outside a training run (experiments on the same data), listed in the card with its own. */
  experiments?: ModelCard['evaluation']['comparisons'];
  seed: number;
}
