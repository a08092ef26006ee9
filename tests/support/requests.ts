/** Valid feature lists for prediction requests, shared by the service, GraphQL and HTTP tests. */

/** The first row of the Pima table (insulin not measured). */
export const PIMA_ROW = [
  { name: 'pregnancies', value: 6 },
  { name: 'glucose', value: 148 },
  { name: 'blood_pressure', value: 72 },
  { name: 'skin_thickness', value: 35 },
  { name: 'insulin', value: null },
  { name: 'bmi', value: 33.6 },
  { name: 'diabetes_pedigree_function', value: 0.627 },
  { name: 'age', value: 50 },
];

/** Exactly what the heart-failure API's existing clients send. */
export const HEART_FAILURE_ROW = [
  { name: 'age', value: 75 },
  { name: 'ejection_fraction', value: 20 },
  { name: 'serum_creatinine', value: 1.9 },
];
