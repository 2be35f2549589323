/** Choices of the Share dialog's expiry, in hours (0: never); the server accepts only these. */
export const EXPIRY_CHOICES: ReadonlyArray<readonly [number, string]> = [
  [0, 'Never'],
  [1, '1 hour'],
  [24, '1 day'],
  [24 * 7, '7 days'],
  [24 * 30, '30 days'],
];
