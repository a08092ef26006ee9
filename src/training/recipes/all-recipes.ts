/** Every model the project trains, by id, in training order (smallest first). */
import { CodedError } from '@/errors/coded-error';
import { diabetesRecipe } from './diabetes';
import { heartFailureRecipe } from './heart-failure';
import { icuMortalityRecipe } from './icu-mortality';
import type { ModelRecipe } from './model-recipe';
import { sepsisRecipe } from './sepsis';

export const RECIPES: ModelRecipe[] = [heartFailureRecipe, diabetesRecipe, icuMortalityRecipe, sepsisRecipe];

export function recipeFor(id: string): ModelRecipe {
  const recipe = RECIPES.find((r) => r.id === id);
  if (!recipe) throw new UnknownRecipeError(id);
  return recipe;
}

/** A model id no recipe trains; the message lists the ids that exist. */
export class UnknownRecipeError extends CodedError {
  readonly code = 'UNKNOWN_RECIPE';
  constructor(id: string) {
    super(`unknown model "${id}"; known models: ${RECIPES.map((r) => r.id).join(', ')}`);
  }
}
