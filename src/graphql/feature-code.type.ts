/** A code of a binary (or categorical) input and what it means; shared by features and observation codes. */
import 'reflect-metadata';
import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType('FeatureCode', {
  description: 'One code of a binary input and what it means in the data the model learned from.',
})
export class FeatureCode {
  @Field(() => Int)
  value!: number;

  @Field(() => String, { description: 'What the code means, e.g. "female".' })
  label!: string;
}
