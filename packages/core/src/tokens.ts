/** Estimates how many model tokens a text costs. Replaceable; the default is characters / 4. */
export interface TokenEstimator {
  readonly name: string;
  estimate(text: string): number;
}

/** The default estimator: `ceil(characters / 4)`. */
export const charsPerFourEstimator: TokenEstimator = {
  name: "chars/4",
  estimate: (text) => Math.ceil(text.length / 4),
};
