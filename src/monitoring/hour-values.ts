/** One stay's hour as the scores see it: the latest value of each observation code measured within that hour. */
export type HourValues = ReadonlyMap<string, number>;
